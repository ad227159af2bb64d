// The HTTP answer of a publish (step 9 of objects/publishing/publish-flow.ts). The
// TenantObject says how the publish ended, as a typed outcome of its contract
// (PublishOutcome, AccessRefusal); this module says it in HTTP: 201 with the post and
// its Location, 202 with the post, or RFC 9457 problem+json (src/router/http/problem.ts) with
// each refusal's status, extensions and Retry-After. A repeat with the same
// Idempotency-Key answers as the first did, marked Idempotent-Replayed.
import type { Context } from "hono";
import type {
  AccessRefusal,
  CheckRefusal,
  PublishOutcome,
  PublishRefusal,
  ReleaseRefusal,
} from "../../../objects/tenant-object/contract";
import { quotaExtensions } from "../../core/billing/quotas";
import { paymentRequired } from "../../core/billing/subscription";
import { keyLimitProblem, unauthenticated } from "../auth/authenticate";
import type { AppEnv } from "./app-env";
import { auditFailure } from "./audit";
import { CONFIGURATION_PROBLEMS, type ConfigurationProblemKind, configurationProblem } from "./configuration-problems";
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, ProblemError, type ProblemKind, problemBody } from "./problem";

/** The problems a publish answers with (each status among POST /v1/posts' responses). */
type PublishProblemKind =
  | "platformRejected"
  | "rateLimited"
  | "platformUnavailable"
  | "platformNotConfigured"
  | "accountUnavailable"
  | "notFound"
  | "validation"
  | "conflict"
  | "idempotencyMismatch"
  | "tenantMoving"
  | "unauthenticated"
  | "forbidden"
  | "quotaPostsPerMonth"
  | "paymentRequired"
  | ConfigurationProblemKind;

/** A refused publish as its problem (its kind, body and headers). */
export function refusalProblem(
  refusal: PublishRefusal | AccessRefusal | Extract<PublishOutcome, { kind: "platform_refused" }>,
): { kind: PublishProblemKind; error: ProblemError } {
  const retryAfter = (seconds: number) => ({ "Retry-After": String(seconds) });
  switch (refusal.kind) {
    case "platform_refused":
      return problem("platformRejected", refusal.detail, { post: refusal.post });
    case "window_full":
      return problem(
        "rateLimited",
        refusal.detail,
        { window: refusal.window, limit: refusal.limit, reset_at: new Date(refusal.resetAtMs).toISOString() },
        retryAfter(refusal.retryAfterSeconds),
      );
    case "platform_unavailable":
      return problem(
        "platformUnavailable",
        refusal.detail,
        { platform: refusal.platform },
        retryAfter(refusal.retryAfterSeconds),
      );
    case "platform_not_configured":
      return problem("platformNotConfigured", refusal.detail, { platform: refusal.platform });
    case "account_unavailable":
      return problem("accountUnavailable", refusal.detail, { account_id: refusal.accountId });
    case "not_found":
      return problem("notFound", refusal.detail);
    case "invalid":
      return problem("validation", refusal.detail, { errors: refusal.errors });
    case "key_in_progress":
      return problem("conflict", refusal.detail, {}, retryAfter(1));
    case "key_mismatch":
      return problem("idempotencyMismatch", refusal.detail);
    case "tenant_moving":
      return problem("tenantMoving", refusal.detail, {}, retryAfter(refusal.retryAfterSeconds));
    case "configuration_refused":
      return configurationProblem(refusal);
    // The plan's posts this month (docs/billing.md, Tiers and quotas): back when the next month starts.
    case "quota_exceeded":
      return problem(
        "quotaPostsPerMonth",
        refusal.detail,
        quotaExtensions(refusal.quota, refusal.limit, refusal.used, refusal.resetsAtMs),
        retryAfter(refusal.retryAfterSeconds),
      );
    // The credential the route left to the object: as the auth middleware refuses it.
    case "unauthenticated":
      return { kind: "unauthenticated", error: unauthenticated() };
    case "forbidden":
      return problem("forbidden", refusal.detail, { permission: refusal.permission });
    case "key_limited":
      return { kind: "rateLimited", error: keyLimitProblem(refusal.admission) };
    // The subscription stops it (docs/billing.md, Stripe and subscription states).
    case "payment_required":
      return { kind: "paymentRequired", error: paymentRequired(refusal.gate) };
  }
}

