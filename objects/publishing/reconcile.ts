// Reconciling an outcome that was not learned with the platform (timer
// "reconcile-outcomes"; docs/publishing.md, "Reconciliation"). A publish that got no
// answer in time, a 5xx from the call that creates the post (afterCreate in
// src/core/platforms/errors.ts), or a reset of the object during the call, leaves the
// post "unknown" (outcome.ts): it may be on the platform. It is never sent again blindly.
// Each check first asks the platform: the account's recent posts (the adapter's
// findRecent), matched by text and by age (src/core/platforms/recent-posts.ts). Found:
// the post is published, with the platform's id. Not there: it is sent once more, and
// that answer decides (published, refused, or unknown again: then only looked for).
// LinkedIn lists a member's posts to few apps: where it cannot, the post is sent once
// more and LinkedIn's refusal of a duplicate names the post that exists.
//
// A check that cannot be made (no token, the platform failing or throttling the read) is
// tried again later, RECONCILE_MAX_TRIES checks in all (reconcile-store.ts). After the
// last the post is failed, error type "outcome_unresolved", with why: it may be on the
// platform, so it keeps its place in the window and the month, and the client is told
// to look before publishing it again. Each step is in the post's `reconciliation` (the
// API) and each end in the audit log ("post.reconciled", "post.reconcile_gave_up").
import type { Clock } from "../../src/core/clock";
import type { AuditEvent } from "../../src/core/db/audit-logs";
import type { ReconciliationResolution, ReconciliationView } from "../../src/core/db/post-checks";
import type { PublishRequestRow } from "../../src/core/db/publish-requests";
import { isPlatformError, type PlatformError } from "../../src/core/platforms/errors";
import { findSent, RECENT_POSTS_LIMIT, type RecentPost } from "../../src/core/platforms/recent-posts";
import { refreshAtPlatform } from "../../src/core/platforms/refresh";
import {
  isPending,
  type Platform,
  type PlatformAdapter,
  type PostContent,
  type PublishResult,
} from "../../src/core/platforms/types";
import type { Timers } from "../storage/timers";
import type { AccountTokens, TokenStep } from "./account-tokens";
import {
  armReconciliations,
  checkingView,
  dueReconciliations,
  isUnknownOutcome,
  RECONCILE_MAX_TRIES,
  type ReconcileRow,
  reconcileDelayMs,
  setReconciliation,
} from "./reconcile-store";

export interface ReconcileContext {
  sql: SqlStorage;
  timers: Timers<"reconcile-outcomes">;
  tokens: AccountTokens;
  adapter: (platform: Platform) => PlatformAdapter;
  /** The post under reconciliation: its record and content (record.ts); null once its attempt is gone. */
  post: (attemptId: string) => { record: PublishRequestRow; post: PostContent } | null;
  /** Writes the post's new record (record.ts, reconciled). */
  write: (
    attemptId: string,
    record: PublishRequestRow,
    options?: { givesBack?: boolean; containerId?: string },
  ) => Promise<void>;
  /** Of the listed ids, those the tenant recorded for its other posts of the account (D1, after the outbox). */
  claimed: (accountId: string, platformPostIds: string[], exceptPostId: string) => Promise<Set<string>>;
  audit: (attemptId: string, event: AuditEvent) => Promise<void>;
  clock: Clock;
}

type Token = Extract<TokenStep, { kind: "token" }>;

/** One check's end: settled (the record written), or to be tried again with this note. */
type Step = { kind: "settled" } | { kind: "again"; note: string };

const iso = (ms: number) => new Date(ms).toISOString();

/** Checks every due reconciliation once; arms the timer for the next. Returns how many were checked. */
export async function reconcileOutcomes(ctx: ReconcileContext): Promise<number> {
  const nowMs = ctx.clock();
  const due = dueReconciliations(ctx.sql, nowMs);
  for (const row of due) {
    let step: Step;
    try {
      step = await checkOne(ctx, row, nowMs);
    } catch (error) {
      // One post's trouble must not hold back the others: it counts as a check.
      console.error(`reconciliation of ${row.attempt_id} failed; trying again`, error);
      step = { kind: "again", note: `the check failed here (${String(error)})` };
    }
    if (step.kind === "again") await again(ctx, row, step.note, nowMs);
  }
  await armReconciliations(ctx.sql, ctx.timers, ctx.clock());
  return due.length;
}

