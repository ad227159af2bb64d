// Ids: a type prefix and a ULID whose random part comes from a pooled WebCrypto source.
import { describe, expect, it } from "vitest";
import { idPattern, newId } from "../../src/core/db/ids";

describe("newId", () => {
  it("makes well-formed, distinct ids that sort by creation time", () => {
    const at = Date.now();
    const ids = Array.from({ length: 10_000 }, () => newId("post", at));
    for (const id of ids) expect(id).toMatch(idPattern("post"));
    expect(new Set(ids).size).toBe(ids.length);
    // A millisecond later (the time part is the caller's clock): every id sorts before it.
    const later = newId("post", at + 1);
    const after = ids.filter((id) => id >= later);
    expect(after, `ids sorting after ${later}`).toEqual([]);
    expect(newId("post", at).slice(0, 15), "the time part").toBe(ids[0]?.slice(0, 15));
  });

  it("spreads the random part over all 32 characters, across pool refills", () => {
    // 10,000 ids × 16 random characters: 160,000 draws, 39 pool refills.
    const seen = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      for (const ch of newId("post").slice(-16)) seen.set(ch, (seen.get(ch) ?? 0) + 1);
    }
    expect(seen.size).toBe(32);
    // Each character is expected 5,000 times; a skewed source lands far outside ±15%.
    for (const count of seen.values()) expect(Math.abs(count - 5000)).toBeLessThan(750);
  });
});
