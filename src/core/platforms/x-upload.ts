// A post's media at X (docs.x.com, "Media upload" and its v2 endpoints). The bytes are
// fetched bounded (media.ts) and their type decided from their signature
// (media-type.ts):
// - a JPEG, PNG or WebP image goes through the simple upload, POST /2/media/upload
//   (multipart: media, media_category tweet_image), ready at once;
// - a GIF (media_category tweet_gif) and a video (tweet_video: MP4 or MOV) go through
//   the chunked upload: POST /2/media/upload/initialize { media_type, total_bytes,
//   media_category } answers data.id; POST /2/media/upload/{id}/append (multipart:
//   segment_index, media) once per segment of at most 4 MiB (X takes 5 MB, at most
//   1,000 segments); POST /2/media/upload/{id}/finalize; then the media processes:
//   GET /2/media/upload?command=STATUS&media_id={id} answers processing_info.state
//   (pending, in_progress, succeeded, failed) until it has succeeded, and only then may
//   a post carry it. A finalize that names no processing_info is ready at once.
//
// A failure before the post itself is sent published nothing: a timeout on any of
// these steps is reported as "unavailable", never as an unknown outcome.
import type { PlatformConfig } from "./config";
import { PlatformError } from "./errors";
import { failure, type PlatformResponse, send } from "./http";
import { type MediaField, X_IMAGE, X_VIDEO } from "./media";
import { type SniffedType, sniffMediaType } from "./media-type";
import type { ProcessingStatus } from "./types";
import { xQuota } from "./x-limits";

/** The largest segment appended at once (X takes up to 5 MB a segment). */
export const X_SEGMENT_BYTES = 4 * 1024 * 1024;

/** Media ready to post, or still processing; and the calls its upload took. */
export interface UploadedMedia {
  id: string;
  status: ProcessingStatus;
  calls: number;
}

/** A media step's answer; a timeout there published nothing. */
async function step(config: PlatformConfig, request: Request): Promise<PlatformResponse> {
  try {
    return await send(config, request);
  } catch (error) {
    if (error instanceof PlatformError && error.kind === "timeout") {
      throw new PlatformError("unavailable", "twitter: the media upload did not answer in time; nothing was posted");
    }
    throw error;
  }
}

/** A media step's failure; a 429 holds until the later reset its headers name (x-limits.ts). */
function ok(config: PlatformConfig, response: PlatformResponse): void {
  if (response.status >= 200 && response.status < 300) return;
  const error = failure(config, response);
  const quota = xQuota(response.headers);
  if (error.kind === "rate_limited" && quota) error.details.resetAtMs = quota.resetAtMs;
  throw error;
}

function refusal(field: MediaField, message: string): PlatformError {
  return new PlatformError("media", `${field} ${message}`, { field });
}

/** processing_info's state as the poller says it; absent: ready. */
export function processingStatus(body: unknown): ProcessingStatus {
  const state = (body as { data?: { processing_info?: { state?: string } } } | null)?.data?.processing_info?.state;
  if (state === undefined || state === "succeeded") return "FINISHED";
  if (state === "failed") return "ERROR";
  return "IN_PROGRESS";
}

async function simpleUpload(config: PlatformConfig, auth: string, bytes: ArrayBuffer): Promise<UploadedMedia> {
  const form = new FormData();
  form.set("media", new Blob([bytes]));
  form.set("media_category", "tweet_image");
  // POST /2/media/upload (OpenAPI: mediaUpload), multipart; answers data.id.
  const response = await step(
    config,
    new Request(`${config.endpoints.apiBase}/2/media/upload`, {
      method: "POST",
      headers: { Authorization: auth },
      body: form,
    }),
  );
  ok(config, response);
  return { id: (response.body as { data: { id: string } }).data.id, status: "FINISHED", calls: 1 };
}

async function chunkedUpload(
  config: PlatformConfig,
  auth: string,
  bytes: ArrayBuffer,
  mediaType: SniffedType,
  category: "tweet_gif" | "tweet_video",
): Promise<UploadedMedia> {
  const base = `${config.endpoints.apiBase}/2/media/upload`;
  const init = await step(
    config,
    new Request(`${base}/initialize`, {
      method: "POST",
      headers: { Authorization: auth, "Content-Type": "application/json" },
      body: JSON.stringify({ media_type: mediaType, total_bytes: bytes.byteLength, media_category: category }),
    }),
  );
  ok(config, init);
  const id = (init.body as { data?: { id?: string } } | null)?.data?.id;
  if (!id) throw new PlatformError("rejected", "twitter: no media id in the upload's answer");
  let calls = 1;
  for (let offset = 0, index = 0; offset < bytes.byteLength; offset += X_SEGMENT_BYTES, index++) {
    const form = new FormData();
    form.set("segment_index", String(index));
    form.set("media", new Blob([bytes.slice(offset, offset + X_SEGMENT_BYTES)]));
    const appended = await step(
      config,
      new Request(`${base}/${encodeURIComponent(id)}/append`, {
        method: "POST",
        headers: { Authorization: auth },
        body: form,
      }),
    );
    ok(config, appended);
    calls += 1;
  }
  const finalized = await step(
    config,
    new Request(`${base}/${encodeURIComponent(id)}/finalize`, { method: "POST", headers: { Authorization: auth } }),
  );
  ok(config, finalized);
  return { id, status: processingStatus(finalized.body), calls: calls + 1 };
}

/**
 * Uploads the post's media: `url` in `field` (image_url: an image or a GIF; video_url:
 * MP4 or MOV). What X must still process comes back IN_PROGRESS.
 */
export async function uploadXMedia(
  config: PlatformConfig,
  accessToken: string,
  url: string,
  field: MediaField,
): Promise<UploadedMedia> {
  const auth = `Bearer ${accessToken}`;
  if (field === "video_url") {
    const bytes = await config.fetchMedia(url, field, X_VIDEO);
    const type = sniffMediaType(bytes);
    if (type !== "video/mp4" && type !== "video/quicktime") {
      throw refusal(field, `is ${type ?? "not a video X takes"}; twitter takes MP4 and MOV videos`);
    }
    return chunkedUpload(config, auth, bytes, type, "tweet_video");
  }
  const bytes = await config.fetchMedia(url, field, X_IMAGE);
  const type = sniffMediaType(bytes);
  if (type === "image/gif") return chunkedUpload(config, auth, bytes, type, "tweet_gif");
  if (type?.startsWith("video/")) throw refusal(field, `is a video (${type}); give it as video_url`);
  // JPEG, PNG, WebP, or bytes whose type is not recognised: X judges those itself.
  return simpleUpload(config, auth, bytes);
}

/** GET /2/media/upload?command=STATUS&media_id=: where the media's processing stands. */
export async function xMediaStatus(config: PlatformConfig, accessToken: string, id: string): Promise<ProcessingStatus> {
  const url = new URL(`${config.endpoints.apiBase}/2/media/upload`);
  url.searchParams.set("command", "STATUS");
  url.searchParams.set("media_id", id);
  const response = await step(config, new Request(url, { headers: { Authorization: `Bearer ${accessToken}` } }));
  ok(config, response);
  return processingStatus(response.body);
}
