// Scheduled posts: a client's post for later is stored here once admission took its
// Idempotency-Key (schedule: step 4 of publish-flow.ts, answered 202), kept in the
// object's schedule table, fired from the one alarm (timer "publish-due"), deferred
// when a window is full, retried with backoff when the platform is unavailable, and
// cancellable until they fire. A post leaves the schedule only once its publish has an
// outcome (see fireDue). A post that comes due while its tenant is stopped or its
// author removed is held instead (post-holds.ts): it stays in the table, never fires,
// and is released with a new time or cancelled. A post was counted in the plan's month
// when it was scheduled; one that leaves the schedule without going out (cancelled,
// dropped with its account, failed for good) gives its place back (post-quota.ts).
import { type Clock, isoNow } from "../../src/core/clock";
import type { AuditActor } from "../../src/core/db/audit-logs";
import { auditStatement, pendingAuditStatement } from "../../src/core/db/audit-logs";
import { isTriggerAbort } from "../../src/core/db/errors";
import { expectChanges, PRECONDITION_FAILED } from "../../src/core/db/preconditions";
import {
  getPublishRequest,
  type HoldReason,
  type PostView,
  type PublishRequestRow,
  releasePublishRequest,
  savePublishRequest,
  toPost,
} from "../../src/core/db/publish-requests";
import { tenantScope } from "../../src/core/db/tenant-scope";
import type { Timers } from "../storage/timers";
import type { CheckRefusal, PublishInput, PublishOutcome, Release, ReleaseOutcome } from "../tenant-object/contract";
import { faultPoint } from "../tenant-object/fault-points";
import type { WebhookEmitter } from "../webhooks/webhook-outbox";
import type { LoadedAccount } from "./account-tokens";
import { emitIfApprovalGoes } from "./approval-events";
import { requestRow } from "./compose";
import { releaseKey, storeOutcome } from "./idempotency";
import { configurationUse } from "./post-configuration";
import type { PostHolds } from "./post-holds";
import type { PostQuota } from "./post-quota";
import { PREFLIGHT_AHEAD_MS } from "./preflight";

const BATCH = 20;
const MAX_TRIES = 5;
const RETRY_BASE_MS = 60_000;

type ScheduledRow = {
  request_id: string;
  account_id: string;
  due_at_ms: number;
  input: string;
  tries: number;
  /** Held (migration 14): never fired until released. */
  held_reason: HoldReason | null;
  /** The hold's audit row, until D1 has the hold (post-holds.ts). */
  hold_audit: string | null;
  /** An owner or admin who released it over its author's removal, and answers for it. */
  vouched_by: string | null;
};

/** What the alarm's run does with a due post: publish it, or give up an attempt never sent (to hold it). */
export interface FireSteps {
  publish: (input: PublishInput) => Promise<PublishOutcome>;
  /** True when the post has no attempt left that may have reached the platform. */
  abandonUnsent: (attemptId: string) => Promise<boolean>;
  /** The pre-flight check at send time (preflight.ts): it records what it finds, and refuses nothing. */
  preflight?: (requestId: string, input: PublishInput) => Promise<void>;
}

/** How a due post's run ended: its publish's outcome, or an error before it had one. */
type Fired = PublishOutcome | { kind: "crashed" };

/** What a run's end means for the post's place in the schedule. */
type Next =
  /** It has its outcome (its record is the attempt's: record.ts). */
  | { kind: "done" }
  /** Tried again later: a full window waits for its slot; an unavailable platform backs off, counting tries. */
  | { kind: "again"; windowFull: boolean; retryAfterSeconds: number; detail: string }
  /** Failed for good, with this error. */
  | { kind: "failed"; detail: string };

/**
 * Settled by what a client would get 2xx or 422 for; a full window or an unavailable
 * platform (429, 503) tries again; anything else fails for good. (A due post carries no
 * Idempotency-Key: the key's outcomes are here for completeness.)
 */
function nextFor(fired: Fired): Next {
  switch (fired.kind) {
    case "published":
    case "accepted":
    case "replayed":
    case "platform_refused":
    case "key_mismatch":
      return { kind: "done" };
    case "window_full":
      return { kind: "again", windowFull: true, retryAfterSeconds: fired.retryAfterSeconds, detail: fired.detail };
    case "platform_unavailable":
    case "tenant_moving":
      return { kind: "again", windowFull: false, retryAfterSeconds: fired.retryAfterSeconds, detail: fired.detail };
    case "crashed":
      return { kind: "again", windowFull: false, retryAfterSeconds: 60, detail: "internal error" };
    default:
      return { kind: "failed", detail: fired.detail };
  }
}

