// A publish, from the route to the platform and back, in one place: each step below is
// one call, to the module named beside it, in this order.
//
//  1. route        POST /v1/posts (src/router/routes/posts.ts) validates the body, makes a
//                  PublishInput with a fresh attempt id and calls publishNow on the
//                  tenant's object; after a reset of the object it calls again with
//                  the same attempt (`retry`), which admission recognises.
//  2. who          forClient: the credential the route left to this call is checked,
//                  its key charged and the permission checked (identity/tenant-identity.ts).
//  3. fence        a tenant moving between shards takes no write: 503, Retry-After
//                  (placement/tenant-move.ts).
//     wait         a post the tenant's approval rules hold back (an agent's, a key's
//                  whose posts wait, an editor's: src/core/auth/approvals.ts) is checked
//                  as step 4 checks it and stored, neither scheduled nor sent, answered
//                  202 pending_approval (approvals.ts). An approval takes it on from
//                  step 4 (forApproval), a refresh handed back to the route as here.
//  4. admit        the account, the post's configuration (post-configuration.ts: its
//                  platforms, call to action, hashtag cap, quality gates, best time),
//                  the platform's rules, the Idempotency-Key and a slot
//                  of the account's exact window, taken with no await between them; the
//                  attempt is opened (admission.ts, attempts.ts). A post for later takes
//                  no slot: the schedule stores it and it is answered 202 (scheduler.ts).
//  5. token        a token ready in memory (found by admission), or one, or a refresh
//                  lease, from account-tokens.ts: one refresh per account however many
//                  publishes need one.
//  6. refresh      a client's publish hands the lease back to the route, which calls
//                  the platform's token endpoint itself (src/core/platforms/refresh.ts) and
//                  comes back with resumePublish (resume, below): its request outlives a
//                  reset of the object (why: publishNow in ../tenant-object/contract.ts).
//                  A scheduled post refreshes here, on the alarm (forSchedule).
//  7. send         the attempt marked calling (from then on its outcome may be unknown
//                  and it is never sent again), then the platform's publish
//                  (platform-call.ts). A token the platform refuses (401) is swapped for
//                  a fresh one (back to step 5), twice at most: three calls at most in
//                  one turn of the object (a publish resumed after the route's refresh
//                  counts afresh).
//  8. record       the outcome written to the object's SQLite, the Idempotency-Key's
//                  replay kept, the outbox that takes the post to D1, counting and the
//                  first insight pull (record.ts, outcome.ts). An Instagram reel still
//                  processing is answered 202 and completed by the alarm
//                  (container-poller.ts); an outcome not learned is answered 202
//                  unknown and reconciled with the platform by the alarm (reconcile.ts).
//  9. answer       the outcome goes back to the route, which makes the HTTP answer
//                  (src/router/http/publish-answers.ts).
//
// Scheduled posts take steps 4 to 8 when they come due (scheduler.ts, fireDue). Nothing
// here is reachable over RPC but through forClient and resume (publishNow and
// resumePublish on the TenantObject).
import { type ApprovalReason, type Drafter, drafterOf } from "../../src/core/auth/approvals";
import { refreshAtPlatform } from "../../src/core/platforms/refresh";
import type { Platform, PlatformAdapter } from "../../src/core/platforms/types";
import type { TenantIdentity } from "../identity/tenant-identity";
import type {
  DeferredAuth,
  FlowResult,
  PublishInput,
  PublishNowResult,
  PublishOutcome,
  RefreshLease,
  RefreshOutcome,
} from "../tenant-object/contract";
import { faultPoint } from "../tenant-object/fault-points";
import type { AccountTokens, TokenStep } from "./account-tokens";
import type { Admission } from "./admission";
import type { Attempts } from "./attempts";
import { attemptTarget } from "./compose";
import { tenantMoving } from "./outcome";
import { callPlatform } from "./platform-call";
import type { PublishRecord } from "./record";
import type { Scheduler } from "./scheduler";
import type { AttemptTarget, SendOutcome } from "./types";