function problem<K extends ProblemKind>(
  kind: K,
  detail: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): { kind: K; error: ProblemError } {
  return { kind, error: new ProblemError(kind, detail, extensions, headers) };
}

/** A refused release of a held post (POST /v1/posts/{id}/release), as its problem. */
export function releaseRefusalProblem(refusal: ReleaseRefusal | CheckRefusal): {
  kind:
    | "tenantStopped"
    | "authorRemoved"
    | "paymentRequired"
    | "conflict"
    | "notFound"
    | "accountUnavailable"
    | "platformNotConfigured"
    | "validation"
    | ConfigurationProblemKind;
  error: ProblemError;
} {
  switch (refusal.kind) {
    case "tenant_stopped":
      return problem(
        "tenantStopped",
        `The tenant is ${refusal.tenantStatus}: its posts stay held until it is active again`,
        { held_reason: refusal.heldReason, tenant_status: refusal.tenantStatus },
      );
    case "author_removed":
      return problem(
        "authorRemoved",
        `The member who answers for this post (${refusal.authorId}) is suspended or removed: reactivate them, or release it with "override_author_removed": true to answer for it yourself`,
        { held_reason: refusal.heldReason, author_id: refusal.authorId },
      );
    case "payment_required": {
      // The post stays held: its reason named beside the subscription's state.
      const error = paymentRequired(refusal.gate);
      error.problem.held_reason = refusal.heldReason;
      return { kind: "paymentRequired", error };
    }
    case "not_held":
      return problem("conflict", `Only a held post can be released; this one is ${refusal.status}`);
    case "not_found":
      return problem("notFound", refusal.detail);
    case "account_unavailable":
      return problem("accountUnavailable", refusal.detail, { account_id: refusal.accountId });
    case "platform_not_configured":
      return problem("platformNotConfigured", refusal.detail, { platform: refusal.platform });
    case "invalid":
      return problem("validation", refusal.detail, { errors: refusal.errors });
    case "configuration_refused":
      return configurationProblem(refusal);
  }
}

function isConfigurationProblem(kind: ProblemKind): boolean {
  return (CONFIGURATION_PROBLEMS as readonly ProblemKind[]).includes(kind);
}

/** Sends a publish's outcome (POST /v1/posts). */
export async function answerPublish(c: Context<AppEnv>, outcome: PublishOutcome | AccessRefusal) {
  const replayed = outcome.kind === "replayed";
  const first = outcome.kind === "replayed" ? outcome.first : outcome;
  const headers: Record<string, string> = replayed ? { "Idempotent-Replayed": "true" } : {};
  if (first.kind === "published") {
    return c.json(first.post, 201, { ...headers, Location: `/v1/posts/${first.post.id}` });
  }
  if (first.kind === "accepted") return c.json(first.post, 202, headers);
  const { kind, error } = refusalProblem(first);
  return sendProblem(c, kind, error, headers);
}

/**
 * A refusal as problem+json, with the request's instance and id (problemBody). The
 * object audits what it records or refuses itself (401, 403, 422 but a configuration's
 * refusal); the rest is audited here.
 */
export async function sendProblem<K extends ProblemKind>(
  c: Context<AppEnv>,
  kind: K,
  error: ProblemError,
  headers: Record<string, string> = {},
) {
  const status: (typeof PROBLEM_TYPES)[K]["status"] = PROBLEM_TYPES[kind].status;
  const objectAudits = status === 401 || status === 403 || (status === 422 && !isConfigurationProblem(kind));
  if (!objectAudits) {
    await auditFailure(c, status, error.problem.detail ?? error.problem.title);
  }
  return c.json(problemBody(c, error.problem), status, {
    ...error.headers,
    ...headers,
    "Content-Type": PROBLEM_CONTENT_TYPE,
  });
}