export class Scheduler {
  /** Posts this instance is firing: not cancellable, and not fired twice at once. */
  private readonly firing = new Set<string>();
  /** Held posts this instance is releasing: not cancellable meanwhile. */
  private readonly releasing = new Set<string>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly timers: Timers<"publish-due" | "preflight">,
    private readonly holds: PostHolds,
    /** The plan's posts a month: a post that leaves the schedule without going out gives its place back. */
    private readonly quota: PostQuota,
    private readonly clock: Clock,
    /** post.scheduled, post.cancelled and post.failed leave with the change they report. */
    private readonly webhooks: WebhookEmitter,
  ) {}

  private async arm(): Promise<void> {
    const next = this.sql
      .exec<{ at: number | null }>("SELECT MIN(due_at_ms) AS at FROM scheduled_posts WHERE held_reason IS NULL")
      .one().at;
    if (next === null) await this.timers.cancel("publish-due");
    else await this.timers.scheduleAt("publish-due", next);
  }

  private put(row: ScheduledRow): void {
    this.sql.exec(
      `INSERT INTO scheduled_posts (request_id, account_id, due_at_ms, input, tries, held_reason, hold_audit, vouched_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      row.request_id,
      row.account_id,
      row.due_at_ms,
      row.input,
      row.tries,
      row.held_reason,
      row.hold_audit,
      row.vouched_by,
    );
  }

  /**
   * Publishes what is due, or holds it (post-holds.ts: the tenant stopped, its author
   * removed, read now). A post's row stays until its publish has an answer, so a run
   * cut short fires it again; the attempt it began (same id) then decides, as for a
   * router's retry: not yet sent goes out, sent (or maybe sent) is never sent again.
   * Such an attempt is not held either: only one that never reached the platform is.
   */
  async fireDue(steps: FireSteps): Promise<number> {
    const due = this.sql
      .exec<ScheduledRow>(
        "SELECT * FROM scheduled_posts WHERE held_reason IS NULL AND due_at_ms <= ? ORDER BY due_at_ms LIMIT ?",
        this.clock(),
        BATCH,
      )
      .toArray();
    // Unread (the directory or the shard failing): nothing is sent, the timer runs again.
    const holds = await this.holds.reasons(due);
    let fired = 0;
    for (const row of due) {
      if (this.firing.has(row.request_id)) continue;
      this.firing.add(row.request_id);
      try {
        await faultPoint("schedule.post");
        const reason = holds.get(row.request_id);
        if (reason && (await steps.abandonUnsent(row.request_id))) {
          this.holds.hold(row, reason);
          continue;
        }
        await steps.preflight?.(row.request_id, JSON.parse(row.input) as PublishInput);
        await this.fire(row, steps.publish);
        fired += 1;
      } finally {
        this.firing.delete(row.request_id);
      }
    }
    try {
      // D1 learns of the holds now; those it refuses are written on the timer's next run.
      await this.holds.record();
    } finally {
      await this.arm();
    }
    return fired;
  }

  /**
   * Stores a client's post for later (admission took its Idempotency-Key, no slot):
   * its D1 row and audit row first, then its place in the schedule and the alarm. The
   * outcome is 202 with the scheduled post, kept for the key's repeats.
   */
  async schedule(input: PublishInput, account: LoadedAccount, dueAtMs: number): Promise<PublishOutcome> {
    const scope = await tenantScope(this.env, this.tenantId);
    const now = isoNow(this.clock);
    const row = requestRow(this.tenantId, input, account.platform, now);
    try {
      await scope.db.batch([
        // The configuration's use counts once, when the post is scheduled (not again when it fires).
        ...configurationUse(scope, input, row),
        savePublishRequest(scope, row),
        auditStatement(
          scope.db,
          input.actor,
          {
            action: "post.schedule",
            resourceType: "post",
            resourceId: row.request_id,
            metadata: { account_id: row.account_id, scheduled_at: row.scheduled_at },
          },
          now,
        ),
      ]);
    } catch (error) {
      if (input.idempotencyKey) releaseKey(this.sql, input.idempotencyKey, input.attemptId);
      // Not scheduled: the place admission counted for it comes back (post-quota.ts),
      // unless a first call, cut short by a reset, did schedule it.
      this.quota.giveBackUnlessScheduled(input.attemptId);
      throw error;
    }
    this.sql.exec(
      "INSERT INTO scheduled_posts (request_id, account_id, due_at_ms, input, tries) VALUES (?, ?, ?, ?, 0)",
      input.attemptId,
      input.accountId,
      dueAtMs,
      JSON.stringify(input),
    );
    // An approved post's post.approved comes first (approval-events.ts), in this same step.
    emitIfApprovalGoes(this.sql, this.webhooks, row);
    this.webhooks.emitPost("post.scheduled", toPost(row));
    await this.timers.scheduleAtMost("publish-due", dueAtMs);
    // Its pre-flight check, 15 minutes before its time (at once when that is past).
    await this.timers.scheduleAtMost("preflight", Math.max(this.clock(), dueAtMs - PREFLIGHT_AHEAD_MS));
    const outcome = { kind: "accepted", post: toPost(row) } as const;
    if (input.idempotencyKey) storeOutcome(this.sql, input.idempotencyKey, input.attemptId, outcome);
    return outcome;
  }

  private async fire(row: ScheduledRow, publish: FireSteps["publish"]): Promise<void> {
    const scheduled = JSON.parse(row.input) as PublishInput;
    // The key's answer is the 202 already given; this run is the object's own.
    const input: PublishInput = {
      ...scheduled,
      idempotencyKey: null,
      scheduledAtMs: null,
      actor: { ...scheduled.actor, requestId: `schedule:${row.request_id}` },
      // An earlier run may have begun this attempt before it was cut short.
      retry: true,
    };
    let fired: Fired;
    try {
      fired = await publish(input);
    } catch (error) {
      console.error(`TenantObject ${this.tenantId}: scheduled post ${row.request_id} failed to run`, error);
      fired = { kind: "crashed" };
    }
    await this.afterFiring(row, scheduled, nextFor(fired));
  }

  /** Re-queues a transient failure with backoff, or records it as failed for good. */
  private async afterFiring(row: ScheduledRow, input: PublishInput, next: Next): Promise<void> {
    if (next.kind === "done") {
      this.sql.exec("DELETE FROM scheduled_posts WHERE request_id = ?", row.request_id);
      return;
    }
    const tries = next.kind === "again" && next.windowFull ? row.tries : row.tries + 1;
    if (next.kind === "again" && tries < MAX_TRIES) {
      this.sql.exec(
        "UPDATE scheduled_posts SET tries = ?, due_at_ms = ? WHERE request_id = ?",
        tries,
        this.clock() + Math.max(next.retryAfterSeconds * 1000, next.windowFull ? 1000 : RETRY_BASE_MS * 2 ** row.tries),
        row.request_id,
      );
      return;
    }
    const scope = await tenantScope(this.env, this.tenantId);
    const existing = await getPublishRequest(scope, row.request_id);
    if (!existing) {
      this.sql.exec("DELETE FROM scheduled_posts WHERE request_id = ?", row.request_id);
      this.quota.giveBack(row.request_id);
      return;
    }
    const now = isoNow(this.clock);
    const detail = next.detail;
    await scope.db.batch([
      savePublishRequest(scope, {
        ...existing,
        status: "failed",
        error_type: "schedule_failed",
        error_message: detail,
        updated_at: now,
      }),
      auditStatement(
        scope.db,
        input.actor,
        {
          action: "post.publish_failed",
          resourceType: "post",
          resourceId: row.request_id,
          success: false,
          errorMessage: detail,
        },
        now,
      ),
    ]);
    // Only once D1 says so: a run cut short before reports the failure again. Failed
    // for good, it never went out: its place in the plan's month comes back.
    this.sql.exec("DELETE FROM scheduled_posts WHERE request_id = ?", row.request_id);
    this.quota.giveBack(row.request_id);
    this.webhooks.emitPost(
      "post.failed",
      toPost({ ...existing, status: "failed", error_type: "schedule_failed", error_message: detail, updated_at: now }),
    );
  }

  /** Whether a publish attempt of this post was begun (by a run that may have been cut short). */
  private begun(requestId: string): boolean {
    return this.sql.exec("SELECT 1 FROM attempts WHERE attempt_id = ?", requestId).toArray().length > 0;
  }

  /**
   * Cancels a scheduled or held post. Null when it is not (or no longer) in the
   * schedule: once it is being sent, it can no longer be cancelled.
   */
  async cancel(requestId: string, actor: AuditActor): Promise<PostView | null> {
    if (this.firing.has(requestId) || this.releasing.has(requestId) || this.begun(requestId)) return null;
    const taken = this.sql
      .exec<ScheduledRow>("DELETE FROM scheduled_posts WHERE request_id = ? RETURNING *", requestId)
      .toArray()[0];
    if (!taken) return null;
    // Its place in the plan's month leaves with it (post-quota.ts), and comes back should D1 refuse.
    const given = this.quota.giveBack(requestId);
    const scope = await tenantScope(this.env, this.tenantId);
    try {
      const existing = await getPublishRequest(scope, requestId);
      if (!existing) throw new Error(`scheduled post ${requestId} has no publish_requests row`);
      const now = isoNow(this.clock);
      const cancelled = { ...existing, status: "cancelled" as const, held_reason: null, updated_at: now };
      const event = {
        action: "post.cancel",
        resourceType: "post",
        resourceId: requestId,
        ...(taken.held_reason ? { metadata: { held_reason: taken.held_reason } } : {}),
      };
      await scope.db.batch([
        savePublishRequest(scope, cancelled),
        // A hold D1 had not learnt yet keeps its audit row: it happened.
        ...(taken.hold_audit ? [pendingAuditStatement(scope.db, [JSON.parse(taken.hold_audit)])] : []),
        auditStatement(scope.db, actor, event, now),
      ]);
      this.webhooks.emitPost("post.cancelled", toPost(cancelled));
      await this.arm();
      return toPost(cancelled);
    } catch (error) {
      this.put(taken);
      this.quota.restore(requestId, given);
      throw error;
    }
  }

  /**
   * Releases a held post (POST /v1/posts/{id}/release): scheduled again at `dueAtMs`,
   * fired by the alarm as any scheduled post, the hold's checks made again then. Null
   * when the post is not held here. Refused while its tenant is stopped or who answers
   * for it is still removed (unless the releaser takes it over), or when `admissible`
   * (the scheduling path's own checks of the account and the post) refuses it.
   */
  async release(
    requestId: string,
    release: Release,
    admissible: (input: PublishInput) => Promise<CheckRefusal | null>,
  ): Promise<ReleaseOutcome | null> {
    const held = () =>
      this.sql
        .exec<ScheduledRow>("SELECT * FROM scheduled_posts WHERE request_id = ? AND held_reason IS NOT NULL", requestId)
        .toArray()[0];
    if (!held() || this.releasing.has(requestId)) return null;
    this.releasing.add(requestId);
    try {
      // D1 has the hold (and its audit row) before it has the release.
      await this.holds.record();
      const row = held();
      if (!row) return null;
      const refusal = await this.holds.releaseRefusal(row, release.overrideAuthorRemoved);
      if (refusal) return refusal;
      const input: PublishInput = { ...(JSON.parse(row.input) as PublishInput), scheduledAtMs: release.dueAtMs };
      const refused = await admissible(input);
      if (refused) return refused;
      const takenOver = release.overrideAuthorRemoved && row.held_reason === "author_removed";
      const { record, released } = await this.recordRelease(row, input, release, takenOver);
      if (!released) return { kind: "not_held", status: record.status };
      this.sql.exec(
        `UPDATE scheduled_posts SET held_reason = NULL, hold_audit = NULL, due_at_ms = ?, tries = 0, input = ?,
           vouched_by = ? WHERE request_id = ?`,
        release.dueAtMs,
        JSON.stringify(input),
        takenOver ? release.actor.userId : row.vouched_by,
        requestId,
      );
      this.webhooks.emitPost("post.scheduled", toPost(record));
      await this.arm();
      await this.timers.scheduleAtMost("preflight", Math.max(this.clock(), release.dueAtMs - PREFLIGHT_AHEAD_MS));
      return { kind: "released", post: toPost(record) };
    } finally {
      this.releasing.delete(requestId);
    }
  }

  /**
   * D1's side of a release: the post scheduled again, with its audit row, only if D1
   * still has it held. The post as D1 has it now, and whether it is released (by this
   * call, or by the same call before a reset of the object cut it short).
   */
  private async recordRelease(
    row: ScheduledRow,
    input: PublishInput,
    release: Release,
    takenOver: boolean,
  ): Promise<{ record: PublishRequestRow; released: boolean }> {
    const scope = await tenantScope(this.env, this.tenantId);
    const now = isoNow(this.clock);
    const scheduledAt = new Date(release.dueAtMs).toISOString();
    try {
      await scope.db.batch([
        releasePublishRequest(scope, row.request_id, scheduledAt, now),
        expectChanges(scope.db, 1),
        auditStatement(
          scope.db,
          release.actor,
          {
            action: "post.release",
            resourceType: "post",
            resourceId: row.request_id,
            metadata: {
              held_reason: row.held_reason,
              scheduled_at: scheduledAt,
              author_id: input.actor.userId,
              ...(takenOver ? { override_author_removed: true } : {}),
            },
          },
          now,
        ),
      ]);
    } catch (error) {
      // D1 no longer had it held: released by this very call before a reset, or changed since.
      if (!isTriggerAbort(error, PRECONDITION_FAILED)) throw error;
    }
    const record = await getPublishRequest(scope, row.request_id);
    if (!record) throw new Error(`held post ${row.request_id} has no publish_requests row`);
    return { record, released: record.status === "scheduled" && record.scheduled_at === scheduledAt };
  }

  /** Drops the schedule of an account that was disconnected. */
  async dropAccount(accountId: string): Promise<number> {
    const dropped = this.sql
      .exec<{ request_id: string }>("DELETE FROM scheduled_posts WHERE account_id = ? RETURNING request_id", accountId)
      .toArray();
    // None of them will go out: each gives its place in the plan's month back.
    for (const { request_id } of dropped) this.quota.giveBack(request_id);
    await this.arm();
    return dropped.length;
  }
}
