// Uploads in parts, as X's chunked media upload and LinkedIn's Videos API take them:
// an upload is declared with its size, its parts arrive (each recorded with the tag
// the platform answered for it), it is finalized once every byte is there, and then it
// processes for a while on the sandbox clock (clock.ts) before it can be posted, or
// fails when the "container_error" fault switch is on (store.ts). Media processing is
// never instant at the platforms: a GIF or a video takes seconds to minutes.
import type { SandboxContext } from "./context";
import type { MediaRow } from "./store";

export interface UploadPlan {
  /** Every byte the upload declared. */
  bytes: number;
  /** What the platform calls the media's type (X's media_type; LinkedIn: video/mp4). */
  mediaType: string;
  /** X's media_category, or LinkedIn's "video". */
  category: string;
  /** LinkedIn: the size of each part it asked for (the last may be shorter); X: none. */
  partBytes?: number;
  /** LinkedIn: the secret its pre-signed upload URLs carry. */
  signature?: string;
}

export type UploadState = "WAITING_UPLOAD" | "PROCESSING" | "AVAILABLE" | "FAILED";

/** The plan of an upload's media row; null for media that was not uploaded in parts. */
export function planOf(media: MediaRow | null): UploadPlan | null {
  if (!media || media.kind === "part" || !media.caption?.startsWith("{")) return null;
  try {
    const plan = JSON.parse(media.caption) as UploadPlan;
    return typeof plan.bytes === "number" && typeof plan.category === "string" ? plan : null;
  } catch {
    return null;
  }
}

/** Where an upload stands now: processing ends `processingMs` after its finalize, on the sandbox clock. */
export function uploadState(ctx: SandboxContext, media: MediaRow, processingMs: number): UploadState {
  if (media.status === "WAITING_UPLOAD") return "WAITING_UPLOAD";
  if (media.status === "AVAILABLE") return "AVAILABLE";
  const done = ctx.store.processingNow() >= media.created_at_ms + processingMs;
  if (media.status === "FAILING") return done ? "FAILED" : "PROCESSING";
  return done ? "AVAILABLE" : "PROCESSING";
}

/** How far along processing is, 0 to 100, for X's progress_percent. */
export function progressPercent(ctx: SandboxContext, media: MediaRow, processingMs: number): number {
  const elapsed = ctx.store.processingNow() - media.created_at_ms;
  return Math.max(0, Math.min(100, Math.floor((elapsed / processingMs) * 100)));
}

/**
 * Whether every declared byte arrived, in parts 0..n-1 with nothing missing: the
 * reason it is not complete, or null when it is.
 */
export function incompleteUpload(ctx: SandboxContext, media: MediaRow, plan: UploadPlan): string | null {
  const parts = ctx.store.parts(media.media_id);
  let total = 0;
  for (let index = 0; index < parts.size; index++) {
    const part = parts.get(index);
    if (!part) return `segment ${index} is missing`;
    total += part.bytes;
  }
  if (total !== plan.bytes) return `${total} bytes arrived of the ${plan.bytes} declared`;
  return null;
}
