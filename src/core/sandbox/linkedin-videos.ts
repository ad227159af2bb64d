// The sandbox LinkedIn's Videos API (learn.microsoft.com, LinkedIn Marketing, Community
// Management > Shares > "Videos API"): POST /rest/videos?action=initializeUpload
// { initializeUploadRequest: { owner, fileSizeBytes, uploadCaptions, uploadThumbnail } }
// answers the video's URN, an uploadToken and uploadInstructions, one pre-signed
// upload URL per part of 4 MB (4,194,304 bytes; the last part shorter) with its
// firstByte and lastByte; each part is PUT to its URL, which answers the part's ETag;
// POST /rest/videos?action=finalizeUpload { finalizeUploadRequest: { video,
// uploadToken, uploadedPartIds } } names the ETags in order; GET /rest/videos/{urn}
// answers its status: WAITING_UPLOAD, then PROCESSING, then AVAILABLE (or
// PROCESSING_FAILED with the "container_error" switch) once the sandbox clock has
// passed its processing time. A post may carry the video only when it is AVAILABLE.
// A video is 75 KB to 500 MB ("Video specifications"), an MP4; its owner must be the
// member whose token uploads it, with w_member_social.
import type { Context, Hono } from "hono";
import { fail, presentedToken, type SandboxContext, withAccessToken } from "./context";
import { incompleteUpload, planOf, type UploadPlan, uploadState } from "./media-uploads";
import type { MediaRow } from "./store";

export const LINKEDIN_PART_BYTES = 4_194_304;
const MIN_BYTES = 75 * 1024;
const MAX_BYTES = 500 * 1024 * 1024;
/** How long a finalized video processes on the sandbox clock. */
export const LINKEDIN_VIDEO_PROCESSING_MS = 30_000;
const VIDEO_URN = /^urn:li:video:([A-Za-z0-9_-]+)$/;

type VersionCheck = (request: Request) => Response | null;

function videoOf(ctx: SandboxContext, urn: string): { media: MediaRow; plan: UploadPlan } | null {
  const id = VIDEO_URN.exec(urn)?.[1];
  const media = id ? ctx.store.media(id) : null;
  const plan = planOf(media);
  return media && plan?.category === "video" ? { media, plan } : null;
}

/** The video's status as LinkedIn names it. */
export function videoStatus(ctx: SandboxContext, media: MediaRow): string {
  const state = uploadState(ctx, media, LINKEDIN_VIDEO_PROCESSING_MS);
  return state === "FAILED" ? "PROCESSING_FAILED" : state;
}

/** Whether the member may post `urn`: their own video, AVAILABLE. */
export function postableVideo(ctx: SandboxContext, userId: string, urn: string): boolean {
  const video = videoOf(ctx, urn);
  return video !== null && video.media.user_id === userId && videoStatus(ctx, video.media) === "AVAILABLE";
}

function initialize(ctx: SandboxContext, c: Context, userId: string, body: Record<string, unknown> | null): Response {
  const request = (body?.initializeUploadRequest ?? null) as Record<string, unknown> | null;
  if (!request || request.owner !== `urn:li:person:${userId}`) {
    return fail(ctx, "forbidden", "Accessing this video resource is forbidden. Please check your permissions");
  }
  const size = request.fileSizeBytes;
  if (typeof size !== "number" || !Number.isInteger(size) || size < MIN_BYTES || size > MAX_BYTES) {
    return fail(ctx, "bad_request", `fileSizeBytes must be ${MIN_BYTES} to ${MAX_BYTES}`);
  }
  const signature = ctx.store.newId("sig");
  const plan: UploadPlan = {
    bytes: size,
    mediaType: "video/mp4",
    category: "video",
    partBytes: LINKEDIN_PART_BYTES,
    signature,
  };
  const id = ctx.store.createUpload(userId, "video", plan);
  const origin = new URL(c.req.url).origin;
  const uploadInstructions = [];
  for (let first = 0, part = 0; first < size; first += LINKEDIN_PART_BYTES, part++) {
    uploadInstructions.push({
      uploadUrl: `${origin}/sandbox/linkedin/video-upload/${id}/${part}?sig=${signature}`,
      firstByte: first,
      lastByte: Math.min(size, first + LINKEDIN_PART_BYTES) - 1,
    });
  }
  return Response.json({
    value: {
      uploadUrlsExpireAt: Date.now() + 86_400_000,
      video: `urn:li:video:${id}`,
      uploadInstructions,
      uploadToken: "",
    },
  });
}

