// The object's word on a publish: every way one can end, as the contract's typed
// outcomes (PublishOutcome), and the record a platform call's outcome leaves. The
// router makes the HTTP answer of each (src/router/http/publish-answers.ts); nothing here is
// HTTP. `detail` is the sentence the client reads, and the error a scheduled post that
// fails for good keeps (scheduler.ts).
import { type PublishRequestRow, toPost } from "../../src/core/db/publish-requests";
import { notConfiguredMessage } from "../../src/core/platforms/mode";
import type { Platform, PublishResult } from "../../src/core/platforms/types";
import type { FieldError } from "../../src/core/problem";
import type { CheckRefusal, PublishRefusal, RecordedOutcome } from "../tenant-object/contract";

/** The refusal of one kind. */
type Refusal<K extends PublishRefusal["kind"]> = Extract<PublishRefusal, { kind: K }>;

import { PROCESSING } from "./media-containers";
import type { SendOutcome } from "./types";

export const NO_ACCOUNT: CheckRefusal = { kind: "not_found", detail: "No such social account" };
export const NO_ATTEMPT: PublishRefusal = { kind: "not_found", detail: "No such publish attempt" };
export const KEY_IN_PROGRESS: PublishRefusal = {
  kind: "key_in_progress",
  detail: "A request with this Idempotency-Key is still being processed",
};
export const KEY_MISMATCH: PublishRefusal = {
  kind: "key_mismatch",
  detail: "This Idempotency-Key was used for another request",
};

/** The tenant's rows are being moved to another shard: nothing was published; retry shortly. */
export function tenantMoving(retryAfterSeconds = 2): PublishRefusal {
  return {
    kind: "tenant_moving",
    detail:
      "This tenant's data is being moved to another database of its region; nothing was published. Retry shortly.",
    retryAfterSeconds,
  };
}

export function windowFull(window: string, limit: number, resetAtMs: number, nowMs: number): PublishRefusal {
  return {
    kind: "window_full",
    detail: `The ${window} window is full (${limit}); a slot frees at ${new Date(resetAtMs).toISOString()}`,
    window,
    limit,
    resetAtMs,
    retryAfterSeconds: Math.max(1, Math.ceil((resetAtMs - nowMs) / 1000)),
  };
}

export function platformUnavailable(platform: Platform, message: string, retryAfterSeconds = 30): PublishRefusal {
  return {
    kind: "platform_unavailable",
    detail: `${platform}: ${message}. Nothing was published; retry after ${retryAfterSeconds} s.`,
    platform,
    retryAfterSeconds,
  };
}

export function notConfigured(platform: Platform): Refusal<"platform_not_configured"> {
  return { kind: "platform_not_configured", detail: notConfiguredMessage(platform), platform };
}

export function accountUnavailable(accountId: string, detail: string): Refusal<"account_unavailable"> {
  return { kind: "account_unavailable", detail, accountId };
}

/** The post's fields that break the rules (at least one), the first named in the detail. */
export function invalid(errors: [FieldError, ...FieldError[]]): Refusal<"invalid"> {
  const [first] = errors;
  return { kind: "invalid", detail: `${first.in} field "${first.field}": ${first.message}`, errors };
}

/** Media refused when it was fetched, before anything was sent: named like any bad field. */
function mediaRefused(field: string, message: string): PublishRefusal {
  return { kind: "invalid", detail: message, errors: [{ in: "body", field, message }] };
}

/**
 * The outcome a finished attempt's record stands for: kept as the record alone, and
 * rebuilt from it for a repeat (the refusal's detail is the record's error message).
 */
export function recordedOutcome(record: PublishRequestRow): RecordedOutcome {
  const post = toPost(record);
  if (record.status === "published") return { kind: "published", post };
  if (record.status === "failed" && record.error_type === "platform_rejected") {
    return { kind: "platform_refused", detail: record.error_message ?? "", post };
  }
  return { kind: "accepted", post };
}

/** The record of a post the platform published: the row with the platform's id and link. */
function publishedRecord(
  row: PublishRequestRow,
  result: Pick<PublishResult, "platformPostId" | "url">,
  now: string,
): PublishRequestRow {
  return {
    ...row,
    status: "published",
    platform_post_id: result.platformPostId,
    platform_post_url: result.url,
    published_at: now,
  };
}