async function checkOne(ctx: ReconcileContext, row: ReconcileRow, nowMs: number): Promise<Step> {
  const watched = ctx.post(row.attempt_id);
  if (!watched || !isUnknownOutcome(watched.record)) {
    // Settled elsewhere (or the attempt is gone): nothing left to learn.
    setReconciliation(ctx.sql, row.attempt_id, { next_at_ms: null }, nowMs);
    return { kind: "settled" };
  }
  const token = await tokenFor(ctx, row);
  if (token.kind !== "token")
    return { kind: "again", note: `no usable token to ask ${row.platform} with (${why(token)})` };
  const adapter = ctx.adapter(row.platform);
  let listing: Awaited<ReturnType<PlatformAdapter["findRecent"]>>;
  try {
    listing = await adapter.findRecent(token.accessToken, token.platformUserId, RECENT_POSTS_LIMIT);
  } catch (error) {
    if (!isPlatformError(error)) throw error;
    if (error.kind === "auth") await ctx.tokens.acquire(row.account_id, token.version);
    return { kind: "again", note: `${row.platform} could not be asked: ${error.message}` };
  }
  if (listing.kind === "listed") {
    const claimed = await ctx.claimed(
      row.account_id,
      listing.posts.map((post) => post.platformPostId),
      row.attempt_id,
    );
    const found = findSent(listing, { text: watched.post.text, sentAtMs: row.sent_at_ms, nowMs, claimed });
    if (found) return settlePublished(ctx, row, watched.record, fromListing(found), "found", nowMs);
    if (row.resent) {
      return {
        kind: "again",
        note: `not among the account's latest posts yet; it was sent a second time, whose answer was lost too`,
      };
    }
  } else if (row.resent) {
    // Sent twice already and no way to look: nothing more can be learned here.
    return giveUp(
      ctx,
      row,
      watched.record,
      `${listing.reason}; it was sent a second time, whose answer was lost too`,
      nowMs,
    );
  }
  return sendAgain(ctx, row, watched, token, adapter, listing.kind === "listed" ? null : listing.reason, nowMs);
}

/**
 * Not on the platform (or no way to look): sent once more. `resent` is stored before the
 * call, so a reset during it never leads to a third send; it is cleared only by an
 * answer saying nothing went out.
 */
async function sendAgain(
  ctx: ReconcileContext,
  row: ReconcileRow,
  watched: { record: PublishRequestRow; post: PostContent },
  token: Token,
  adapter: PlatformAdapter,
  unlisted: string | null,
  nowMs: number,
): Promise<Step> {
  setReconciliation(ctx.sql, row.attempt_id, { resent: 1 }, nowMs);
  const before = unlisted
    ? `${unlisted}, so it was sent again`
    : "not among the account's latest posts, so it was sent again";
  try {
    const result = await adapter.publish(token.accessToken, token.platformUserId, watched.post);
    if (isPending(result)) {
      const record: PublishRequestRow = {
        ...watched.record,
        status: "unknown",
        error_type: "processing",
        error_message: `${row.platform} is processing the video; the post completes when it is ready`,
        updated_at: iso(nowMs),
        reconciliation: view(row, "resolved", "sent_again", `${before}; ${row.platform} is processing it`, nowMs),
      };
      await ctx.write(row.attempt_id, record, { containerId: result.containerId });
      return settled(ctx, row, "sent_again", null, nowMs);
    }
    return settlePublished(ctx, row, watched.record, result, "sent_again", nowMs, before);
  } catch (error) {
    if (!isPlatformError(error)) throw error;
    return secondSendFailed(ctx, row, watched.record, token, error, before, nowMs);
  }
}

async function secondSendFailed(
  ctx: ReconcileContext,
  row: ReconcileRow,
  record: PublishRequestRow,
  token: Token,
  error: PlatformError,
  before: string,
  nowMs: number,
): Promise<Step> {
  // The platform refused it as a duplicate of a post it names: the first send went out.
  if (error.details.duplicate && error.details.duplicateOf) {
    const result = { platformPostId: error.details.duplicateOf, url: null };
    return settlePublished(ctx, row, record, result, "duplicate_refusal", nowMs);
  }
  if (error.details.duplicate) {
    return {
      kind: "again",
      note: `${row.platform} refused the second send as a duplicate: the first went out; looking for it`,
    };
  }
  if (error.outcomeUnknown) return { kind: "again", note: `${before}; that answer was lost too (${error.message})` };
  if (error.kind === "rejected" || error.kind === "media") {
    const failed: PublishRequestRow = {
      ...record,
      status: "failed",
      error_type: "platform_rejected",
      error_message: error.message,
      updated_at: iso(nowMs),
      reconciliation: view(row, "resolved", "sent_again", `${before}; ${row.platform} refused it`, nowMs),
    };
    await ctx.write(row.attempt_id, failed, { givesBack: true });
    return settled(ctx, row, "sent_again", error.message, nowMs);
  }
  // Nothing went out (throttled, unreachable, the token refused): it may be sent later.
  setReconciliation(ctx.sql, row.attempt_id, { resent: 0 }, nowMs);
  if (error.kind === "auth") await ctx.tokens.acquire(row.account_id, token.version);
  return { kind: "again", note: `${before}, but that send was not made: ${error.message}` };
}

function fromListing(post: RecentPost): Pick<PublishResult, "platformPostId" | "url"> {
  return { platformPostId: post.platformPostId, url: post.url };
}

