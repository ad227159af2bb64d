// The sandbox X's chunked media upload (docs.x.com, "Media upload", the v2 endpoints:
// initialize-media-upload, append-media-upload, finalize-media-upload,
// get-media-upload-status): POST /2/media/upload/initialize { media_type, total_bytes,
// media_category } answers data.id; POST /2/media/upload/{id}/append (multipart:
// segment_index 0-999, media) takes the segments; POST /2/media/upload/{id}/finalize
// answers processing_info { state: "pending", check_after_secs } for a GIF or a video;
// GET /2/media/upload?command=STATUS&media_id= answers its state, "in_progress" until
// the sandbox clock has passed its processing time, then "succeeded" (or "failed" with
// the "container_error" switch). Only then may a post carry it. Every call needs the
// media.write scope.
import type { Hono } from "hono";
import { fail, presentedToken, type SandboxContext, withAccessToken } from "./context";
import { incompleteUpload, planOf, progressPercent, type UploadPlan, uploadState } from "./media-uploads";
import type { MediaRow } from "./store";

const MB = 1024 * 1024;
/** Media types and the largest total size of each category (docs.x.com, "Media types & size restrictions"). */
const CATEGORIES: Record<string, { types: string[]; maxBytes: number; processingMs: number }> = {
  tweet_image: {
    types: ["image/jpeg", "image/png", "image/webp", "image/bmp", "image/pjpeg"],
    maxBytes: 5 * MB,
    processingMs: 0,
  },
  tweet_gif: { types: ["image/gif"], maxBytes: 15 * MB, processingMs: 5_000 },
  tweet_video: {
    types: ["video/mp4", "video/quicktime", "video/webm", "video/mp2t"],
    maxBytes: 512 * MB,
    processingMs: 30_000,
  },
};
/** The largest segment one append takes. */
export const X_MAX_SEGMENT_BYTES = 5 * MB;
const MAX_SEGMENT_INDEX = 999;
const EXPIRES_AFTER_SECS = 86_400;

/** How long a finalized upload of this plan processes (sandbox clock). */
export function processingMsOf(plan: UploadPlan): number {
  return CATEGORIES[plan.category]?.processingMs ?? 0;
}

function mediaKey(plan: UploadPlan, id: string): string {
  // X's media keys name the kind: 3_ an image, 16_ an animated GIF, 7_ a video.
  const prefix = plan.category === "tweet_gif" ? "16" : plan.category === "tweet_video" ? "7" : "3";
  return `${prefix}_${id}`;
}

/** X's processing_info for an upload now; absent for media that needs none. */
export function processingInfo(ctx: SandboxContext, media: MediaRow, plan: UploadPlan) {
  const processingMs = processingMsOf(plan);
  if (processingMs === 0) return undefined;
  const state = uploadState(ctx, media, processingMs);
  if (state === "AVAILABLE") return { state: "succeeded", progress_percent: 100 };
  if (state === "FAILED") {
    return {
      state: "failed",
      progress_percent: 100,
      error: { code: 1, name: "InvalidMedia", message: "Unsupported video" },
    };
  }
  return {
    state: media.status === "WAITING_UPLOAD" ? "pending" : "in_progress",
    check_after_secs: 5,
    progress_percent: progressPercent(ctx, media, processingMs),
  };
}

/** Whether a post may carry the media: the user's, and processed (an upload) or stored (a simple upload). */
export function postableMedia(ctx: SandboxContext, userId: string, mediaId: string): boolean {
  const media = ctx.store.media(mediaId);
  if (!media || media.user_id !== userId || media.kind === "part") return false;
  const plan = planOf(media);
  if (!plan) return media.status === "AVAILABLE";
  return uploadState(ctx, media, processingMsOf(plan)) === "AVAILABLE";
}

function ownUpload(ctx: SandboxContext, userId: string, id: string): { media: MediaRow; plan: UploadPlan } | null {
  const media = ctx.store.media(id);
  const plan = planOf(media);
  return media && plan && media.user_id === userId ? { media, plan } : null;
}

