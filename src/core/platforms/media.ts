// Fetching a post's media for platforms that take the bytes (LinkedIn's and X's
// uploads). The URL comes from a client, so the fetch is bounded (ARCHITECTURE.md,
// Bounded inputs): https only (every redirect too), one deadline for headers and body,
// the content type checked against what the platform accepts, and a byte cap from
// the platform's own limits, counted while the body streams (a lying or absent
// Content-Length cannot make the object buffer more). Facebook and Instagram are
// given the URL and fetch it themselves (Graph API), so nothing is fetched for them.
//
// A refusal names the field and what went wrong by kind: not a URL we fetch, answered
// 4xx or 5xx, could not be reached, timed out, too large, a type the platform does not
// take. Never the media host's own words (its status text, its body, the runtime's
// error about it): the client chose the URL, not what the host says (docs/publishing.md,
// "Media").
import { PlatformError } from "./errors";

export type MediaField = "image_url" | "video_url";

/** What a platform accepts for one kind of media: content type → largest size in bytes. */
export type MediaPolicy = Readonly<Record<string, number>>;

const MB = 1024 * 1024;

/**
 * LinkedIn Images API: JPG, PNG, GIF (up to 250 frames); 5 MB per LinkedIn's image
 * specifications.
 */
export const LINKEDIN_IMAGE: MediaPolicy = { "image/jpeg": 5 * MB, "image/png": 5 * MB, "image/gif": 5 * MB };

/** X media upload: images 5 MB (JPG, PNG, WEBP), GIF 15 MB (docs.x.com, "Media types & size restrictions"). */
export const X_IMAGE: MediaPolicy = {
  "image/jpeg": 5 * MB,
  "image/png": 5 * MB,
  "image/webp": 5 * MB,
  "image/gif": 15 * MB,
};

/**
 * The largest video this Worker uploads: 32 MB. X takes 512 MB and LinkedIn 500 MB,
 * but the adapter holds the whole file in the TenantObject's memory (128 MB an isolate,
 * shared with everything else the object does) while its parts go out, so a larger
 * video is refused before anything is sent (docs/platforms.md).
 */
export const MAX_VIDEO_BYTES = 32 * MB;

/** Types hosts declare for any file: the bytes then say what it is (media-type.ts). */
const UNTYPED = ["application/octet-stream", "binary/octet-stream"];

/** X videos: MP4 or MOV (docs.x.com, "Media best practices"), the bytes deciding which. */
export const X_VIDEO: MediaPolicy = Object.fromEntries(
  ["video/mp4", "video/quicktime", ...UNTYPED].map((type) => [type, MAX_VIDEO_BYTES]),
);

/** LinkedIn videos: MP4 (Videos API, "Video specifications"), the bytes deciding. */
export const LINKEDIN_VIDEO: MediaPolicy = Object.fromEntries(
  ["video/mp4", ...UNTYPED].map((type) => [type, MAX_VIDEO_BYTES]),
);

const MAX_REDIRECTS = 3;

function refusal(field: MediaField, why: string): PlatformError {
  return new PlatformError("media", `${field} ${why}`, { field });
}

/** "4xx", "5xx": the class of a status, all a client is told of the media host's answer. */
function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** A media type as RFC 6838 spells one (type/subtype tokens), else null: anything else is the host's free text. */
function wellFormedType(type: string): string | null {
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/.test(type) ? type : null;
}

/** The URL, if it is one this Worker may fetch: https, no credentials in it. */
function fetchableUrl(field: MediaField, value: string | URL): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refusal(field, "is not a URL");
  }
  if (url.protocol !== "https:") throw refusal(field, "must be an https URL");
  if (url.username || url.password) throw refusal(field, "must not carry credentials");
  return url;
}

/** Reads `body` whole unless it passes `cap` bytes or `deadline` settles first. */
async function readCapped(
  body: ReadableStream<Uint8Array>,
  cap: number,
  deadline: Promise<never>,
  field: MediaField,
): Promise<ArrayBuffer> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      total += value.byteLength;
      if (total > cap) throw refusal(field, `is too large (larger than the platform's limit of ${cap} bytes)`);
      chunks.push(value);
    }
  } catch (error) {
    // Stop the transfer: nothing more is read or buffered.
    await reader.cancel().catch(() => undefined);
    throw error;
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes.buffer;
}

function mediaType(response: Response): string {
  return (response.headers.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/**
 * The bytes at `url`, or a PlatformError "media" naming `field` saying why not. The
 * whole fetch, redirects and body included, must finish within `timeoutMs`.
 */
export async function fetchMediaBounded(
  url: string,
  field: MediaField,
  policy: MediaPolicy,
  timeoutMs: number,
): Promise<ArrayBuffer> {
  let target = fetchableUrl(field, url);
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(refusal(field, `timed out (it did not arrive within ${timeoutMs} ms)`));
    }, timeoutMs);
  });
  // Handled here too: the deadline may pass while no race is waiting on it.
  deadline.catch(() => undefined);
  let response: Response | undefined;
  try {
    for (let hop = 0; ; hop++) {
      response = await Promise.race([fetch(target, { redirect: "manual", signal: controller.signal }), deadline]);
      const location = response.headers.get("Location");
      if (response.status < 300 || response.status >= 400 || !location) break;
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw refusal(field, `redirects more than ${MAX_REDIRECTS} times`);
      target = fetchableUrl(field, new URL(location, target));
    }
    if (!response.ok) {
      throw refusal(field, `could not be fetched (the media host answered ${statusClass(response.status)})`);
    }
    const type = mediaType(response);
    const cap = policy[type];
    if (cap === undefined) {
      const named = wellFormedType(type);
      throw refusal(
        field,
        `is ${named ?? "not of a declared media type"}; the platform accepts ${Object.keys(policy).join(", ")}`,
      );
    }
    const declared = Number(response.headers.get("Content-Length") ?? "not declared");
    if (Number.isFinite(declared) && declared > cap) {
      throw refusal(field, `is too large (larger than the platform's limit of ${cap} bytes)`);
    }
    if (!response.body) return new ArrayBuffer(0);
    return await readCapped(response.body, cap, deadline, field);
  } catch (error) {
    await response?.body?.cancel().catch(() => undefined);
    if (error instanceof PlatformError) throw error;
    // The runtime's words about the host (DNS, TLS, a reset) are for the operator's log only.
    console.warn(`media fetch for ${field} failed`, error);
    throw refusal(field, "could not be fetched (the media host could not be reached)");
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