function finalize(ctx: SandboxContext, userId: string, body: Record<string, unknown> | null): Response {
  const request = (body?.finalizeUploadRequest ?? null) as Record<string, unknown> | null;
  const video = videoOf(ctx, String(request?.video ?? ""));
  if (!request || !video || video.media.user_id !== userId)
    return fail(ctx, "bad_request", "video is not an upload of this member");
  if (video.media.status !== "WAITING_UPLOAD") return fail(ctx, "bad_request", "the video is already finalized");
  const missing = incompleteUpload(ctx, video.media, video.plan);
  if (missing) return fail(ctx, "bad_request", `the upload is incomplete: ${missing}`);
  const parts = ctx.store.parts(video.media.media_id);
  const tags = [...parts.keys()].sort((a, b) => a - b).map((index) => parts.get(index)?.tag);
  const named = request.uploadedPartIds;
  if (!Array.isArray(named) || named.length !== tags.length || named.some((tag, i) => tag !== tags[i])) {
    return fail(ctx, "bad_request", "uploadedPartIds must name every part's ETag, in order");
  }
  const failing = ctx.store.takeFault("media", userId, ["container_error"]) !== null;
  ctx.store.startProcessing(video.media.media_id, failing);
  return new Response(null, { status: 200 });
}

export function linkedinVideoRoutes(app: Hono, ctx: SandboxContext, requireVersion: VersionCheck): void {
  app.post("/rest/videos", async (c) => {
    // Read first: the call's writes then commit together.
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    return withAccessToken(
      ctx,
      "media",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        const wrongVersion = requireVersion(c.req.raw);
        if (wrongVersion) return wrongVersion;
        const action = c.req.query("action");
        if (action === "initializeUpload") return initialize(ctx, c, userId, body);
        if (action === "finalizeUpload") return finalize(ctx, userId, body);
        return fail(ctx, "bad_request", "action must be initializeUpload or finalizeUpload");
      },
      ["w_member_social"],
    );
  });
  // A part, to its pre-signed URL (its signature is the credential; a token may come with it).
  app.put("/video-upload/:id/:part", async (c) => {
    const bytes = (await c.req.arrayBuffer()).byteLength;
    const media = ctx.store.media(c.req.param("id"));
    const plan = planOf(media);
    const part = Number(c.req.param("part"));
    if (!media || !plan || plan.category !== "video" || c.req.query("sig") !== plan.signature) {
      return new Response("Forbidden", { status: 403 });
    }
    const first = part * LINKEDIN_PART_BYTES;
    const expected = Math.min(plan.bytes, first + LINKEDIN_PART_BYTES) - first;
    if (!Number.isInteger(part) || part < 0 || first >= plan.bytes || bytes !== expected) {
      return new Response(`part ${part} must be ${expected} bytes`, { status: 400 });
    }
    ctx.store.count("media", media.user_id);
    const etag = `"${ctx.store.newId("etag")}"`;
    ctx.store.putPart(media.media_id, part, media.user_id, etag, bytes);
    return new Response(null, { status: 200, headers: { ETag: etag } });
  });
  app.get("/rest/videos/:urn", (c) =>
    withAccessToken(ctx, "media", presentedToken(c.req.raw), ["access"], (userId) => {
      const wrongVersion = requireVersion(c.req.raw);
      if (wrongVersion) return wrongVersion;
      const urn = decodeURIComponent(c.req.param("urn"));
      const video = videoOf(ctx, urn);
      if (!video || video.media.user_id !== userId)
        return fail(ctx, "forbidden", "Accessing this video resource is forbidden");
      return Response.json({
        id: urn,
        owner: `urn:li:person:${userId}`,
        status: videoStatus(ctx, video.media),
        aspectRatioWidth: 16,
        aspectRatioHeight: 9,
      });
    }),
  );
}
