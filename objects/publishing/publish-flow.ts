// A publish, from the route to the platform and back, in one place.
//
//  1. route        POST /v1/posts (src/routes/posts.ts) validates the body, makes a
//                  PublishInput with a fresh attempt id and calls publishNow on the
//                  tenant's object; after a reset of the object it calls again with
//                  the same attempt (`retry`), which the steps below recognise.
//  2. who          forClient: the credential the route left to this call is checked
//                  and its key charged, and the permission (identity/tenant-identity.ts).
//  3. fence        a tenant moving between shards takes no write: 503, Retry-After.
//  4. admit        begin: the account, the platform's rules, the Idempotency-Key and
//                  a slot of the account's exact window, taken with no await between
//                  them; the attempt is recorded (publisher.ts). A post for later is
//                  stored in the schedule and answered 202 here (scheduler.ts).
//  5. token        a token ready in memory, or a refresh lease (account-tokens.ts:
//                  one refresh per account however many publishes need one).
//  6. refresh      a client's publish hands the lease back to the route, which calls
//                  the platform's token endpoint itself (src/platforms/refresh.ts)
//                  and resumes with resumePublish: its request outlives a reset of
//                  the object (why: publishNow in ../tenant-object/contract.ts). A
//                  scheduled post refreshes here, on the alarm (forSchedule).
//  7. send         the attempt marked calling (from then on its outcome may be
//                  unknown and it is never sent again), then the platform's publish;
//                  a token the platform refuses is swapped for a fresh one, twice at most.
//  8. record       finish: the answer, the Idempotency-Key's replay, the outbox that
//                  takes the post to D1 (record-outbox.ts), counting and insight pulls.
//                  An Instagram reel still processing is answered 202 and completed
//                  by the alarm (container-poller.ts).
//  9. answer       back to the route, which sends it (problem+json when it is one).
//
// The steps are this module's; nothing here is reachable over RPC but forClient's
// and resume's callers on the TenantObject (publishNow, resumePublish).
import type { Clock } from "../../src/clock";
import { isPlatformError, PlatformError } from "../../src/platforms/errors";
import { refreshAtPlatform } from "../../src/platforms/refresh";
import { isPending, type Platform, type PlatformAdapter } from "../../src/platforms/types";
import { type TenantIdentity, USAGE_FLUSH_DELAY_MS } from "../identity/tenant-identity";
import type { Timers } from "../storage/timers";
import type {
  Answer,
  DeferredAuth,
  FlowResult,
  PublishInput,
  PublishNowResult,
  RefreshOutcome,
} from "../tenant-object/contract";
import { faultPoint } from "../tenant-object/fault-points";
import type { AccountTokens, TokenStep } from "./account-tokens";
import { tenantMovingAnswer } from "./answers";
import { STALE_ATTEMPT_MS } from "./housekeeping";
import type { Publisher } from "./publisher";
import type { AttemptTarget, BeginStep, SendOutcome } from "./types";

export interface PublishFlowParts {
  identity: TenantIdentity;
  publisher: Publisher;
  tokens: AccountTokens;
  timers: Timers<"sweep-attempts" | "flush-usage">;
  /** Whether a move between shards fences the tenant's writes now. */
  fenced: () => boolean;
  adapterFor: (platform: Platform) => PlatformAdapter;
  clock: Clock;
}

export class PublishFlow {
  constructor(private readonly parts: PublishFlowParts) {}

  /** Steps 2 to 9 for a client's request: a refresh is handed back to the route. */
  async forClient(input: PublishInput, auth?: DeferredAuth): Promise<PublishNowResult> {
    let who: Pick<PublishNowResult, "keyAdmission" | "principal"> = {};
    if (auth) {
      const checked = await this.parts.identity.authorizeDeferred(auth, input.actor);
      if (checked.kind === "refused") return { kind: "done", answer: checked.answer, keyAdmission: checked.admission };
      who = { principal: checked.principal, keyAdmission: checked.admission ?? undefined };
      input = { ...input, actor: { ...input.actor, userId: checked.principal.userId } };
    }
    if (this.parts.fenced()) return { kind: "done", answer: tenantMovingAnswer(), ...who };
    const begun = await this.begin(input);
    if (begun.kind === "answer") return { kind: "done", answer: begun.answer, ...who };
    return { ...(await this.send(begun, begun.token, true)), ...who };
  }

