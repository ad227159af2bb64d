// Scheduled posts: kept in the object's schedule table, fired from the one alarm
// (timer "publish-due"), deferred when a window is full, retried with backoff when
// the platform is unavailable, and cancellable until they fire. A post leaves the
// schedule only once its publish has an answer (see fireDue).
import type { AuditActor } from "../../src/db/audit-logs";
import { auditStatement } from "../../src/db/audit-logs";
import { getPublishRequest, savePublishRequest, toPost } from "../../src/db/publish-requests";
import { tenantScope } from "../../src/db/tenant-scope";
import type { Timers } from "../storage/timers";
import type { Answer, PublishInput } from "../tenant-object/contract";
import { faultPoint } from "../tenant-object/fault-points";

const BATCH = 20;
const MAX_TRIES = 5;
const RETRY_BASE_MS = 60_000;

type ScheduledRow = {
  request_id: string;
  account_id: string;
  due_at_ms: number;
  input: string;
  tries: number;
};

export class Scheduler {
  /** Posts this instance is firing: not cancellable, and not fired twice at once. */
  private readonly firing = new Set<string>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly timers: Timers<"publish-due">,
  ) {}

  private async arm(): Promise<void> {
    const next = this.sql.exec<{ at: number | null }>("SELECT MIN(due_at_ms) AS at FROM scheduled_posts").one().at;
    if (next === null) await this.timers.cancel("publish-due");
    else await this.timers.scheduleAt("publish-due", next);
  }

  private put(row: ScheduledRow): void {
    this.sql.exec(
      "INSERT INTO scheduled_posts (request_id, account_id, due_at_ms, input, tries) VALUES (?, ?, ?, ?, ?)",
      row.request_id,
      row.account_id,
      row.due_at_ms,
      row.input,
      row.tries,
    );
  }

  /**
   * Publishes what is due. A post's row stays until its publish has an answer, so a
   * run cut short fires it again; the attempt it began (same id) then decides, as for
   * a router's retry: not yet sent goes out, sent (or maybe sent) is never sent again.
   */
  async fireDue(publish: (input: PublishInput) => Promise<Answer>): Promise<number> {
    const due = this.sql
      .exec<ScheduledRow>(
        "SELECT * FROM scheduled_posts WHERE due_at_ms <= ? ORDER BY due_at_ms LIMIT ?",
        Date.now(),
        BATCH,
      )
      .toArray();
    let fired = 0;
    for (const row of due) {
      if (this.firing.has(row.request_id)) continue;
      this.firing.add(row.request_id);
      try {
        await faultPoint("schedule.post");
        await this.fire(row, publish);
        fired += 1;
      } finally {
        this.firing.delete(row.request_id);
      }
    }
    await this.arm();
    return fired;
  }

  private async fire(row: ScheduledRow, publish: (input: PublishInput) => Promise<Answer>): Promise<void> {
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
    let answer: Answer;
    try {
      answer = await publish(input);
    } catch (error) {
      console.error(`TenantObject ${this.tenantId}: scheduled post ${row.request_id} failed to run`, error);
      answer = { status: 503, body: { detail: "internal error" }, headers: { "Retry-After": "60" } };
    }
    await this.afterFiring(row, scheduled, answer);
  }

  /** Re-queues a transient failure with backoff, or records it as failed for good. */
  private async afterFiring(row: ScheduledRow, input: PublishInput, answer: Answer): Promise<void> {
    if (answer.status < 400 || answer.status === 422) {
      // Answered for good: its record is the attempt's (see Publisher.finishPublish).
      this.sql.exec("DELETE FROM scheduled_posts WHERE request_id = ?", row.request_id);
      return;
    }
    const retryAfter = Number(answer.headers?.["Retry-After"] ?? 0) * 1000;
    const windowFull = answer.status === 429;
    const tries = windowFull ? row.tries : row.tries + 1;
    if ((answer.status === 429 || answer.status === 503) && tries < MAX_TRIES) {
      this.sql.exec(
        "UPDATE scheduled_posts SET tries = ?, due_at_ms = ? WHERE request_id = ?",
        tries,
        Date.now() + Math.max(retryAfter, windowFull ? 1000 : RETRY_BASE_MS * 2 ** row.tries),
        row.request_id,
      );
      return;
    }
    const scope = await tenantScope(this.env, this.tenantId);
    const existing = await getPublishRequest(scope, row.request_id);
    if (!existing) {
      this.sql.exec("DELETE FROM scheduled_posts WHERE request_id = ?", row.request_id);
      return;
    }
    const now = new Date().toISOString();
    const detail = (answer.body as { detail?: string } | null)?.detail ?? `status ${answer.status}`;
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
    // Only once D1 says so: a run cut short before reports the failure again.
    this.sql.exec("DELETE FROM scheduled_posts WHERE request_id = ?", row.request_id);
  }

  /** Whether a publish attempt of this post was begun (by a run that may have been cut short). */
  private begun(requestId: string): boolean {
    return this.sql.exec("SELECT 1 FROM attempts WHERE attempt_id = ?", requestId).toArray().length > 0;
  }

  /**
   * Cancels a scheduled post. Null when it is not (or no longer) in the schedule:
   * once it is being sent, it can no longer be cancelled.
   */
  async cancel(requestId: string, actor: AuditActor): Promise<Answer | null> {
    if (this.firing.has(requestId) || this.begun(requestId)) return null;
    const taken = this.sql
      .exec<ScheduledRow>("DELETE FROM scheduled_posts WHERE request_id = ? RETURNING *", requestId)
      .toArray()[0];
    if (!taken) return null;
    const scope = await tenantScope(this.env, this.tenantId);
    try {
      const existing = await getPublishRequest(scope, requestId);
      if (!existing) throw new Error(`scheduled post ${requestId} has no publish_requests row`);
      const now = new Date().toISOString();
      const cancelled = { ...existing, status: "cancelled" as const, updated_at: now };
      await scope.db.batch([
        savePublishRequest(scope, cancelled),
        auditStatement(scope.db, actor, { action: "post.cancel", resourceType: "post", resourceId: requestId }, now),
      ]);
      await this.arm();
      return { status: 200, body: toPost(cancelled) };
    } catch (error) {
      this.put(taken);
      throw error;
    }
  }

  /** Drops the schedule of an account that was disconnected. */
  async dropAccount(accountId: string): Promise<number> {
    const dropped = this.sql.exec("DELETE FROM scheduled_posts WHERE account_id = ?", accountId).rowsWritten;
    await this.arm();
    return dropped;
  }
}
