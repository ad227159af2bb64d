// How LinkedIn reads a post's commentary as little text (learn.microsoft.com,
// "Little Text Format"): "\x" is the plain character x, {hashtag|\#|tag} is the
// hashtag #tag, @[Name](urn:li:person:…) a mention shown as its name; any other
// reserved character ends the text there. LinkedIn keeps what came before it and
// still answers 201 (the silent truncation reported in n8n#10179, activepieces#3058,
// pipedream#17353), and so does the sandbox.

/** The reserved characters of little text, as LinkedIn's page lists them. */
const RESERVED = "|{}@[]()<>#\\*_~";

const HASHTAG_TEMPLATE = /^\{hashtag\|\\#\|((?:\\.|[^\\{}|])+)\}/u;
const MENTION = /^@\[((?:\\.|[^\]\\])+)\]\((urn:li:(?:person|organization):[^)\s]+)\)/u;

function unescapeLittle(text: string): string {
  return text.replace(/\\(.)/gu, "$1");
}

/** What LinkedIn shows for `commentary`, and whether it was cut at an unescaped reserved character. */
export function renderLittleText(commentary: string): { text: string; truncated: boolean } {
  let text = "";
  let i = 0;
  while (i < commentary.length) {
    const char = commentary[i] as string;
    if (char === "\\") {
      const next = commentary.codePointAt(i + 1);
      if (next === undefined) return { text, truncated: true };
      text += String.fromCodePoint(next);
      i += next > 0xffff ? 3 : 2;
      continue;
    }
    const rest = commentary.slice(i);
    const hashtag = char === "{" ? HASHTAG_TEMPLATE.exec(rest) : null;
    if (hashtag) {
      text += `#${unescapeLittle(hashtag[1] as string)}`;
      i += hashtag[0].length;
      continue;
    }
    const mention = char === "@" ? MENTION.exec(rest) : null;
    if (mention) {
      text += unescapeLittle(mention[1] as string);
      i += mention[0].length;
      continue;
    }
    if (RESERVED.includes(char)) return { text, truncated: true };
    text += char;
    i += 1;
  }
  return { text, truncated: false };
}
