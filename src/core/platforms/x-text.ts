// The length X counts for a post: twitter-text's v3 configuration (twitter/twitter-text,
// config/v3.json, and parseTweet.js of its JS implementation): NFC-normalised text;
// every URL weighs 23 (transformedURLLength), with or without a scheme; every emoji
// (an RGI emoji sequence: ZWJ sequences, flags, skin tones, keycaps) weighs 2 in total
// (emojiParsingEnabled, defaultWeight 200 at scale 100); any other code point weighs
// 1 in the light ranges below and 2 elsewhere (CJK, …). The limit is 280.
//
// Why not the `twitter-text` package: its last release (3.1.0) is years old, pulls in
// core-js 2 and @babel/runtime, and counts emoji with twemoji-parser 11, whose emoji
// list predates current Unicode; the rules fit in this file, with the runtime's own
// RGI_Emoji property and IANA's TLD list (the `tlds` package) kept current instead.
import tlds from "tlds";

export const X_MAX_WEIGHTED_LENGTH = 280;
const URL_WEIGHT = 23;
const EMOJI_WEIGHT = 2;
/** Code point ranges of weight 1 (v3.json "ranges"). */
const LIGHT_RANGES: [number, number][] = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];

const TLD = new Set(tlds.map((tld) => tld.toLowerCase()));
/** ccTLDs a bare "name.tld" may end in and still be a URL (twitter-text's validSpecialCCTLD). */
const SPECIAL_CCTLD = new Set(["co", "tv"]);
/** Emoji sequences as Unicode defines them (the "v" flag's RGI_Emoji property, ES2024). */
// biome-ignore lint/complexity/useRegexLiterals: a literal with the "v" flag needs an ES2024 target in tsc
const EMOJI = new RegExp("\\p{RGI_Emoji}", "gv");
/**
 * A URL candidate: a scheme and anything up to a space, or a bare domain of ASCII
 * labels with an optional port and path, not preceded by a character that makes it
 * part of a word, a mention, a hashtag or a cashtag (twitter-text's
 * validUrlPrecedingChars and invalidUrlWithoutProtocolPrecedingChars).
 */
const CANDIDATE =
  /(?<![\p{L}\p{N}@＠$#＃\-_./])(?:(https?:\/\/)[^\s]+|((?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9])?\.)+[a-z0-9-]{2,})(?![\p{L}\p{N}@＠])((?::\d{1,5})?(?:\/[^\s]*)?))/giu;
/** Trailing characters twitter-text does not count as part of a URL. */
const TRAILING = /[.,;:!?'"’”)\]]+$/u;

function weightOf(codePoint: number): number {
  return LIGHT_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to) ? 1 : 2;
}

/** Whether a bare domain (no scheme) is a URL to X: a known TLD, and not a lone "name.cctld" without a path. */
function isBareUrl(domain: string, path: string): boolean {
  const labels = domain.toLowerCase().split(".");
  const tld = labels[labels.length - 1] as string;
  if (!TLD.has(tld)) return false;
  const shortCcDomain = labels.length === 2 && tld.length === 2 && !SPECIAL_CCTLD.has(tld);
  return path.length > 0 || !shortCcDomain;
}

/** The [start, end) spans of the URLs X finds in `text`. */
export function urlSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const [whole, scheme, domain = "", path = ""] = match;
    if (!scheme && !isBareUrl(domain, path)) continue;
    const kept = whole.replace(TRAILING, "");
    if (kept.length > (scheme?.length ?? 0)) spans.push([match.index, match.index + kept.length]);
  }
  return spans;
}

export function xWeightedLength(text: string): number {
  const normalised = text.normalize("NFC");
  let length = 0;
  let rest = "";
  let at = 0;
  for (const [start, end] of urlSpans(normalised)) {
    rest += `${normalised.slice(at, start)} `;
    length += URL_WEIGHT - 1;
    at = end;
  }
  rest += normalised.slice(at);
  const withoutEmoji = rest.replace(EMOJI, () => {
    length += EMOJI_WEIGHT;
    return "";
  });
  for (const char of withoutEmoji) length += weightOf(char.codePointAt(0) as number);
  return length;
}
