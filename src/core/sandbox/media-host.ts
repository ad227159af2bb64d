// The sandbox's stand-in for the hosts that serve a post's media. Graph fetches an
// image or video URL itself (Instagram decides "JPEG" from the bytes it gets), and
// LinkedIn's and X's uploads send the bytes the adapter fetched; tests cannot reach the
// internet, so in development mode a media URL's bytes come from here (the adapters'
// fetchMedia, src/core/platforms/config.ts, and the Instagram sandbox alike).
//
// What a URL serves: the type named by its `sandbox_type` query parameter (jpeg, png,
// gif, webp, heic, mp4, mov, svg), else the type its file name's extension says, else
// JPEG. So "https://cdn.example.com/photo.jpg?sandbox_type=png" is a PNG whatever its
// name says, and "https://cdn.example.com/render?id=7" a JPEG: a name is not what
// decides what the bytes are.

const ASCII = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

/** The first bytes of each type's files (their signatures), padded to look like a small file. */
const SIGNATURES: Record<string, number[]> = {
  jpeg: [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...ASCII("JFIF"), 0x00],
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  gif: ASCII("GIF89a"),
  webp: [...ASCII("RIFF"), 0x24, 0x00, 0x00, 0x00, ...ASCII("WEBPVP8 ")],
  heic: [0x00, 0x00, 0x00, 0x18, ...ASCII("ftypheic")],
  mp4: [0x00, 0x00, 0x00, 0x18, ...ASCII("ftypmp42")],
  mov: [0x00, 0x00, 0x00, 0x14, ...ASCII("ftypqt  ")],
  svg: ASCII('<svg xmlns="http://www.w3.org/2000/svg"/>'),
};

const EXTENSIONS: Record<string, string> = {
  jpg: "jpeg",
  jpeg: "jpeg",
  png: "png",
  gif: "gif",
  webp: "webp",
  heic: "heic",
  heif: "heic",
  mp4: "mp4",
  mov: "mov",
  svg: "svg",
};

/** The type the sandbox's media host serves at `url` (see the file's head). */
export function servedType(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "jpeg";
  }
  const asked = parsed.searchParams.get("sandbox_type");
  if (asked && SIGNATURES[asked]) return asked;
  const extension = /\.([a-z0-9]+)$/i.exec(parsed.pathname)?.[1]?.toLowerCase() ?? "";
  return EXTENSIONS[extension] ?? "jpeg";
}

/**
 * A video's size: 96 KiB, above the smallest video LinkedIn takes (75 KB, Videos API
 * "Video specifications"; the sandbox LinkedIn refuses less, as LinkedIn does).
 */
const VIDEO_BYTES = 96 * 1024;

/** The bytes the sandbox's media host serves at `url`: its type's signature, then filler. */
export function servedBytes(url: string): Uint8Array {
  const type = servedType(url);
  const signature = SIGNATURES[type] ?? [];
  const bytes = new Uint8Array(type === "mp4" || type === "mov" ? VIDEO_BYTES : signature.length + 64);
  bytes.set(signature);
  return bytes;
}
