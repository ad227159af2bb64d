// X's weighted length as twitter-text v3 counts it (twitter/twitter-text config/v3.json,
// parseTweet.js; the conformance suite's "Count a mix of single byte single word, and
// double word unicode characters", emoji and URL cases). The 280 limit is X's.
import { describe, expect, it } from "vitest";
import { checkPost } from "../../src/core/platforms/rules";
import { xWeightedLength } from "../../src/core/platforms/x-text";

describe("X weighted length (twitter-text v3)", () => {
  it("an emoji sequence weighs 2 in total: ZWJ families, flags, skin tones, keycaps", () => {
    expect(xWeightedLength("👨‍👩‍👧‍👦")).toBe(2);
    expect(xWeightedLength("🇫🇷")).toBe(2);
    expect(xWeightedLength("👍🏽")).toBe(2);
    expect(xWeightedLength("1️⃣")).toBe(2);
    expect(xWeightedLength("🏳️‍🌈 ok")).toBe(2 + 3);
  });

  it("a URL weighs 23 with or without a scheme; a lone name.cctld without a path is text", () => {
    expect(xWeightedLength("https://example.com/a/very/long/path?with=query")).toBe(23);
    expect(xWeightedLength("example.com")).toBe(23);
    expect(xWeightedLength("see example.com/path.")).toBe(4 + 23 + 1);
    expect(xWeightedLength("example.jp")).toBe(10);
    expect(xWeightedLength("example.jp/x")).toBe(23);
    expect(xWeightedLength("example.co")).toBe(23);
    expect(xWeightedLength("file.txt is not a link")).toBe(22);
    expect(xWeightedLength("user@example.com")).toBe(16);
  });

  it("CJK weighs 2, Latin 1", () => {
    expect(xWeightedLength("日本語")).toBe(6);
    expect(xWeightedLength("abc")).toBe(3);
  });

  it("a valid post with many emoji is not refused locally; one past 280 is", () => {
    const family = "👨‍👩‍👧‍👦";
    const draft = (text: string) => ({ text, imageUrl: null, videoUrl: null, hashtags: [] });
    // 140 family emoji weigh 280: allowed (each counted per code point they weighed 14).
    expect(checkPost("twitter", draft(family.repeat(140)))).toEqual([]);
    expect(checkPost("twitter", draft(`${family.repeat(140)}!`))[0]?.field).toBe("text");
    // 11 bare domains, spaces and "ok": 11 × 23 + 10 + 3 = 266, allowed; by their
    // length (over 300 characters) they would be refused.
    const links = Array.from({ length: 11 }, (_, i) => `example${i}-with-a-long-name.com`).join(" ");
    expect(links.length).toBeGreaterThan(280);
    expect(xWeightedLength(`${links} ok`)).toBe(266);
    expect(checkPost("twitter", draft(`${links} ok`))).toEqual([]);
  });
});
