// What a media file is, decided from its first bytes (their signatures), not from the
// URL's name or the host's Content-Type, which may say anything: X takes a GIF through
// its chunked upload as tweet_gif and other images through the simple upload, and needs
// a video's media_type (MP4 or QuickTime); LinkedIn takes MP4 videos.
// Signatures: JPEG FF D8 FF; PNG 89 50 4E 47 0D 0A 1A 0A; GIF "GIF87a"/"GIF89a"; WebP
// "RIFF" .... "WEBP"; ISO base media (MP4, QuickTime) a box "ftyp" at byte 4 whose brand
// "qt  " is QuickTime, and whose HEIF and AVIF brands are still images, not video;
// WebM/Matroska 1A 45 DF A3.

export type SniffedType =
  | "image/jpeg"
  | "image/png"
  | "image/gif"
  | "image/webp"
  | "video/mp4"
  | "video/quicktime"
  | "video/webm";

/** ftyp brands of HEIF and AVIF still images (ISO/IEC 23008-12), which share MP4's container. */
const IMAGE_BRANDS = new Set([
  "heic",
  "heix",
  "heim",
  "heis",
  "hevc",
  "hevx",
  "hevm",
  "hevs",
  "mif1",
  "msf1",
  "avif",
  "avis",
]);

function ascii(bytes: Uint8Array, from: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(from, from + length));
}

/** The type `bytes` are, by their signature; null when none is recognised. */
export function sniffMediaType(bytes: ArrayBuffer): SniffedType | null {
  const head = new Uint8Array(bytes, 0, Math.min(16, bytes.byteLength));
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (head.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => head[i] === b)) {
    return "image/png";
  }
  if (head.length >= 6 && /^GIF8[79]a$/.test(ascii(head, 0, 6))) return "image/gif";
  if (head.length >= 12 && ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "WEBP") return "image/webp";
  if (head.length >= 12 && ascii(head, 4, 4) === "ftyp") {
    const brand = ascii(head, 8, 4);
    if (IMAGE_BRANDS.has(brand)) return null;
    return brand === "qt  " ? "video/quicktime" : "video/mp4";
  }
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    return "video/webm";
  }
  return null;
}
