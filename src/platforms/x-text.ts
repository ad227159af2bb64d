// The length X counts for a post (twitter-text v3): most Latin, Greek, Cyrillic and
// punctuation characters weigh 1, everything else (CJK, emoji, ...) weighs 2, and
// every URL weighs 23 whatever its length. The limit is 280.

export const X_MAX_WEIGHTED_LENGTH = 280;
const URL_WEIGHT = 23;
const URL_PATTERN = /https?:\/\/[^\s]+/gi;
/** Code point ranges of weight 1 (twitter-text's default configuration). */
const LIGHT_RANGES: [number, number][] = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];

function weightOf(codePoint: number): number {
  return LIGHT_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to) ? 1 : 2;
}

export function xWeightedLength(text: string): number {
  let length = 0;
  const withoutUrls = text.normalize("NFC").replace(URL_PATTERN, () => {
    length += URL_WEIGHT;
    return "";
  });
  for (const char of withoutUrls) length += weightOf(char.codePointAt(0) as number);
  return length;
}
