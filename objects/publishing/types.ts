// The steps of a publish inside the TenantObject (publish-flow.ts): what admission
// hands the send, and how a send ended. Nothing here crosses the RPC seam.

import type { PlatformErrorKind } from "../../src/platforms/errors";
import type { Platform, PostContent, PublishResult } from "../../src/platforms/types";
import type { Answer } from "../tenant-object/contract";
import type { TokenStep } from "./account-tokens";

export type BeginStep =
  | { kind: "answer"; answer: Answer }
  | {
      kind: "send";
      attemptId: string;
      platform: Platform;
      platformUserId: string;
      post: PostContent;
      token: TokenStep;
    };

/** What the platform call needs to know about an attempt. */
export type AttemptTarget = Pick<
  Extract<BeginStep, { kind: "send" }>,
  "attemptId" | "platform" | "platformUserId" | "post"
>;

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
  /** No token could be had: nothing was sent. */
  | { kind: "not_sent"; token: TokenStep }
  /** Accepted and still processing (an Instagram video container): completed later by the alarm. */
  | { kind: "processing"; containerId: string };