/** Step 7: a token the platform refuses is swapped for a fresh one this many times at most (per send). */
const TOKEN_SWAPS = 2;

export interface PublishFlowParts {
  identity: TenantIdentity;
  admission: Admission;
  scheduler: Scheduler;
  tokens: AccountTokens;
  attempts: Attempts;
  record: PublishRecord;
  /** Whether a move between shards fences the tenant's writes now. */
  fenced: () => boolean;
  /** Posts that wait for an approver (approvals.ts). */
  approvals: DraftGate;
  adapterFor: (platform: Platform) => PlatformAdapter;
}

/** The posts that wait for a person's approval, as a client's publish meets them (approvals.ts). */
export interface DraftGate {
  /** Why `drafter`'s post must wait, under the tenant's setting now; null: it goes on. */
  waits(drafter: Drafter): Promise<ApprovalReason | null>;
  /** Stores the post to wait (checked as admission checks it first): 202 pending_approval, or the refusal. */
  draft(input: PublishInput, drafter: Drafter, reason: ApprovalReason): Promise<PublishOutcome>;
}

/** Steps 4 and 5 done: an open attempt and its token step. */
type Ready = { kind: "ready"; target: AttemptTarget; token: TokenStep };

/** Steps 5 to 8 stopped at a refresh lease: step 6 is the caller's. `swaps`: step 7's so far. */
type NeedsRefresh = { kind: "needs_refresh"; lease: RefreshLease; swaps: number };

export class PublishFlow {
  constructor(private readonly parts: PublishFlowParts) {}

  /** Steps 2 to 9 for a client's request: a refresh is handed back to the route. */
  async forClient(input: PublishInput, auth?: DeferredAuth): Promise<PublishNowResult> {
    // 2. who
    let who: Pick<PublishNowResult, "keyAdmission" | "principal"> = {};
    if (auth) {
      const checked = await this.parts.identity.authorizeDeferred(auth, input.actor);
      if (checked.kind === "refused") {
        return { ...checked.refusal, keyAdmission: checked.admission, principal: checked.principal };
      }
      who = { principal: checked.principal, keyAdmission: checked.admission ?? undefined };
      input = { ...input, actor: { ...input.actor, userId: checked.principal.userId } };
    }
    // 3. fence
    if (this.parts.fenced()) return { ...tenantMoving(), ...who };
    // wait: who drafts it, as the object checked them (or as a caller that checked them says).
    const drafter = who.principal ? drafterOf(who.principal, input.via === "mcp") : (input.drafter ?? null);
    const reason = drafter ? await this.parts.approvals.waits(drafter) : null;
    if (drafter && reason) return { ...(await this.parts.approvals.draft(input, drafter, reason)), ...who };
    // 4 to 9
    return { ...(await this.fromAdmission(input)), ...who };
  }

  /**
   * Steps 4 to 9 for an approved post (approvals.ts): as for a client's publish, the
   * credential checked and the post waiting no more; a refresh is handed back to the route.
   */
  async forApproval(input: PublishInput): Promise<FlowResult> {
    if (this.parts.fenced()) return tenantMoving();
    return this.fromAdmission(input);
  }

  /** Steps 4 to 9 of a client's publish; step 6 is the route's. */
  private async fromAdmission(input: PublishInput): Promise<FlowResult> {
    // 4, 5
    const ready = await this.admit(input);
    if (ready.kind !== "ready") return ready;
    // 5 to 8; 6 is the route's
    const sent = await this.send(ready.target, ready.token, 0);
    if (sent.kind === "needs_refresh") return { kind: "refresh_needed", attemptId: input.attemptId, lease: sent.lease };
    // 9
    return sent;
  }

