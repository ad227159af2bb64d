// A LinkedIn video, through the Videos API (learn.microsoft.com, LinkedIn Marketing,
// Community Management > Shares > "Videos API"): the bytes are fetched bounded
// (media.ts) and must be an MP4 by their signature (media-type.ts); then
// POST /rest/videos?action=initializeUpload { initializeUploadRequest: { owner,
// fileSizeBytes, uploadCaptions, uploadThumbnail } } answers the video's URN, an
// uploadToken and uploadInstructions, one pre-signed URL per part (firstByte..lastByte,
// 4 MB each); each part is PUT to its URL with the member's token, as an image is,
// and answers the part's ETag; POST /rest/videos?action=finalizeUpload names the ETags
// in order; GET /rest/videos/{urn} says when the video is AVAILABLE (PROCESSING until
// then, PROCESSING_FAILED if it failed), and only then may a post carry it.
//
// A failure before the post itself is sent published nothing: a timeout on any of
// these steps is reported as "unavailable", never as an unknown outcome.
import type { PlatformConfig } from "./config";
import { PlatformError } from "./errors";
import { type PlatformResponse, send } from "./http";
import { linkedInFailure } from "./linkedin-limits";
import { LINKEDIN_VIDEO } from "./media";
import { sniffMediaType } from "./media-type";
import type { ProcessingStatus } from "./types";

interface UploadInstruction {
  uploadUrl: string;
  firstByte: number;
  lastByte: number;
}

/** An uploaded video and the calls it took. */
export interface UploadedVideo {
  urn: string;
  calls: number;
}

/** Calls of a step before the post: a timeout there published nothing. */
async function step(config: PlatformConfig, request: Request): Promise<PlatformResponse> {
  try {
    return await send(config, request);
  } catch (error) {
    if (error instanceof PlatformError && error.kind === "timeout") {
      throw new PlatformError("unavailable", `linkedin: the video upload did not answer in time; nothing was posted`);
    }
    throw error;
  }
}

/** The bytes of `videoUrl`, refused unless they are an MP4 within the bounds. */
export async function fetchVideo(config: PlatformConfig, videoUrl: string): Promise<ArrayBuffer> {
  const bytes = await config.fetchMedia(videoUrl, "video_url", LINKEDIN_VIDEO);
  const type = sniffMediaType(bytes);
  if (type !== "video/mp4") {
    throw new PlatformError(
      "media",
      `video_url is ${type ?? "not a video LinkedIn takes"}; linkedin takes MP4 videos`,
      {
        field: "video_url",
      },
    );
  }
  return bytes;
}

/** The instructions LinkedIn gave, checked to cover the file exactly, in order. */
function checkedInstructions(instructions: unknown, size: number): UploadInstruction[] {
  const list = Array.isArray(instructions) ? (instructions as UploadInstruction[]) : [];
  let next = 0;
  for (const part of list) {
    if (part.firstByte !== next || part.lastByte < part.firstByte || part.lastByte >= size) {
      throw new PlatformError("rejected", "linkedin: its upload instructions do not cover the video in order");
    }
    if (!part.uploadUrl.startsWith("https://") && !part.uploadUrl.startsWith("http://")) {
      throw new PlatformError("rejected", "linkedin: an upload instruction has no URL");
    }
    next = part.lastByte + 1;
  }
  if (next !== size) throw new PlatformError("rejected", "linkedin: its upload instructions do not cover the video");
  return list;
}

/** Uploads `bytes` as a video owned by `owner`; its URN once finalized (it then processes). */
export async function uploadVideo(
  config: PlatformConfig,
  headers: Record<string, string>,
  owner: string,
  bytes: ArrayBuffer,
): Promise<UploadedVideo> {
  const base = `${config.endpoints.apiBase}/rest/videos`;
  const init = await step(
    config,
    new Request(`${base}?action=initializeUpload`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        initializeUploadRequest: {
          owner,
          fileSizeBytes: bytes.byteLength,
          uploadCaptions: false,
          uploadThumbnail: false,
        },
      }),
    }),
  );
  if (init.status !== 200) throw linkedInFailure(config, init);
  const value = (init.body as { value?: { video?: string; uploadToken?: string; uploadInstructions?: unknown } })
    ?.value;
  if (!value?.video) throw new PlatformError("rejected", "linkedin: no video URN in the upload's answer");
  const parts = checkedInstructions(value.uploadInstructions, bytes.byteLength);
  const etags: string[] = [];
  for (const part of parts) {
    const uploaded = await step(
      config,
      new Request(part.uploadUrl, {
        method: "PUT",
        headers: { Authorization: headers.Authorization ?? "", "Content-Type": "application/octet-stream" },
        body: bytes.slice(part.firstByte, part.lastByte + 1),
      }),
    );
    const etag = uploaded.headers.get("ETag");
    if (uploaded.status >= 300) throw linkedInFailure(config, uploaded);
    if (!etag) throw new PlatformError("rejected", "linkedin: an uploaded part came back without its ETag");
    etags.push(etag);
  }
  const finalized = await step(
    config,
    new Request(`${base}?action=finalizeUpload`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        finalizeUploadRequest: { video: value.video, uploadToken: value.uploadToken ?? "", uploadedPartIds: etags },
      }),
    }),
  );
  if (finalized.status >= 300) throw linkedInFailure(config, finalized);
  return { urn: value.video, calls: parts.length + 2 };
}

/** GET /rest/videos/{urn}: the video's status, in the poller's words. */
export async function videoStatus(
  config: PlatformConfig,
  headers: Record<string, string>,
  urn: string,
): Promise<ProcessingStatus> {
  const response = await step(
    config,
    new Request(`${config.endpoints.apiBase}/rest/videos/${encodeURIComponent(urn)}`, { headers }),
  );
  if (response.status !== 200) throw linkedInFailure(config, response);
  const status = (response.body as { status?: string } | null)?.status;
  if (status === "AVAILABLE") return "FINISHED";
  if (status === "PROCESSING_FAILED") return "ERROR";
  return "IN_PROGRESS";
}
