// Step 4 of a publish (publish-flow.ts): admission. The account can publish, the post
// keeps its platform's rules, the Idempotency-Key is claimed and a slot of the
// account's exact window reserved, and the attempt opened: the key, the slot and the
// attempt are taken with no await between them (ARCHITECTURE.md, Admission), so no
// burst is admitted past a limit. The plan's posts a month are counted in the same
// step (post-quota.ts). A post for later takes its key and its place in the month's
// quota but no slot: the schedule has it next (scheduler.ts). A repeated call
// (`retry`) finds its attempt first, and is never admitted twice. The post's
// configuration is applied first (post-configuration.ts): what goes on is the input
// as it made it.
import type { Clock } from "../../src/core/clock";
import { platformReach } from "../../src/core/platforms/mode";
import type { Platform } from "../../src/core/platforms/types";
import { USAGE_FLUSH_DELAY_MS } from "../identity/tenant-identity";
import type { SlidingLog } from "../storage/sliding-log";
import type { Timers } from "../storage/timers";
import type { CheckRefusal, PublishInput, PublishOutcome } from "../tenant-object/contract";
import type { AccountTokens, LoadedAccount, TokenStep } from "./account-tokens";
import type { Attempts } from "./attempts";
import { attemptTarget } from "./compose";
import { STALE_ATTEMPT_MS } from "./housekeeping";
import { claimKey, releaseKey } from "./idempotency";
import { accountUnavailable, KEY_IN_PROGRESS, KEY_MISMATCH, NO_ACCOUNT, notConfigured, windowFull } from "./outcome";
import { type Configured, PostConfigurations } from "./post-configuration";
import type { PostQuota } from "./post-quota";
import { reserveSlot, windowFor } from "./rate-windows";
import type { TenantRecordCache } from "./tenant-record";
import type { AttemptTarget } from "./types";

export type Admitted =
  /** Answered here: refused, replayed, or a repeat of a finished attempt. */
  | { kind: "answered"; outcome: PublishOutcome }
  /** A repeat whose platform call began before a reset: it is recorded as unknown, never sent again. */
  | { kind: "interrupted" }
  /** A post for later (as its configuration made it): its key is claimed; the schedule takes it. */
  | { kind: "later"; input: PublishInput; account: LoadedAccount; dueAtMs: number }
  /** Admitted: the attempt is open, with its token when one was ready (null: the token step gets one). */
  | { kind: "admitted"; target: AttemptTarget; token: Extract<TokenStep, { kind: "token" }> | null };

