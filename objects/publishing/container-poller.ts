// Finishing Instagram video posts on the TenantObject's alarm (timer "media-containers").
// A reel's container processes for tens of seconds to minutes (reference/ig-container:
// status_code IN_PROGRESS, then FINISHED or ERROR, EXPIRED after 24 hours): the post was
// answered 202 "processing", and each run here asks each due container once. FINISHED:
// media_publish with that same container (never a second one). ERROR or EXPIRED, or
// still IN_PROGRESS at the deadline: the post fails. A platform or token hiccup: asked
// again at the next poll. A media_publish whose answer never came is not sent blindly
// again: the container itself says whether it was published (PUBLISHED).
import type { Clock } from "../../src/core/clock";
import { isPlatformError } from "../../src/core/platforms/errors";
import type { InstagramAdapter } from "../../src/core/platforms/instagram";
import { refreshAtPlatform } from "../../src/core/platforms/refresh";
import type { Timers } from "../storage/timers";
import type { AccountTokens, TokenStep } from "./account-tokens";
import {
  armContainers,
  type ContainerCadence,
  type ContainerRow,
  dropContainer,
  dueContainers,
  maxPolls,
  setContainer,
} from "./media-containers";
import type { SendOutcome } from "./types";

export interface ContainerContext {
  sql: SqlStorage;
  timers: Timers<"media-containers">;
  tokens: AccountTokens;
  cadence: ContainerCadence;
  adapter: () => InstagramAdapter;
  complete: (attemptId: string, outcome: SendOutcome) => Promise<void>;
  clock: Clock;
}

type Token = Extract<TokenStep, { kind: "token" }>;

async function tokenFor(ctx: ContainerContext, accountId: string): Promise<Token | TokenStep> {
  let step = await ctx.tokens.acquire(accountId);
  if (step.kind === "refresh") {
    step = await ctx.tokens.complete(
      step.lease.accountId,
      step.lease.leaseId,
      await refreshAtPlatform(ctx.adapter(), step.lease),
    );
  }
  return step;
}

async function finish(ctx: ContainerContext, row: ContainerRow, outcome: SendOutcome): Promise<void> {
  await ctx.complete(row.attempt_id, outcome);
  dropContainer(ctx.sql, row.attempt_id);
}

/** Publishes a FINISHED container; its outcome, or null to try again at the next poll. */
async function publishFinished(ctx: ContainerContext, row: ContainerRow, token: Token): Promise<SendOutcome | null> {
  setContainer(ctx.sql, row.attempt_id, { state: "publishing" });
  try {
    const result = await ctx.adapter().publishContainer(token.accessToken, token.platformUserId, row.container_id);
    return { kind: "published", result };
  } catch (error) {
    if (!isPlatformError(error)) throw error;
    // No answer in time: it may have been published; the container will say (PUBLISHED).
    if (error.kind === "timeout") return null;
    setContainer(ctx.sql, row.attempt_id, { state: "waiting" });
    if (error.kind === "rejected") return { kind: "failed", error: "rejected", message: error.message };
    if (error.kind === "auth") await ctx.tokens.acquire(row.account_id, token.version);
    return null;
  }
}

/** One poll of one container. */
async function pollOne(ctx: ContainerContext, row: ContainerRow, nowMs: number): Promise<void> {
  const polls = row.polls + 1;
  const again = () => setContainer(ctx.sql, row.attempt_id, { polls, next_poll_ms: nowMs + ctx.cadence.pollMs });
  if (polls > 2 * maxPolls(ctx.cadence)) {
    // Finished but never publishable (a platform that keeps failing): give up, saying
    // "unknown" when a media_publish may have gone out.
    const sent = row.state === "publishing";
    const message = "instagram: the video could not be published in time";
    return finish(ctx, row, { kind: "failed", error: sent ? "timeout" : "unavailable", message });
  }
  const token = await tokenFor(ctx, row.account_id);
  if (token.kind === "revoked" || token.kind === "missing") {
    return finish(ctx, row, { kind: "failed", error: "invalid_grant", message: "the account's token was revoked" });
  }
  if (token.kind !== "token") return again();
  let status: string;
  try {
    status = await ctx.adapter().containerStatus(token.accessToken, row.container_id);
  } catch (error) {
    if (!isPlatformError(error)) throw error;
    if (error.kind === "auth") await ctx.tokens.acquire(row.account_id, token.version);
    return again();
  }
  if (status === "PUBLISHED") {
    // Published by a media_publish whose answer was lost: its media id is not known.
    const message = "the video was published, but its answer was lost";
    return finish(ctx, row, { kind: "failed", error: "timeout", message });
  }
  if (status === "FINISHED") {
    const outcome = await publishFinished(ctx, row, token);
    return outcome ? finish(ctx, row, outcome) : again();
  }
  if (status === "ERROR" || status === "EXPIRED") {
    return finish(ctx, row, {
      kind: "failed",
      error: "rejected",
      message: `instagram: the video container is ${status}`,
    });
  }
  // IN_PROGRESS: until the deadline, then the post fails (the container is left to expire).
  const overdue = nowMs - row.created_at_ms >= ctx.cadence.deadlineMs || polls >= maxPolls(ctx.cadence);
  if (overdue) {
    const minutes = Math.round(ctx.cadence.deadlineMs / 60_000);
    const message = `instagram: the video was still processing after ${polls} checks (${minutes} minutes)`;
    return finish(ctx, row, { kind: "failed", error: "rejected", message });
  }
  return again();
}

/** Polls every due container once; arms the timer for the next. Returns how many were polled. */
export async function pollContainers(ctx: ContainerContext): Promise<number> {
  const nowMs = ctx.clock();
  const due = dueContainers(ctx.sql, nowMs);
  for (const row of due) {
    try {
      await pollOne(ctx, row, nowMs);
    } catch (error) {
      // One container's trouble must not hold back the others: it is asked again.
      console.error(`container ${row.container_id}: poll failed; retrying`, error);
      setContainer(ctx.sql, row.attempt_id, { next_poll_ms: nowMs + ctx.cadence.pollMs });
    }
  }
  await armContainers(ctx.sql, ctx.timers);
  return due.length;
}
