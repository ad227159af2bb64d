// Platform failures, classified by what the caller may safely do next.

export type PlatformErrorKind =
  /** The token is expired or no longer accepted: refresh, then try once more. */
  | "auth"
  /** The refresh credential is dead (revoked, rotated away): the account must reconnect. */
  | "invalid_grant"
  /** Over the platform's limit; nothing was done. */
  | "rate_limited"
  /** The platform refused the content (400/403/422): nothing was done. */
  | "rejected"
  /** The platform failed (5xx) or could not be reached: nothing is known to have happened. */
  | "unavailable"
  /** No answer in time after the request was sent: it may or may not have happened. */
  | "timeout"
  /**
   * The post's media could not be used (not https, too large, wrong type, too slow to
   * arrive): refused before anything was sent. `details.field` names the field.
   */
  | "media"
  /** This deployment has no app credentials for the platform: nothing was sent (src/core/platforms/mode.ts). */
  | "not_configured";

export class PlatformError extends Error {
  override name = "PlatformError";

  constructor(
    readonly kind: PlatformErrorKind,
    message: string,
    readonly details: {
      status?: number;
      retryAfterSeconds?: number;
      resetAtMs?: number;
      code?: string;
      /** The platform's finer code, when it gives one (Graph's error_subcode: src/core/platforms/graph.ts). */
      subcode?: string;
      /** The request field a "media" refusal is about (image_url, video_url). */
      field?: string;
    } = {},
  ) {
    super(message);
  }

  /** Whether a publish that failed this way may have reached the platform. */
  get outcomeUnknown(): boolean {
    return this.kind === "timeout";
  }
}

export function isPlatformError(error: unknown): error is PlatformError {
  return error instanceof PlatformError;
}
