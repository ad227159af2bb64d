// LinkedIn's "little text" format for a post's commentary (learn.microsoft.com,
// LinkedIn Marketing, Community Management > Shares > "Little Text Format"): the
// characters | { } @ [ ] ( ) < > # * _ ~ and the backslash are reserved and must be
// backslash-escaped to be plain text; a hashtag is the HashtagTemplate
// {hashtag|\#|tag}, a mention the MentionElement @[Name](urn:li:person:…). Sent
// unescaped, LinkedIn silently cuts the post at the first reserved character and
// still answers 201 (reported in n8n#10179, activepieces#3058, pipedream#17353).

/** Every reserved character of little text. */
export const LITTLE_TEXT_RESERVED = "\\|{}@[]()<>#*_~";
const RESERVED = /[\\|{}@[\]()<>#*_~]/g;

/**
 * A mention already written in little text's own syntax (a client that knows the
 * member's or organization's URN): kept as a mention.
 */
const MENTION = String.raw`@\[([^\]\n\\]{1,200})\]\((urn:li:(?:person|organization):[A-Za-z0-9_-]+)\)`;
/** A hashtag: "#" and letters, digits or underscores, not inside a word ("C#" is plain). */
const HASHTAG = String.raw`#([\p{L}\p{N}_]+)`;
const TOKEN = new RegExp(`${MENTION}|${HASHTAG}|[\\\\|{}@[\\]()<>#*_~]`, "gu");
const WORD = /[\p{L}\p{N}_&]/u;

/** `text` with every reserved character escaped (plain text, nothing else). */
export function escapePlain(text: string): string {
  return text.replace(RESERVED, (char) => `\\${char}`);
}

/** The commentary LinkedIn receives for `text`: plain text escaped, hashtags and mentions kept working. */
export function toLittleText(text: string): string {
  return text.replace(TOKEN, (match: string, name?: string, urn?: string, tag?: string, offset = 0) => {
    if (urn !== undefined && name !== undefined) return `@[${escapePlain(name)}](${urn})`;
    if (tag !== undefined) {
      const before = text[offset - 1];
      if (before !== undefined && WORD.test(before)) return escapePlain(match);
      return `{hashtag|\\#|${escapePlain(tag)}}`;
    }
    return `\\${match}`;
  });
}
