// What the router and the TenantObject pass each other to publish a post.

import type { AuditActor } from "../../src/db/audit-logs";
import type { PlatformErrorKind } from "../../src/platforms/errors";
import type { PostDraft } from "../../src/platforms/rules";
import type { Platform, PostContent, PublishResult } from "../../src/platforms/types";
import type { TokenStep } from "./account-tokens";

export interface PublishInput {
  /** The request's id, and the post's once published ("post_<ulid>"). */
  attemptId: string;
  idempotencyKey: string | null;
  /** SHA-256 of the request, to refuse a key reused for another request. */
  requestHash: string;
  accountId: string;
  /** The post as the client sent it; the TenantObject checks it against the platform's rules. */
  draft: PostDraft;
  scheduledAtMs: number | null;
  campaignId: string | null;
  utmParams: Record<string, string> | null;
  contentId: string | null;
  actor: AuditActor;
  /** The router is repeating this call after the object was reset: the attempt may exist. */
  retry?: boolean;
}

/** An HTTP answer decided by the TenantObject (problem bodies included). */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  replayed?: boolean;
}

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
