// LinkedIn's rate limits (learn.microsoft.com, "API Rate Limiting": shared/api-guide/
// concepts/rate-limits): an application's and a member's calls are counted by the day,
// and "these limits reset at midnight UTC every day". A 429 names no time to come back
// (no Retry-After), so one without it is held until the next midnight UTC on the
// caller's clock, not for a guessed quarter of an hour: a daily limit spent at 09:00
// stays spent until then. A 429 that does carry Retry-After is taken at its word.
import type { PlatformConfig } from "./config";
import type { PlatformError } from "./errors";
import { failure, type PlatformResponse } from "./http";

/** The first instant of the next UTC day after `nowMs`. */
export function nextUtcMidnight(nowMs: number): number {
  const now = new Date(nowMs);
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
}

/** `error`, held until the next midnight UTC when it is a 429 that named no time. */
export function untilMidnightUtc(config: PlatformConfig, error: PlatformError): PlatformError {
  if (error.kind === "rate_limited" && error.details.retryAfterSeconds === undefined) {
    error.details.resetAtMs = nextUtcMidnight(config.clock());
  }
  return error;
}

/** A LinkedIn answer that is not a success, as the PlatformError it means (a 429 holds until midnight UTC). */
export function linkedInFailure(
  config: PlatformConfig,
  response: PlatformResponse,
  authStatuses = [401],
): PlatformError {
  return untilMidnightUtc(config, failure(config, response, authStatuses));
}
