// One publish, end to end: admission and a token, the platform call, the outcome
// recorded. The TenantObject runs it: for a client's request, handing a needed token
// refresh to the router (whose request outlives an eviction of the object), and for
// a scheduled post, refreshing itself from its alarm.

import { isPlatformError, PlatformError } from "../../src/platforms/errors";
import { isPending, type Platform, type PlatformAdapter } from "../../src/platforms/types";
import type { RefreshOutcome, TokenStep } from "./account-tokens";
import type { Answer, BeginStep, PublishInput, SendOutcome } from "./types";

export interface PublishCoordinator {
  beginPublish(input: PublishInput): Promise<BeginStep>;
  completeRefresh(accountId: string, leaseId: string, outcome: RefreshOutcome): Promise<TokenStep>;
  reacquireToken(accountId: string, rejectedVersion: number): Promise<TokenStep>;
  /**
   * Records whether the platform call is being made (from then on its outcome may be
   * unknown) or was refused before anything happened (a 401: it may be made again).
   */
  markCalling(attemptId: string, calling: boolean): Promise<void>;
  finishPublish(attemptId: string, outcome: SendOutcome): Promise<Answer>;
}

export type SendStep = Extract<BeginStep, { kind: "send" }>;
/** What the platform call needs to know about an attempt. */
export type AttemptTarget = Pick<SendStep, "attemptId" | "platform" | "platformUserId" | "post">;
export type RefreshLease = Extract<TokenStep, { kind: "refresh" }>["lease"];

/** Where an attempt stands: answered, or waiting for someone to refresh a token. */
export type FlowResult = { kind: "done"; answer: Answer } | { kind: "refresh"; attemptId: string; lease: RefreshLease };

/** Calls the platform's refresh for a lease; the outcome, for completeRefresh. */
export async function refreshAtPlatform(adapter: PlatformAdapter, lease: RefreshLease): Promise<RefreshOutcome> {
  try {
    const tokens = await adapter.refresh({
      refreshToken: lease.refreshToken,
      accessToken: lease.accessToken,
      platformUserId: lease.platformUserId,
    });
    return {
      ok: true,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAtMs: tokens.expiresAt?.getTime() ?? null,
      refreshTokenExpiresAtMs: tokens.refreshTokenExpiresAt?.getTime() ?? null,
    };
  } catch (error) {
    if (!isPlatformError(error)) throw error;
    return { ok: false, kind: error.kind, message: error.message };
  }
}

function failed(error: PlatformError): SendOutcome {
  return {
    kind: "failed",
    error: error.kind,
    message: error.message,
    retryAfterSeconds: error.details.retryAfterSeconds,
    resetAtMs: error.details.resetAtMs,
    field: error.details.field,
  };
}

/**
 * Takes an admitted attempt from `token` to its answer. A refresh lease is either
 * performed here (`handOver` false) or handed back to the caller (`handOver` true),
 * who refreshes, reports with completeRefresh, and resumes with the new step.
 */
export async function runAttempt(
  coordinator: PublishCoordinator,
  adapter: PlatformAdapter,
  attempt: AttemptTarget,
  token: TokenStep,
  handOver: boolean,
): Promise<FlowResult> {
  const finish = async (outcome: SendOutcome): Promise<FlowResult> => ({
    kind: "done",
    answer: await coordinator.finishPublish(attempt.attemptId, outcome),
  });
  let step = token;
  // A refresh, then one more after a token the platform refuses: no more.
  for (let round = 0; round < 3; round++) {
    if (step.kind === "refresh") {
      if (handOver) return { kind: "refresh", attemptId: attempt.attemptId, lease: step.lease };
      step = await coordinator.completeRefresh(
        step.lease.accountId,
        step.lease.leaseId,
        await refreshAtPlatform(adapter, step.lease),
      );
    }
    if (step.kind !== "token") return finish({ kind: "not_sent", token: step });
    try {
      await coordinator.markCalling(attempt.attemptId, true);
      const result = await adapter.publish(step.accessToken, attempt.platformUserId, attempt.post);
      if (isPending(result)) return finish({ kind: "processing", containerId: result.containerId });
      return finish({ kind: "published", result });
    } catch (error) {
      if (!isPlatformError(error)) throw error;
      if (error.kind === "auth" && round < 2) {
        // Refused for its token: nothing was published, so it may go again.
        await coordinator.markCalling(attempt.attemptId, false);
        step = await coordinator.reacquireToken(step.accountId, step.version);
        continue;
      }
      return finish(failed(error));
    }
  }
  return finish(failed(new PlatformError("auth", "the platform keeps refusing fresh tokens")));
}

/** Publishes `input` from start to answer, refreshing tokens itself (the alarm's path). */
export async function publish(
  coordinator: PublishCoordinator,
  adapterFor: (platform: Platform) => PlatformAdapter,
  input: PublishInput,
): Promise<Answer> {
  const begun = await coordinator.beginPublish(input);
  if (begun.kind === "answer") return begun.answer;
  const result = await runAttempt(coordinator, adapterFor(begun.platform), begun, begun.token, false);
  if (result.kind !== "done") throw new Error("a refresh was handed over on a path that refreshes itself");
  return result.answer;
}
