// How the sandbox X counts a post's length, written from X's documentation alone
// ("Counting characters", docs.x.com/resources/fundamentals/counting-characters), not
// from the adapter's counter (src/core/platforms/x-text.ts), so that a mistake in one
// shows against the other in the contract tests:
// - the text is counted in its NFC form;
// - a code point in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F or U+2032–U+2037
//   weighs 1, any other 2 (CJK, …);
// - every URL weighs 23, whatever its length (t.co wraps it), with or without a scheme;
// - an emoji weighs 2, modifiers and joined sequences included (X counts what twemoji
//   draws as one: a Unicode RGI emoji); a joined sequence Unicode does not recommend
//   counts as its parts;
// - the longest post is 280.
//
// URLs are found by scanning, word by word: a URL may start where the character before
// is not a letter, digit or one of @ ＠ $ # ＃ - _ . / (so "@name.com", "#tag.com" and
// "a.b.c" mid-word are not URLs); it is a scheme URL (http:// or https:// and what
// follows up to a space) or a bare domain whose last label is a top-level domain IANA
// lists (the `tlds` package), followed by an optional port and path. A bare
// "name.xx" (a two-letter country domain other than .co and .tv) without a path is not
// a URL. Trailing . , ; : ! ? ' " ’ ” ) ] are not part of it.
import tlds from "tlds";

export const X_LONGEST_POST = 280;
const URL_LENGTH = 23;
const EMOJI_LENGTH = 2;

const TOP_LEVEL = new Set(tlds.map((tld) => tld.toLowerCase()));
const BARE_CC_ALLOWED = new Set(["co", "tv"]);
const NOT_BEFORE_URL = /[\p{L}\p{N}@＠$#＃\-_./]/u;
const NOT_AFTER_DOMAIN = /[\p{L}\p{N}@＠]/u;
const TRAILING = new Set([".", ",", ";", ":", "!", "?", "'", '"', "’", "”", ")", "]"]);
const SCHEME = /^https?:\/\//i;
const DOMAIN = /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9])?\.)+[a-z0-9-]{2,}/i;
const PORT_AND_PATH = /^(?::\d{1,5})?(?:\/\S*)?/;
// biome-ignore lint/complexity/useRegexLiterals: a literal with the "v" flag needs an ES2024 target in tsc
const ONE_EMOJI = new RegExp("^\\p{RGI_Emoji}$", "v");
const ZWJ = "\u200d";

function codePointWeight(codePoint: number): number {
  const light =
    codePoint <= 0x10ff ||
    (codePoint >= 0x2000 && codePoint <= 0x200d) ||
    (codePoint >= 0x2010 && codePoint <= 0x201f) ||
    (codePoint >= 0x2032 && codePoint <= 0x2037);
  return light ? 1 : 2;
}

/** Drops trailing punctuation from a URL candidate. */
function trimmed(candidate: string): string {
  let end = candidate.length;
  while (end > 0 && TRAILING.has(candidate[end - 1] as string)) end -= 1;
  return candidate.slice(0, end);
}

/** The URL starting at the beginning of `rest` (no spaces in it), or null. */
function urlAt(rest: string): string | null {
  const scheme = SCHEME.exec(rest);
  if (scheme) {
    const url = trimmed(rest);
    return url.length > scheme[0].length ? url : null;
  }
  const domain = DOMAIN.exec(rest);
  if (!domain) return null;
  const after = rest.slice(domain[0].length);
  const labels = domain[0].toLowerCase().split(".");
  const top = labels[labels.length - 1] as string;
  if (!TOP_LEVEL.has(top)) return null;
  if (after[0] !== undefined && NOT_AFTER_DOMAIN.test(after[0])) return null;
  const tail = PORT_AND_PATH.exec(after)?.[0] ?? "";
  const hasPath = tail.length > 0;
  if (!hasPath && labels.length === 2 && top.length === 2 && !BARE_CC_ALLOWED.has(top)) return null;
  const url = trimmed(domain[0] + tail);
  return url.includes(".") ? url : null;
}

/** `word` (no spaces) as text pieces and URLs. */
function splitWord(word: string): { urls: number; text: string } {
  let urls = 0;
  let text = "";
  let i = 0;
  while (i < word.length) {
    const before = i === 0 ? undefined : word[i - 1];
    const url = before === undefined || !NOT_BEFORE_URL.test(before) ? urlAt(word.slice(i)) : null;
    if (url) {
      urls += 1;
      i += url.length;
      continue;
    }
    text += word[i];
    i += 1;
  }
  return { urls, text };
}

/** What a piece of text without URLs weighs: emoji 2, other code points by their range. */
function textWeight(text: string): number {
  let weight = 0;
  for (const { segment } of new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)) {
    if (ONE_EMOJI.test(segment)) {
      weight += EMOJI_LENGTH;
      continue;
    }
    // A grapheme that is not one recommended emoji: its joined parts count each.
    const parts = segment.split(ZWJ);
    parts.forEach((part, index) => {
      if (index > 0) weight += codePointWeight(ZWJ.codePointAt(0) as number);
      if (ONE_EMOJI.test(part)) weight += EMOJI_LENGTH;
      else for (const char of part) weight += codePointWeight(char.codePointAt(0) as number);
    });
  }
  return weight;
}

/** The weighted length X counts for `text`. */
export function xPostLength(text: string): number {
  let weight = 0;
  for (const piece of text.normalize("NFC").split(/(\s+)/u)) {
    if (piece === "") continue;
    if (/^\s+$/u.test(piece)) {
      weight += textWeight(piece);
      continue;
    }
    const { urls, text: rest } = splitWord(piece);
    weight += urls * URL_LENGTH + textWeight(rest);
  }
  return weight;
}
