// Finishing posts whose media is still processing, on the TenantObject's alarm (timer
// "media-containers"): Instagram containers (reference/ig-container: status_code
// IN_PROGRESS, then FINISHED or ERROR, EXPIRED after 24 hours), Facebook videos whose
// Page post is not there yet (FINISHED once it is: publishContainer reads it), X's GIF and video
// uploads (processing_info) and LinkedIn's videos (PROCESSING, then AVAILABLE). The post
// was answered 202 "processing", and each run here asks each due container once, through
// its platform's adapter (containerStatus). FINISHED: the post is published with that
// same media (publishContainer), never a second upload. ERROR or EXPIRED, or still
// IN_PROGRESS at the deadline: the post fails. A platform or token hiccup: asked again
// at the next poll. A publish whose answer never came is not sent blindly again: an
// Instagram container says whether it was published (PUBLISHED); X and LinkedIn cannot
// say, so such a post is recorded unknown (reportsPublished in
// src/core/platforms/types.ts).
import type { Clock } from "../../src/core/clock";
import { isPlatformError } from "../../src/core/platforms/errors";
import { refreshAtPlatform } from "../../src/core/platforms/refresh";
import type { Platform, PlatformAdapter, PostContent } from "../../src/core/platforms/types";
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
  cadence: (platform: Platform) => ContainerCadence;
  adapter: (platform: Platform) => PlatformAdapter;
  /** The post of a processing attempt, as it goes out; null once it is settled. */
  post: (attemptId: string) => PostContent | null;
  complete: (attemptId: string, outcome: SendOutcome) => Promise<void>;
  clock: Clock;
}

type Token = Extract<TokenStep, { kind: "token" }>;

async function tokenFor(ctx: ContainerContext, row: ContainerRow): Promise<Token | TokenStep> {
  let step = await ctx.tokens.acquire(row.account_id);
  if (step.kind === "refresh") {
    step = await ctx.tokens.complete(
      step.lease.accountId,
      step.lease.leaseId,
      await refreshAtPlatform(ctx.adapter(row.platform), step.lease),
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
  const adapter = ctx.adapter(row.platform);
  const post = ctx.post(row.attempt_id);
  if (!adapter.publishContainer || !post) {
    return { kind: "failed", error: "rejected", message: `${row.platform}: the processed media cannot be published` };
  }
  setContainer(ctx.sql, row.attempt_id, { state: "publishing" });
  try {
    const result = await adapter.publishContainer(token.accessToken, token.platformUserId, row.container_id, post);
    return { kind: "published", result };
  } catch (error) {
    if (!isPlatformError(error)) throw error;
    // No answer in time: it may have been published. An Instagram container will say
    // (PUBLISHED); where the platform cannot, the post is unknown, never sent again.
    if (error.outcomeUnknown) return adapter.reportsPublished === false ? lostAnswer(row) : null;
    setContainer(ctx.sql, row.attempt_id, { state: "waiting" });
    if (error.kind === "rejected") return { kind: "failed", error: "rejected", message: error.message };
    if (error.kind === "auth") await ctx.tokens.acquire(row.account_id, token.version);
    return null;
  }
}

/** A publish of the processed media whose answer was lost: the post is unknown (never sent again). */
function lostAnswer(row: ContainerRow): SendOutcome {
  const message = `${row.platform}: the post was sent with its processed media, but no answer came`;
  return { kind: "failed", error: "timeout", message };
}

/** One poll of one container. */
async function pollOne(ctx: ContainerContext, row: ContainerRow, nowMs: number): Promise<void> {
  const cadence = ctx.cadence(row.platform);
  const adapter = ctx.adapter(row.platform);
  const polls = row.polls + 1;
  const again = () => setContainer(ctx.sql, row.attempt_id, { polls, next_poll_ms: nowMs + cadence.pollMs });
  if (polls > 2 * maxPolls(cadence)) {
    // Finished but never publishable (a platform that keeps failing): give up, saying
    // "unknown" when a publish may have gone out.
    const sent = row.state === "publishing";
    const message = `${row.platform}: the video could not be published in time`;
    return finish(ctx, row, { kind: "failed", error: sent ? "timeout" : "unavailable", message });
  }
  // A publish went out before (its answer lost, or the object reset while it waited),
  // and this platform cannot say whether it went through: never sent again.
  if (row.state === "publishing" && adapter.reportsPublished === false) return finish(ctx, row, lostAnswer(row));
  if (!adapter.containerStatus) {
    const message = `${row.platform}: no processing media to wait for`;
    return finish(ctx, row, { kind: "failed", error: "rejected", message });
  }
  const token = await tokenFor(ctx, row);
  if (token.kind === "revoked" || token.kind === "missing") {
    return finish(ctx, row, { kind: "failed", error: "invalid_grant", message: "the account's token was revoked" });
  }
  if (token.kind !== "token") return again();
  let status: string;
  try {
    status = await adapter.containerStatus(token.accessToken, row.container_id);
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
      message: `${row.platform}: the media's processing ended ${status}`,
    });
  }
  // IN_PROGRESS: until the deadline, then the post fails (the container is left to
  // expire), or, where the upload publishes by itself once processed (a Facebook
  // video), it is unknown: it may yet appear.
  const overdue = nowMs - row.created_at_ms >= cadence.deadlineMs || polls >= maxPolls(cadence);
  if (overdue) {
    const minutes = Math.round(cadence.deadlineMs / 60_000);
    const message = `${row.platform}: the video was still processing after ${polls} checks (${minutes} minutes)`;
    const error = adapter.publishesWhenProcessed ? "timeout" : "rejected";
    return finish(ctx, row, { kind: "failed", error, message });
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
      setContainer(ctx.sql, row.attempt_id, { next_poll_ms: nowMs + ctx.cadence(row.platform).pollMs });
    }
  }
  await armContainers(ctx.sql, ctx.timers);
  return due.length;
}
