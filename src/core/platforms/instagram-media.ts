// What Instagram takes as a post's image, decided from the bytes (Instagram Platform,
// "Content Publishing": "JPEG is the only image format supported"; reference
// "Error Codes": 2207004, an image must be less than 8 MiB). A URL's extension says
// nothing certain about what its host serves: "photo.jpg" may be a PNG and
// "render?id=7" a JPEG. So the adapter fetches the image (bounded, like every media
// fetch: media.ts) and looks at its first bytes, the JPEG signature FF D8 FF, before
// Graph is asked for a container.
import { PlatformError } from "./errors";
import type { MediaPolicy } from "./media";

const MIB = 1024 * 1024;
/** 8 MiB, Instagram's image limit. */
export const INSTAGRAM_IMAGE_MAX_BYTES = 8 * MIB;

/**
 * The content types the image fetch reads (each up to 8 MiB): what hosts commonly
 * declare for images, so that the bytes, not the declared type, decide.
 */
export const INSTAGRAM_IMAGE: MediaPolicy = Object.fromEntries(
  [
    "image/jpeg",
    "image/jpg",
    "image/pjpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heic",
    "image/heif",
    "image/bmp",
    "image/tiff",
    "application/octet-stream",
    "binary/octet-stream",
  ].map((type) => [type, INSTAGRAM_IMAGE_MAX_BYTES]),
);

/** True when `bytes` start with JPEG's signature (SOI marker FF D8, then a marker's FF). */
export function isJpeg(bytes: ArrayBuffer): boolean {
  const head = new Uint8Array(bytes, 0, Math.min(3, bytes.byteLength));
  return head.length === 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
}

/** The refusal of an image that is not a JPEG: nothing was sent to Instagram. */
export function notJpeg(): PlatformError {
  return new PlatformError("media", "image_url is not a JPEG image (instagram takes JPEG images only)", {
    field: "image_url",
  });
}