/** The post is on the platform: published, as of its send (on the object's clock). */
async function settlePublished(
  ctx: ReconcileContext,
  row: ReconcileRow,
  record: PublishRequestRow,
  result: Pick<PublishResult, "platformPostId" | "url">,
  resolution: ReconciliationResolution,
  nowMs: number,
  before?: string,
): Promise<Step> {
  const how: Record<ReconciliationResolution, string> = {
    found: `found among the account's latest posts (${result.platformPostId})`,
    duplicate_refusal: `${row.platform} refused a second send as a duplicate of ${result.platformPostId}: the first went out`,
    sent_again: `${before ?? "sent again"}; published as ${result.platformPostId}`,
  };
  const publishedAtMs = resolution === "sent_again" ? nowMs : row.sent_at_ms;
  const published: PublishRequestRow = {
    ...record,
    status: "published",
    platform_post_id: result.platformPostId,
    platform_post_url: result.url,
    published_at: iso(publishedAtMs),
    error_type: null,
    error_message: null,
    updated_at: iso(nowMs),
    reconciliation: view(row, "resolved", resolution, how[resolution], nowMs),
  };
  await ctx.write(row.attempt_id, published);
  return settled(ctx, row, resolution, null, nowMs, result.platformPostId);
}

async function settled(
  ctx: ReconcileContext,
  row: ReconcileRow,
  resolution: ReconciliationResolution,
  refusal: string | null,
  nowMs: number,
  platformPostId?: string,
): Promise<Step> {
  setReconciliation(ctx.sql, row.attempt_id, { tries: row.tries + 1, next_at_ms: null }, nowMs);
  await ctx.audit(row.attempt_id, {
    action: "post.reconciled",
    resourceType: "post",
    resourceId: row.attempt_id,
    metadata: {
      platform: row.platform,
      resolution,
      tries: row.tries + 1,
      ...(platformPostId ? { platform_post_id: platformPostId } : {}),
    },
    success: refusal === null,
    errorMessage: refusal,
  });
  return { kind: "settled" };
}

/** Not settled by this check: tried again after the backoff, or given up after the last. */
async function again(ctx: ReconcileContext, row: ReconcileRow, note: string, nowMs: number): Promise<void> {
  const watched = ctx.post(row.attempt_id);
  if (!watched) {
    setReconciliation(ctx.sql, row.attempt_id, { next_at_ms: null }, nowMs);
    return;
  }
  const tries = row.tries + 1;
  if (tries >= RECONCILE_MAX_TRIES) {
    await giveUp(ctx, row, watched.record, note, nowMs);
    return;
  }
  const next = { ...row, tries, next_at_ms: nowMs + reconcileDelayMs(tries) };
  setReconciliation(ctx.sql, row.attempt_id, { tries, next_at_ms: next.next_at_ms }, nowMs);
  const record = {
    ...watched.record,
    updated_at: iso(nowMs),
    reconciliation: JSON.stringify(checkingView(next, nowMs, note)),
  };
  await ctx.write(row.attempt_id, record);
}

/** The last check found nothing certain: failed, saying it may be on the platform. */
async function giveUp(
  ctx: ReconcileContext,
  row: ReconcileRow,
  record: PublishRequestRow,
  note: string,
  nowMs: number,
): Promise<Step> {
  const tries = row.tries + 1;
  const minutes = Math.max(1, Math.round((nowMs - row.sent_at_ms) / 60_000));
  const message = `the outcome could not be confirmed after ${tries} checks over ${minutes} minutes (last: ${note}). It may be on ${row.platform}: look at the account before publishing it again`;
  const failed: PublishRequestRow = {
    ...record,
    status: "failed",
    error_type: "outcome_unresolved",
    error_message: message,
    updated_at: iso(nowMs),
    reconciliation: JSON.stringify({
      state: "gave_up",
      resolution: null,
      tries,
      max_tries: RECONCILE_MAX_TRIES,
      last_checked_at: iso(nowMs),
      next_check_at: null,
      note,
    } satisfies ReconciliationView),
  };
  // It may be out: its places stay taken.
  await ctx.write(row.attempt_id, failed);
  setReconciliation(ctx.sql, row.attempt_id, { tries, next_at_ms: null }, nowMs);
  await ctx.audit(row.attempt_id, {
    action: "post.reconcile_gave_up",
    resourceType: "post",
    resourceId: row.attempt_id,
    metadata: { platform: row.platform, tries },
    success: false,
    errorMessage: message,
  });
  return { kind: "settled" };
}

function view(
  row: ReconcileRow,
  state: ReconciliationView["state"],
  resolution: ReconciliationResolution,
  note: string,
  nowMs: number,
): string {
  return JSON.stringify({
    state,
    resolution,
    tries: row.tries + 1,
    max_tries: RECONCILE_MAX_TRIES,
    last_checked_at: iso(nowMs),
    next_check_at: null,
    note,
  } satisfies ReconciliationView);
}

async function tokenFor(ctx: ReconcileContext, row: ReconcileRow): Promise<TokenStep> {
  const step = await ctx.tokens.acquire(row.account_id);
  if (step.kind !== "refresh") return step;
  return ctx.tokens.complete(
    step.lease.accountId,
    step.lease.leaseId,
    await refreshAtPlatform(ctx.adapter(row.platform), step.lease),
  );
}

function why(step: Exclude<TokenStep, { kind: "token" }>): string {
  switch (step.kind) {
    case "revoked":
      return step.reason;
    case "unavailable":
      return step.reason;
    case "missing":
      return "the account is gone";
    case "refresh":
      return "its refresh is under way";
  }
}
