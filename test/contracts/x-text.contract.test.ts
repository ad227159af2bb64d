// X's weighted length ("Counting characters", docs.x.com/resources/fundamentals/
// counting-characters), counted twice: by the adapter's rules (src/core/platforms/
// x-text.ts, which refuse a post before anything is sent) and by the sandbox X, which
// counts with its own code from the same page (src/core/sandbox/x-weighted-length.ts)
// and refuses a longer post as X does. The two must agree on the page's cases and on
// texts mixed from every kind of piece the page names, or a mistake in one would let a
// post through that X refuses, or refuse one it takes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { xWeightedLength } from "../../src/core/platforms/x-text";
import { xPostLength } from "../../src/core/sandbox/x-weighted-length";
import { sandboxFetch, sandboxGrant } from "./exchange";

/** The page's rules, one case each: [text, weighted length]. */
const DOCUMENTED: [string, number][] = [
  ["Hello world!", 12],
  ["漢".repeat(140), 280],
  ["日本語 text", 11],
  // U+2014 (em dash) is in 8208-8223: 1; U+2026 (ellipsis) is not: 2.
  ["a\u2014b", 3],
  ["a\u2026", 3],
  // NFC: e + combining acute is one code point.
  ["cafe\u0301", 4],
  // URLs weigh 23, with or without a scheme; trailing punctuation is not part of one.
  [`https://example.com/${"z".repeat(100)}`, 23],
  ["example.com", 23],
  ["(https://x.com/a).", 1 + 23 + 2],
  ["see example.com/path.", 4 + 23 + 1],
  ["example.jp", 10],
  ["example.jp/x", 23],
  ["x.co", 23],
  // Not URLs: a mention's, a hashtag's or an address's domain.
  ["@name.com", 9],
  ["#tag.com", 8],
  ["user@example.com", 16],
  ["file.txt is not a link", 22],
  // Emoji weigh 2 whatever their modifiers: skin tones, flags, keycaps, ZWJ sequences.
  ["👍", 2],
  ["👍🏽", 2],
  ["🇺🇸", 2],
  ["1️⃣", 2],
  ["👨‍👩‍👧‍👦", 2],
  ["🏳️‍🌈 ok", 5],
];

/** Every kind of piece the page names, to mix. */
const PIECES = [
  "a",
  "Z",
  " ",
  "\n",
  "漢",
  "ä",
  "e\u0301",
  "\u2014",
  "\u2026",
  ".",
  ",",
  "(",
  ")",
  "@",
  "#",
  "https://example.com/a",
  "http://t.co/x",
  "x.co",
  "foo.bar",
  "example.jp",
  "example.de/p",
  "file.txt",
  "👍",
  "👍🏽",
  "🇺🇸",
  "👩‍💻",
  "1️⃣",
  "♥",
  "©",
];

describe("X weighted length: the adapter and the sandbox count alike", () => {
  it.each(DOCUMENTED)("%j weighs %i on both sides", (text, weight) => {
    expect(xWeightedLength(text), "adapter").toBe(weight);
    expect(xPostLength(text), "sandbox").toBe(weight);
  });

  it("texts mixed from every kind of piece weigh the same on both sides", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }), (pieces) => {
        const text = pieces.join("");
        expect(xPostLength(text), JSON.stringify(text)).toBe(xWeightedLength(text));
      }),
      { numRuns: 500, seed: 24 },
    );
  });

  it("the sandbox takes a post of 280 and refuses one of 281, as the adapter's rules do", async () => {
    const grant = await sandboxGrant("twitter");
    const tweet = (text: string) =>
      sandboxFetch("twitter", "/2/tweets", {
        method: "POST",
        headers: { Authorization: `Bearer ${grant.tokens.accessToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ text }),
      });
    const unique = crypto.randomUUID().slice(0, 8);
    const cases: [string, number][] = [
      [`${unique}${"漢".repeat(136)}`, 201],
      [`${unique}${"漢".repeat(137)}`, 400],
      [`${unique} ${"y".repeat(247)} https://example.com/${"z".repeat(300)}`, 201],
      [`${unique} ${"y".repeat(248)} https://example.com/${"z".repeat(300)}`, 400],
    ];
    for (const [text, status] of cases) {
      expect(xWeightedLength(text) <= 280, `adapter: ${xWeightedLength(text)}`).toBe(status === 201);
      expect((await tweet(text)).status, `sandbox: ${xPostLength(text)}`).toBe(status);
    }
  });
});
