// The plan's posts a month (docs/billing.md, Tiers and quotas), enforced exactly. A post
// counts in the calendar month (UTC, the object's clock) in which admission let it in,
// to publish now or to the schedule: checked and counted in admission's synchronous
// step, with the Idempotency-Key and the window's slot (ARCHITECTURE.md, Admission), so
// no burst is admitted past the limit. Each post is counted once (counted_posts, object
// migration 18): a repeat after a reset, or a scheduled post firing, counts nothing.
//
// A post gives its place back, once, when it ends without going out: refused by the
// platform (422), refused before the call (nothing sent: no token, the platform
// unavailable, media refused), cancelled from the schedule, dropped with its account,
// or failed for good on the alarm. A post whose outcome is unknown (sent, no answer)
// keeps it: it may have gone out. A post in the schedule keeps its place through the
// alarm's retries and holds: only its end decides (scheduler.ts).

import { monthBefore, monthOf, nextMonthStartMs } from "../../src/core/billing/quotas";
import type { Clock } from "../../src/core/clock";
import type { MonthlyPosts, PublishRefusal } from "../tenant-object/contract";

/** The refusal of a post over the month's limit. */
export type PostsQuotaRefusal = Extract<PublishRefusal, { kind: "quota_exceeded" }>;

export class PostQuota {
  /** The month whose older bookkeeping was last pruned (by this instance). */
  private prunedFor: string | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly clock: Clock,
  ) {}

  /**
   * Whether `attemptId` may be admitted under `limit` at `nowMs`: null when it may (it
   * is counted already, or there is room), the refusal otherwise. Synchronous.
   */
  refusal(attemptId: string, limit: number, nowMs: number): PostsQuotaRefusal | null {
    if (this.isCounted(attemptId)) return null;
    const used = this.usedIn(monthOf(nowMs));
    if (used < limit) return null;
    const resetsAtMs = nextMonthStartMs(nowMs);
    return {
      kind: "quota_exceeded",
      detail: `The plan allows ${limit} posts a month and ${used} were published or scheduled this month; more can be from ${new Date(resetsAtMs).toISOString()}`,
      quota: "posts_per_month",
      limit,
      used,
      resetsAtMs,
      retryAfterSeconds: Math.max(1, Math.ceil((resetsAtMs - nowMs) / 1000)),
    };
  }

  /** Counts `attemptId` in the month of `nowMs`, unless it is counted already. Synchronous. */
  count(attemptId: string, nowMs: number): void {
    const month = monthOf(nowMs);
    this.prune(month);
    this.countIn(attemptId, month);
  }

  /** Counts `attemptId` again in `month`, where it was counted before (a give-back undone). */
  restore(attemptId: string, month: string | null): void {
    if (month !== null) this.countIn(attemptId, month);
  }

  private countIn(attemptId: string, month: string): void {
    const inserted = this.sql.exec(
      "INSERT INTO counted_posts (attempt_id, month) VALUES (?, ?) ON CONFLICT (attempt_id) DO NOTHING",
      attemptId,
      month,
    ).rowsWritten;
    if (inserted === 0) return;
    this.sql.exec(
      `INSERT INTO monthly_posts (month, used) VALUES (?, 1)
       ON CONFLICT (month) DO UPDATE SET used = used + 1`,
      month,
    );
  }

  /**
   * Gives back the place of `attemptId`, in the month it was counted in (once): that
   * month, or null when it was not counted (or its month is forgotten).
   */
  giveBack(attemptId: string): string | null {
    const given = this.sql
      .exec<{ month: string }>("DELETE FROM counted_posts WHERE attempt_id = ? RETURNING month", attemptId)
      .toArray()[0];
    if (!given) return null;
    this.sql.exec("UPDATE monthly_posts SET used = MAX(0, used - 1) WHERE month = ?", given.month);
    return given.month;
  }

  /**
   * Gives back the place of a publish that went nowhere, unless it is a post of the
   * schedule: one that fires and is not sent (no token yet, the platform unavailable,
   * or held) stays in the schedule, and keeps its place until it ends (scheduler.ts).
   */
  giveBackUnlessScheduled(attemptId: string): void {
    if (this.isScheduled(attemptId)) return;
    this.giveBack(attemptId);
  }

  /** Whether `attemptId` is a post in the schedule: counted when it was scheduled, never again. */
  isScheduled(attemptId: string): boolean {
    return this.sql.exec("SELECT 1 FROM scheduled_posts WHERE request_id = ?", attemptId).toArray().length > 0;
  }

  /** This month as GET /v1/tenant/usage shows it. */
  usage(limit: number): MonthlyPosts {
    const nowMs = this.clock();
    const month = monthOf(nowMs);
    return { month, limit, used: this.usedIn(month), resetsAtMs: nextMonthStartMs(nowMs) };
  }

  private isCounted(attemptId: string): boolean {
    return this.sql.exec("SELECT 1 FROM counted_posts WHERE attempt_id = ?", attemptId).toArray().length > 0;
  }

  private usedIn(month: string): number {
    return (
      this.sql.exec<{ used: number }>("SELECT used FROM monthly_posts WHERE month = ?", month).toArray()[0]?.used ?? 0
    );
  }

  /**
   * Forgets the months before the previous one (once per month per instance): a post
   * counted then and given back now changes nothing that is still counted.
   */
  private prune(month: string): void {
    if (this.prunedFor === month) return;
    const kept = monthBefore(month);
    this.sql.exec("DELETE FROM counted_posts WHERE month < ?", kept);
    this.sql.exec("DELETE FROM monthly_posts WHERE month < ?", kept);
    this.prunedFor = month;
  }
}
