// The HTTP answers of publishing, as problem+json where they are errors.

import { type PublishRequestRow, toPost } from "../../src/db/publish-requests";
import { PROBLEM_TYPES, type ProblemKind, problemTypeUri } from "../../src/http/problem";
import type { Platform } from "../../src/platforms/types";
import type { Answer } from "../tenant-object/contract";

export function problemAnswer(
  kind: ProblemKind,
  detail: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Answer {
  const { status, title } = PROBLEM_TYPES[kind];
  return { status, body: { type: problemTypeUri(kind), title, status, detail, ...extensions }, headers };
}

export function windowFull(window: string, limit: number, resetAtMs: number, nowMs: number): Answer {
  const retryAfter = Math.max(1, Math.ceil((resetAtMs - nowMs) / 1000));
  return problemAnswer(
    "rateLimited",
    `The ${window} window is full (${limit}); a slot frees at ${new Date(resetAtMs).toISOString()}`,
    { window, limit, reset_at: new Date(resetAtMs).toISOString() },
    { "Retry-After": String(retryAfter) },
  );
}

export function platformUnavailable(platform: Platform, message: string, retryAfterSeconds = 30): Answer {
  return problemAnswer(
    "platformUnavailable",
    `${platform}: ${message}. Nothing was published; retry after ${retryAfterSeconds} s.`,
    { platform },
    { "Retry-After": String(retryAfterSeconds) },
  );
}

/** An API key over its hourly limit (the same answer the auth middleware gives). */
export function keyLimitAnswer(admission: { limit: number; resetAtMs: number; retryAfterSeconds: number }): Answer {
  return problemAnswer(
    "rateLimited",
    `This API key is limited to ${admission.limit} requests per hour`,
    { window: "api_key_hour", limit: admission.limit, reset_at: new Date(admission.resetAtMs).toISOString() },
    { "Retry-After": String(admission.retryAfterSeconds) },
  );
}

/** A credential that is missing, malformed, unknown, revoked or expired. */
export function unauthenticatedAnswer(): Answer {
  return problemAnswer(
    "unauthenticated",
    "The credential is not valid",
    {},
    { "WWW-Authenticate": 'Bearer realm="dify-agent"' },
  );
}

/**
 * The answer that is a finished publish's record itself: 201 with the published post,
 * or 202 with a post whose outcome is unknown. Kept as the record alone and rebuilt
 * from it when asked again.
 */
export function recordAnswer(record: PublishRequestRow): Answer {
  return { status: record.status === "published" ? 201 : 202, body: toPost(record) };
}

/** The tenant's rows are being moved to another shard: nothing was published; retry shortly. */
export function tenantMovingAnswer(retryAfterSeconds = 2): Answer {
  return problemAnswer(
    "tenantMoving",
    "This tenant's data is being moved to another database of its region; nothing was published. Retry shortly.",
    {},
    { "Retry-After": String(retryAfterSeconds) },
  );
}