type FailedSend = Extract<SendOutcome, { kind: "failed" }>;
/** A send whose post reached the platform (or may have), and so is recorded. */
export type RecordedSend =
  | Extract<SendOutcome, { kind: "published" | "processing" }>
  | (FailedSend & { error: "timeout" | "rejected" });
/** A send that published nothing: given back, never recorded. */
export type UnsentSend = Extract<SendOutcome, { kind: "not_sent" | "failed" }>;

export function isRecorded(sent: SendOutcome): sent is RecordedSend {
  return sent.kind !== "not_sent" && (sent.kind !== "failed" || sent.error === "timeout" || sent.error === "rejected");
}

/** The record a send leaves on the attempt's admitted `row` (status "scheduled" until now). */
export function sentRecord(row: PublishRequestRow, sent: RecordedSend, now: string): PublishRequestRow {
  switch (sent.kind) {
    case "published":
      return publishedRecord(row, sent.result, now);
    case "processing":
      // Accepted and still processing (a video, an Instagram image not ready in time):
      // answered 202 now, and completed or failed later by the alarm with this same
      // container (container-poller.ts). D1 has no "processing" status: it keeps "unknown" with
      // error type "processing" until then, and the API shows it as "processing".
      return {
        ...row,
        status: "unknown",
        error_type: PROCESSING,
        error_message: `${row.platform} is processing the media; the post completes when it is ready`,
      };
    case "failed":
      // A timeout may have gone out: never retried blindly, reported as unknown.
      return sent.error === "timeout"
        ? { ...row, status: "unknown", error_type: "outcome_unknown", error_message: sent.message }
        : { ...row, status: "failed", error_type: "platform_rejected", error_message: sent.message };
  }
}

/**
 * Why a send that published nothing is refused: the client may retry. A platform's
 * 429 is answered as its window (its reset, `platformResetAtMs`, is the caller's to keep).
 */
export function unsentRefusal(
  account: { accountId: string; platform: Platform },
  sent: UnsentSend,
  nowMs: number,
): PublishRefusal {
  if (sent.kind === "not_sent") {
    const token = sent.token;
    if (token.kind === "revoked") return accountUnavailable(account.accountId, token.reason);
    if (token.kind === "missing") return NO_ACCOUNT;
    if (token.kind === "unavailable")
      return platformUnavailable(account.platform, token.reason, token.retryAfterSeconds);
    // A second lease right after a refresh (publish-flow.ts, send): not refreshed again.
    return platformUnavailable(account.platform, "no usable token");
  }
  if (sent.error === "rate_limited") {
    return windowFull(`${account.platform}_reported:429`, 0, platformResetAtMs(sent, nowMs), nowMs);
  }
  if (sent.error === "media") return mediaRefused(sent.field ?? "image_url", sent.message);
  if (sent.error === "not_configured") return notConfigured(account.platform);
  return platformUnavailable(account.platform, sent.message, sent.retryAfterSeconds ?? 30);
}

/** When a platform that answered 429 takes posts again: as it said, or in 15 minutes. */
export function platformResetAtMs(sent: FailedSend, nowMs: number): number {
  return sent.resetAtMs ?? nowMs + (sent.retryAfterSeconds ?? 900) * 1000;
}

/**
 * A processing post's final record, from the container poller: published, failed, or
 * (media_publish timed out) unknown. `row` is its record while processing.
 */
export function processedRecord(row: PublishRequestRow, sent: SendOutcome, now: string): PublishRequestRow {
  const base = { ...row, error_type: null, error_message: null, updated_at: now };
  if (sent.kind === "published") return publishedRecord(base, sent.result, now);
  if (sent.kind === "failed" && sent.error === "timeout") {
    return { ...base, status: "unknown", error_type: "outcome_unknown", error_message: sent.message };
  }
  const message = sent.kind === "failed" ? sent.message : "the video could not be published";
  return { ...base, status: "failed", error_type: "processing_failed", error_message: message };
}