export class Admission {
  private readonly configurations: PostConfigurations;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    tenantId: string,
    private readonly tokens: AccountTokens,
    private readonly tenant: TenantRecordCache,
    private readonly attempts: Attempts,
    /** The accounts' windows (rate_hits), shared with the record, which gives slots back. */
    private readonly log: SlidingLog,
    /** The plan's posts a month, shared with the record and the schedule, which give places back. */
    private readonly quota: PostQuota,
    private readonly timers: Timers<"sweep-attempts" | "flush-usage">,
    private readonly clock: Clock,
  ) {
    this.configurations = new PostConfigurations(env, tenantId, clock, tenant);
  }

  /** Admits a publish, or says why not; then the housekeeping that follows an attempt. */
  async admit(input: PublishInput): Promise<Admitted> {
    const admitted = await this.decide(input);
    // An attempt whose caller vanishes is swept (housekeeping.ts); counted usage reaches D1.
    if (admitted.kind === "admitted")
      await this.timers.scheduleAtMost("sweep-attempts", this.clock() + STALE_ATTEMPT_MS + 1000);
    await this.timers.scheduleAtMost("flush-usage", this.clock() + USAGE_FLUSH_DELAY_MS);
    return admitted;
  }

  private async decide(input: PublishInput): Promise<Admitted> {
    // Only a repeated call (the router retrying after a reset, or the alarm firing a
    // scheduled post again) can find its attempt.
    const earlier = input.retry ? this.attempts.earlier(input.attemptId) : { kind: "none" as const };
    const account = await this.tokens.load(input.accountId);
    if (!account) return { kind: "answered", outcome: NO_ACCOUNT };
    if (earlier.kind === "unsent") {
      // The attempt as admitted, its configuration applied (the router's repeat carries the client's draft).
      const admitted = this.attempts.unsent(input.attemptId) ?? input;
      return { kind: "admitted", target: attemptTarget(admitted, account), token: null };
    }
    if (earlier.kind === "called") return { kind: "interrupted" };
    if (earlier.kind === "finished") return { kind: "answered", outcome: earlier.outcome };
    const checked = await this.checked(input, account);
    if (checked.kind === "refused") return { kind: "answered", outcome: checked.refusal };
    input = checked.input;
    const { windows, quotas } = await this.tenant.get();
    const nowMs = this.clock();
    // From here to the end there is no await: the key, the month's quota, the slot and
    // the attempt are taken together, before any other request can interleave.
    if (input.idempotencyKey) {
      const claim = claimKey(this.sql, input.idempotencyKey, input.attemptId, input.requestHash, nowMs);
      if (claim.kind === "replay") return { kind: "answered", outcome: { kind: "replayed", first: claim.first } };
      if (claim.kind === "in_progress") return { kind: "answered", outcome: KEY_IN_PROGRESS };
      if (claim.kind === "mismatch") return { kind: "answered", outcome: KEY_MISMATCH };
    }
    // The plan's posts this month (post-quota.ts): a post of the schedule firing was
    // counted when it was scheduled; any other is counted here, once it is let in.
    const counting = !this.quota.isScheduled(input.attemptId);
    const overQuota = counting ? this.quota.refusal(input.attemptId, quotas.posts_per_month, nowMs) : null;
    if (overQuota) {
      if (input.idempotencyKey) releaseKey(this.sql, input.idempotencyKey, input.attemptId);
      return { kind: "answered", outcome: overQuota };
    }
    if (input.scheduledAtMs !== null) {
      if (counting) this.quota.count(input.attemptId, nowMs);
      return { kind: "later", input, account, dueAtMs: input.scheduledAtMs };
    }
    const spec = windowFor(account.platform, windows[account.platform]);
    const slot = reserveSlot(this.sql, this.log, account, spec, input.attemptId, nowMs);
    if (!slot.allowed) {
      if (input.idempotencyKey) releaseKey(this.sql, input.idempotencyKey, input.attemptId);
      return { kind: "answered", outcome: windowFull(slot.window, slot.limit, slot.resetAtMs, nowMs) };
    }
    if (counting) this.quota.count(input.attemptId, nowMs);
    const token = this.tokens.ready(account);
    this.attempts.open(input, account.platform, token ? "calling" : "sending", nowMs);
    return { kind: "admitted", target: attemptTarget(input, account), token };
  }

  /**
   * Whether `input` may be scheduled as it stands (a held post released): the checks
   * admission makes first, against the account and the rules of today. The refusal, or null.
   */
  async check(input: PublishInput): Promise<CheckRefusal | null> {
    const account = await this.tokens.load(input.accountId);
    if (!account) return NO_ACCOUNT;
    const checked = await this.checked(input, account);
    return checked.kind === "refused" ? checked.refusal : null;
  }

  /**
   * The input as its configuration makes it, and its account's platform, or the refusal
   * of the same checks (a post drafted to wait for approval, edited or approved:
   * approvals.ts). Takes no key, slot or place in the month.
   */
  async configure(
    input: PublishInput,
  ): Promise<
    { kind: "configured"; input: PublishInput; platform: Platform } | { kind: "refused"; refusal: CheckRefusal }
  > {
    const account = await this.tokens.load(input.accountId);
    if (!account) return { kind: "refused", refusal: NO_ACCOUNT };
    const checked = await this.checked(input, account);
    return checked.kind === "refused" ? checked : { ...checked, platform: account.platform };
  }

  /**
   * Admission's first checks, before any key or slot is taken: the account can
   * publish, and the post keeps its platform's rules and its configuration's. The
   * refusal, or the input as its configuration made it.
   */
  private async checked(input: PublishInput, account: LoadedAccount): Promise<Configured> {
    if (account.status !== "active") {
      return {
        kind: "refused",
        refusal: accountUnavailable(input.accountId, `The account is ${account.status}; reconnect it`),
      };
    }
    // Fail closed: a live platform without credentials is refused here, before
    // admission, for a client's publish and a scheduled one alike (never the sandbox).
    if (platformReach(this.env, account.platform).kind === "not_configured") {
      return { kind: "refused", refusal: notConfigured(account.platform) };
    }
    return this.configurations.apply(input, account.platform);
  }
}