export function xMediaRoutes(app: Hono, ctx: SandboxContext): void {
  app.post("/2/media/upload/initialize", async (c) => {
    const body = (await c.req.json().catch(() => null)) as {
      media_type?: unknown;
      total_bytes?: unknown;
      media_category?: unknown;
    } | null;
    return withAccessToken(
      ctx,
      "media",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        const category = typeof body?.media_category === "string" ? CATEGORIES[body.media_category] : undefined;
        if (!body || !category) {
          return fail(ctx, "bad_request", `media_category must be one of ${Object.keys(CATEGORIES).join(", ")}`);
        }
        const mediaType = String(body.media_type ?? "");
        if (!category.types.includes(mediaType)) {
          return fail(ctx, "bad_request", `media_type ${mediaType} is not allowed for ${body.media_category}`);
        }
        const total = body.total_bytes;
        if (typeof total !== "number" || !Number.isInteger(total) || total < 1 || total > category.maxBytes) {
          return fail(ctx, "bad_request", `total_bytes must be 1 to ${category.maxBytes} for ${body.media_category}`);
        }
        const plan: UploadPlan = { bytes: total, mediaType, category: String(body.media_category) };
        const id = ctx.store.createUpload(userId, plan.category, plan);
        return Response.json({ data: { id, media_key: mediaKey(plan, id), expires_after_secs: EXPIRES_AFTER_SECS } });
      },
      ["media.write"],
    );
  });

  app.post("/2/media/upload/:id/append", async (c) => {
    const form = await c.req.formData().catch(() => null);
    return withAccessToken(
      ctx,
      "media",
      presentedToken(c.req.raw),
      ["access"],
      async (userId) => {
        const upload = ownUpload(ctx, userId, c.req.param("id"));
        if (!upload) return fail(ctx, "bad_request", "media_id is not an upload of this user");
        if (upload.media.status !== "WAITING_UPLOAD") return fail(ctx, "bad_request", "the upload is finalized");
        const index = Number(form?.get("segment_index"));
        if (!Number.isInteger(index) || index < 0 || index > MAX_SEGMENT_INDEX) {
          return fail(ctx, "bad_request", `segment_index must be 0 to ${MAX_SEGMENT_INDEX}`);
        }
        const media = form?.get("media");
        if (!media || typeof media === "string") return fail(ctx, "bad_request", "media is required");
        if (media.size > X_MAX_SEGMENT_BYTES) {
          return fail(ctx, "bad_request", `a segment is at most ${X_MAX_SEGMENT_BYTES} bytes`);
        }
        ctx.store.putPart(upload.media.media_id, index, userId, String(index), media.size);
        return Response.json({ data: { expires_at: Math.floor(Date.now() / 1000) + EXPIRES_AFTER_SECS } });
      },
      ["media.write"],
    );
  });

  app.post("/2/media/upload/:id/finalize", (c) =>
    withAccessToken(
      ctx,
      "media",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        const upload = ownUpload(ctx, userId, c.req.param("id"));
        if (!upload) return fail(ctx, "bad_request", "media_id is not an upload of this user");
        if (upload.media.status === "WAITING_UPLOAD") {
          const missing = incompleteUpload(ctx, upload.media, upload.plan);
          if (missing) return fail(ctx, "bad_request", `the upload is incomplete: ${missing}`);
          const failing = ctx.store.takeFault("media", userId, ["container_error"]) !== null;
          ctx.store.startProcessing(upload.media.media_id, failing);
        }
        const media = ctx.store.media(upload.media.media_id) as MediaRow;
        const info = processingInfo(ctx, media, upload.plan);
        return Response.json({
          data: {
            id: media.media_id,
            media_key: mediaKey(upload.plan, media.media_id),
            size: upload.plan.bytes,
            expires_after_secs: EXPIRES_AFTER_SECS,
            ...(info ? { processing_info: info } : {}),
          },
        });
      },
      ["media.write"],
    ),
  );

  app.get("/2/media/upload", (c) =>
    withAccessToken(
      ctx,
      "media",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        if (c.req.query("command") !== "STATUS") return fail(ctx, "bad_request", "command must be STATUS");
        const upload = ownUpload(ctx, userId, c.req.query("media_id") ?? "");
        if (!upload) return fail(ctx, "bad_request", "media_id is not an upload of this user");
        if (upload.media.status === "WAITING_UPLOAD") return fail(ctx, "bad_request", "the upload is not finalized");
        const info = processingInfo(ctx, upload.media, upload.plan);
        return Response.json({
          data: {
            id: upload.media.media_id,
            media_key: mediaKey(upload.plan, upload.media.media_id),
            size: upload.plan.bytes,
            expires_after_secs: EXPIRES_AFTER_SECS,
            processing_info: info ?? { state: "succeeded", progress_percent: 100 },
          },
        });
      },
      ["media.write"],
    ),
  );
}
