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
      /**
       * Set by an adapter on the failure of the call that creates the post, when the
       * platform answered 5xx: it may have created the post before failing, so the
       * outcome is unknown (docs/publishing.md, "Reconciliation"). See afterCreate().
       */
      mayHaveCreated?: true;
      /**
       * A refusal because the same content is already published on the account (LinkedIn's
       * DUPLICATE_POST, X's duplicate content): `duplicateOf` is the post it names, when
       * it names one. A reconciliation reads it as the earlier send having gone out.
       */
      duplicate?: true;
      duplicateOf?: string;
    } = {},
  ) {
    super(message);
  }

  /** Whether a publish that failed this way may have reached the platform. */
  get outcomeUnknown(): boolean {
    return this.kind === "timeout" || this.details.mayHaveCreated === true;
  }
}

/**
 * The failure of the call that creates a post, as its adapter throws it: a 5xx there
 * may come after the platform created the post (a gateway's 502 or 504, a server
 * failing after its write), so it is marked as an unknown outcome, never as "nothing
 * happened". A failure of an earlier call (a media upload) is left as it is.
 */
export function afterCreate(error: PlatformError): PlatformError {
  if (error.kind !== "unavailable" || (error.details.status ?? 0) < 500) return error;
  return new PlatformError(error.kind, error.message, { ...error.details, mayHaveCreated: true });
}

export function isPlatformError(error: unknown): error is PlatformError {
  return error instanceof PlatformError;
}