  /** Step 6 coming back: the route refreshed the attempt's token; on to steps 7 and 8. */
  async resume(attemptId: string, leaseId: string, refreshed: RefreshOutcome): Promise<FlowResult> {
    const { attempts, tokens } = this.parts;
    // The refresh is stored first, whatever became of the attempt: others wait for it.
    const accountId = attempts.accountOf(attemptId);
    const token: TokenStep = accountId ? await tokens.complete(accountId, leaseId, refreshed) : { kind: "missing" };
    const input = attempts.unsent(attemptId);
    const account = input ? await tokens.load(input.accountId) : null;
    if (!input || !account) {
      const message = "the attempt is no longer pending";
      return this.parts.record.finish(attemptId, { kind: "failed", error: "unavailable", message });
    }
    const sent = await this.send(attemptTarget(input, account), token, 0);
    // Refused again for its fresh token, and due another refresh: the route's again.
    return sent.kind === "needs_refresh" ? { kind: "refresh_needed", attemptId, lease: sent.lease } : sent;
  }

  /** Steps 4 to 8 for a scheduled post on the alarm, refreshing here (step 6). */
  async forSchedule(input: PublishInput): Promise<PublishOutcome> {
    const ready = await this.admit(input);
    if (ready.kind !== "ready") return ready;
    let sent = await this.send(ready.target, ready.token, 0);
    while (sent.kind === "needs_refresh") {
      const { lease, swaps } = sent;
      const adapter = this.parts.adapterFor(ready.target.platform);
      const token = await this.parts.tokens.complete(
        lease.accountId,
        lease.leaseId,
        await refreshAtPlatform(adapter, lease),
      );
      sent = await this.send(ready.target, token, swaps, true);
    }
    return sent;
  }

  /**
   * Step 4, admission (a post for later goes to the schedule here), and step 5 when
   * admission found no token ready: the open attempt and its token, or the outcome.
   */
  private async admit(input: PublishInput): Promise<Ready | PublishOutcome> {
    await faultPoint("publish.begin");
    const admitted = await this.parts.admission.admit(input);
    switch (admitted.kind) {
      case "answered":
        return admitted.outcome;
      case "interrupted":
        // Asked again after its platform call began (the object was reset meanwhile):
        // it may have gone out, so it is recorded as unknown and never sent twice.
        return this.parts.record.finish(input.attemptId, {
          kind: "failed",
          error: "timeout",
          message: "the publish was interrupted after it was sent",
        });
      case "later":
        return this.parts.scheduler.schedule(admitted.input, admitted.account, admitted.dueAtMs);
      case "admitted":
        return {
          kind: "ready",
          target: admitted.target,
          token: admitted.token ?? (await this.parts.tokens.acquire(input.accountId)),
        };
    }
  }

  /**
   * Steps 5 to 8 from `token`: the platform call and the record, with a fresh token
   * after a 401 (`swaps` of TOKEN_SWAPS made); stops at a refresh lease (step 6).
   * `refreshed`: `token` is what a refresh made here just gave, and one refresh per
   * try is all: another lease at once (a race for an expired one) is not sent.
   */
  private async send(
    target: AttemptTarget,
    token: TokenStep,
    swaps: number,
    refreshed = false,
  ): Promise<PublishOutcome | NeedsRefresh> {
    const adapter = this.parts.adapterFor(target.platform);
    let step = token;
    for (;;) {
      // 5. token
      if (step.kind === "refresh" && !refreshed) return { kind: "needs_refresh", lease: step.lease, swaps };
      if (step.kind !== "token") return this.record(target, { kind: "not_sent", token: step });
      // 7. send
      const called = await callPlatform(this.parts.attempts, adapter, target, step, swaps < TOKEN_SWAPS);
      // 8. record
      if (called.kind === "answered") return this.record(target, called.outcome);
      // Refused for its token: nothing was published, so it may go again with a fresh one.
      step = await this.parts.tokens.acquire(step.accountId, step.version);
      swaps += 1;
      refreshed = false;
    }
  }

  /** Step 8: the outcome recorded. */
  private async record(target: AttemptTarget, sent: SendOutcome): Promise<PublishOutcome> {
    await faultPoint("publish.answered");
    const outcome = await this.parts.record.finish(target.attemptId, sent);
    await faultPoint("publish.recorded");
    return outcome;
  }
}
