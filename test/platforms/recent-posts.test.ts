// What a reconciliation reads back (src/core/platforms/recent-posts.ts and each
// platform's reader): which listed post is the one sent, and each platform's text as its
// author wrote it.
import { describe, expect, it } from "vitest";
import { graphTime } from "../../src/core/platforms/graph-recent";
import { fromLittleText } from "../../src/core/platforms/linkedin-recent";
import { toLittleText } from "../../src/core/platforms/linkedin-text";
import { comparableText, findSent, MATCH_SLACK_MS, platformNowMs } from "../../src/core/platforms/recent-posts";
import { xAuthoredText } from "../../src/core/platforms/x-recent";
import { asLittleText, asXStores } from "../../src/core/sandbox/recent-posts";

const T0 = Date.UTC(2031, 4, 6, 12, 0, 0);

describe("findSent", () => {
  const sent = { text: "Rebar in stock", sentAtMs: T0, nowMs: T0 + 5 * 60_000, claimed: new Set<string>() };

  it("finds the post of the same text created since the send, whatever the platform's clock reads", () => {
    // The platform's clock is an hour ahead of ours: ages are what count.
    const skew = 3_600_000;
    const listing = {
      kind: "listed" as const,
      platformNowMs: T0 + skew + 5 * 60_000,
      posts: [
        { platformPostId: "new", url: null, text: "Other", createdAtMs: T0 + skew + 60_000 },
        { platformPostId: "ours", url: null, text: " Rebar  in stock\n", createdAtMs: T0 + skew + 1000 },
      ],
    };
    expect(findSent(listing, sent)?.platformPostId).toBe("ours");
  });

  it("never takes an older post of the same text, nor one recorded for another post", () => {
    const older = { platformPostId: "older", url: null, text: "Rebar in stock", createdAtMs: T0 - MATCH_SLACK_MS - 1 };
    const claimed = { platformPostId: "claimed", url: null, text: "Rebar in stock", createdAtMs: T0 + 1000 };
    const listing = { kind: "listed" as const, platformNowMs: sent.nowMs, posts: [older, claimed] };
    expect(findSent(listing, { ...sent, claimed: new Set(["claimed"]) })).toBeNull();
    expect(findSent(listing, sent)?.platformPostId).toBe("claimed");
  });

  it("of several, takes the earliest created after the send", () => {
    const posts = [
      { platformPostId: "later", url: null, text: "Rebar in stock", createdAtMs: T0 + 120_000 },
      { platformPostId: "first", url: null, text: "Rebar in stock", createdAtMs: T0 + 2_000 },
    ];
    expect(findSent({ kind: "listed", platformNowMs: sent.nowMs, posts }, sent)?.platformPostId).toBe("first");
  });

  it("compares texts after Unicode NFC and white space, nothing else", () => {
    expect(comparableText("Cafe\u0301 \t ok\r\n next ")).toBe(comparableText("Café ok\nnext"));
    expect(comparableText("Rebar in stock!")).not.toBe(comparableText("Rebar in stock"));
  });

  it("reads the platform's time from its Date header, or falls back", () => {
    expect(platformNowMs(new Headers({ Date: new Date(T0).toUTCString() }), 0)).toBe(T0);
    expect(platformNowMs(new Headers(), 42)).toBe(42);
  });
});

describe("each platform's text as its author wrote it", () => {
  it("X: t.co links expanded, media links dropped, entities unescaped", () => {
    const stored = asXStores("1234567890", "Deals at https://example.com/a?b=1&c=2 & <more>");
    expect(stored.text).not.toContain("example.com");
    expect(stored.text).toContain("&amp;");
    expect(xAuthoredText(stored.text, stored.entities?.urls)).toBe("Deals at https://example.com/a?b=1&c=2 & <more>");
    const withMedia = "Photo https://t.co/abc";
    expect(xAuthoredText(withMedia, [{ start: 6, end: 22, url: "https://t.co/abc", media_key: "3_1" }])).toBe("Photo");
  });

  it("LinkedIn: little text read back, hashtags and escapes undone", () => {
    const text = "Sale (today) #rebar_deals 50% * off [see] C# @home";
    expect(fromLittleText(toLittleText(text))).toBe(text);
    expect(fromLittleText(asLittleText(text))).toBe(text);
  });

  it("Graph: created_time and timestamp with their +0000 offsets", () => {
    expect(graphTime("2031-05-06T12:00:00+0000")).toBe(T0);
    expect(graphTime("not a time")).toBeNaN();
  });
});
