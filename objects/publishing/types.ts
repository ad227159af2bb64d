// The steps of a publish inside the TenantObject (publish-flow.ts): what the platform
// call needs of an attempt, and how a send ended. Nothing here crosses the RPC seam.

import type { PlatformErrorKind } from "../../src/core/platforms/errors";
import type { Platform, PostContent, PublishResult } from "../../src/core/platforms/types";
import type { TokenStep } from "./account-tokens";

/** What the platform call needs to know about an admitted attempt. */
export interface AttemptTarget {
  attemptId: string;
  platform: Platform;
  platformUserId: string;
  post: PostContent;
}

export type SendOutcome =
  | { kind: "published"; result: PublishResult }
  | {
      kind: "failed";
      error: PlatformErrorKind;
      message: string;
      retryAfterSeconds?: number;
      resetAtMs?: number;
      /** The request field a "media" refusal names. */
      field?: string;
    }
  /** No token could be had (why: the step account-tokens.ts gave instead): nothing was sent. */
  | { kind: "not_sent"; token: Exclude<TokenStep, { kind: "token" }> }
  /** Accepted and still processing (an Instagram video container): completed later by the alarm. */
  | { kind: "processing"; containerId: string };