  /** Step 6 coming back: the route refreshed the attempt's token; on to the send. */
  async resume(attemptId: string, leaseId: string, outcome: RefreshOutcome): Promise<FlowResult> {
    // The refresh is recorded first, whatever became of the attempt: others wait for it.
    const { publisher, tokens } = this.parts;
    const accountId = publisher.accountOf(attemptId);
    const token = accountId ? await tokens.complete(accountId, leaseId, outcome) : null;
    const attempt = await publisher.pendingSend(attemptId);
    if (!attempt) {
      const message = "the attempt is no longer pending";
      return {
        kind: "done",
        answer: await publisher.finishPublish(attemptId, { kind: "failed", error: "unavailable", message }),
      };
    }
    return this.send(attempt, token ?? { kind: "missing" }, true);
  }

  /** Steps 4 to 8 for a scheduled post on the alarm, refreshing here. */
  async forSchedule(input: PublishInput): Promise<Answer> {
    const begun = await this.begin(input);
    if (begun.kind === "answer") return begun.answer;
    const result = await this.send(begun, begun.token, false);
    if (result.kind !== "done") throw new Error("a refresh was handed over on a path that refreshes itself");
    return result.answer;
  }

  /** Step 4: admission, and the housekeeping that follows an attempt. */
  private async begin(input: PublishInput): Promise<BeginStep> {
    await faultPoint("publish.begin");
    const step = await this.parts.publisher.beginPublish(input);
    const { timers } = this.parts;
    if (step.kind === "send")
      await timers.scheduleAtMost("sweep-attempts", this.parts.clock() + STALE_ATTEMPT_MS + 1000);
    await timers.scheduleAtMost("flush-usage", this.parts.clock() + USAGE_FLUSH_DELAY_MS);
    return step;
  }

  /**
   * Steps 5 to 8: takes an admitted attempt from `token` to its answer. A refresh
   * lease is performed here (`handOver` false) or handed back to the route.
   */
  private async send(attempt: AttemptTarget, token: TokenStep, handOver: boolean): Promise<FlowResult> {
    const { tokens } = this.parts;
    const adapter = this.parts.adapterFor(attempt.platform);
    let step = token;
    // A refresh, then one more after a token the platform refuses: no more.
    for (let round = 0; round < 3; round++) {
      if (step.kind === "refresh") {
        if (handOver) return { kind: "refresh", attemptId: attempt.attemptId, lease: step.lease };
        const { accountId, leaseId } = step.lease;
        step = await tokens.complete(accountId, leaseId, await refreshAtPlatform(adapter, step.lease));
      }
      if (step.kind !== "token") return this.finish(attempt, { kind: "not_sent", token: step });
      try {
        await this.markCalling(attempt, true);
        const result = await adapter.publish(step.accessToken, attempt.platformUserId, attempt.post);
        if (isPending(result)) return this.finish(attempt, { kind: "processing", containerId: result.containerId });
        return this.finish(attempt, { kind: "published", result });
      } catch (error) {
        if (!isPlatformError(error)) throw error;
        if (error.kind === "auth" && round < 2) {
          // Refused for its token: nothing was published, so it may go again.
          await this.markCalling(attempt, false);
          step = await tokens.acquire(step.accountId, step.version);
          continue;
        }
        return this.finish(attempt, failed(error));
      }
    }
    return this.finish(attempt, failed(new PlatformError("auth", "the platform keeps refusing fresh tokens")));
  }

  /**
   * Step 7's mark: the platform call is being made (from then on its outcome may be
   * unknown), or was refused before anything happened (a 401: it may be made again).
   */
  private async markCalling(attempt: AttemptTarget, calling: boolean): Promise<void> {
    this.parts.publisher.markCalling(attempt.attemptId, calling);
    if (calling) await faultPoint("publish.send");
  }

  /** Step 8: the outcome recorded, the answer made. */
  private async finish(attempt: AttemptTarget, outcome: SendOutcome): Promise<FlowResult> {
    await faultPoint("publish.answered");
    const answer = await this.parts.publisher.finishPublish(attempt.attemptId, outcome);
    await faultPoint("publish.recorded");
    return { kind: "done", answer };
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
