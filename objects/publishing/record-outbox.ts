// The publish outbox. A finished attempt is answered as soon as this object's SQLite
// has its outcome (state 'recording' in attempts, durable before the answer leaves);
// its D1 rows follow in batches: at once when a batch is full, otherwise within
// RECORD_DELAY_MS. A batch is one D1 round trip of one statement per table, so a
// busy tenant pays a fraction of a round trip per post instead of a whole one.
// Readers that need every answered post in D1 call flush() first (a read barrier).
// ARCHITECTURE.md, Idempotent flushes: a record leaves the outbox only after D1 has it, and the statements are
// upserts, so a batch repeated after an eviction writes nothing twice.
import type { Clock } from "../../src/core/clock";
import { MAX_JSON_BYTES, MAX_JSON_ROWS } from "../../src/core/db/json-rows";
import { type FinishedPost, postRecordStatements } from "../../src/core/db/post-records";
import type { PublishRequestRow } from "../../src/core/db/publish-requests";
import { tenantScope } from "../../src/core/db/tenant-scope";
import type { Timers } from "../storage/timers";
import type { PublishInput } from "../tenant-object/contract";
import { faultPoint } from "../tenant-object/fault-points";
import { emitRecordEvent } from "../webhooks/post-events";
import type { WebhookEmitter } from "../webhooks/webhook-outbox";
import { emitIfApprovalGoes } from "./approval-events";

/**
 * How long an answered post may wait for its D1 batch: as long as the analytics
 * flush waits. API reads never see the wait (they pass the barrier); it is only how
 * stale D1 may be for readers of the global tables.
 */
export const RECORD_DELAY_MS = 5_000;
/** A batch goes at once when this many posts wait. */
export const RECORD_BATCH = 50;
/** After D1 refused a batch, when to try again. */
export const RECORD_RETRY_MS = 30_000;

type OutboxRow = {
  attempt_id: string;
  input: string;
  row: string;
};

/** The first rows whose records fit one statement's JSON (always at least one). */
function fitting(rows: OutboxRow[]): OutboxRow[] {
  let bytes = 0;
  const taken: OutboxRow[] = [];
  for (const row of rows) {
    bytes += row.row.length;
    if (taken.length > 0 && bytes > MAX_JSON_BYTES) break;
    taken.push(row);
  }
  return taken;
}

export class RecordOutbox {
  /** Rows waiting, counted once from SQLite and then kept in step. */
  private waiting: number | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly timers: Timers<"record-pending">,
    private readonly clock: Clock,
    private readonly webhooks: WebhookEmitter,
  ) {}

  private count(): number {
    this.waiting ??= this.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM attempts WHERE state = 'recording'")
      .one().n;
    return this.waiting;
  }

  /**
   * Puts a finished attempt's record in the outbox. The record is the attempt's outcome
   * too (outcome.ts, recordedOutcome); `answer`, an HTTP answer an earlier version kept
   * beside it, is cleared.
   */
  async add(attemptId: string, record: PublishRequestRow): Promise<void> {
    const waiting = this.count();
    this.sql.exec(
      "UPDATE attempts SET state = 'recording', answer = NULL, row = ?, updated_at_ms = ? WHERE attempt_id = ?",
      JSON.stringify(record),
      this.clock(),
      attemptId,
    );
    // The post's webhook event (published, failed, unknown), in the same step as its record:
    // one event per recorded state, whatever becomes of the object afterwards. An approved
    // post's post.approved comes first (approval-events.ts).
    emitIfApprovalGoes(this.sql, this.webhooks, record);
    emitRecordEvent(this.webhooks, record);
    this.waiting = waiting + 1;
    if (this.waiting >= RECORD_BATCH && !this.running) {
      this.flush().catch((error) => console.error(`TenantObject ${this.tenantId}: record batch failed`, error));
    } else {
      await this.timers.scheduleAtMost("record-pending", this.clock() + RECORD_DELAY_MS);
    }
  }

  /**
   * Writes every record waiting now to D1. A caller arriving during a batch waits for
   * it and then runs its own, so whatever was answered before the call is in D1 when
   * it resolves. Rejects (after trying the rest) when D1 refused a record.
   */
  async flush(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    if (this.count() === 0) return;
    this.running = this.drain();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows = this.sql
        .exec<OutboxRow>(
          "SELECT attempt_id, input, row FROM attempts WHERE state = 'recording' ORDER BY updated_at_ms LIMIT ?",
          MAX_JSON_ROWS,
        )
        .toArray();
      if (rows.length === 0) return;
      const batch = fitting(rows);
      const refused = await this.write(batch);
      if (refused > 0) {
        await this.timers.scheduleAtMost("record-pending", this.clock() + RECORD_RETRY_MS);
        throw new Error(`D1 refused ${refused} post record(s); they stay in the outbox`);
      }
      if (rows.length < MAX_JSON_ROWS && batch.length === rows.length) return;
    }
  }

  /** Writes `rows` as one batch, or one by one when the batch fails; returns how many D1 refused. */
  private async write(rows: OutboxRow[]): Promise<number> {
    const scope = await tenantScope(this.env, this.tenantId);
    const posts = (list: OutboxRow[]): FinishedPost[] =>
      list.map((row) => {
        const input = JSON.parse(row.input) as PublishInput;
        return {
          record: JSON.parse(row.row) as PublishRequestRow,
          actor: input.actor,
          configurationId: input.configured ? (input.configurationId ?? null) : null,
        };
      });
    try {
      await faultPoint("outbox.write");
      await scope.db.batch(postRecordStatements(scope, posts(rows)));
      await faultPoint("outbox.written");
      this.done(rows);
      return 0;
    } catch (error) {
      if (rows.length === 1) {
        console.error(`TenantObject ${this.tenantId}: recording ${rows[0]?.attempt_id} failed`, error);
        return 1;
      }
    }
    // One bad record must not hold back the others.
    let refused = 0;
    for (const row of rows) refused += await this.write([row]);
    return refused;
  }

  private done(rows: OutboxRow[]): void {
    this.sql.exec(
      // The record stays: the attempt's outcome is rebuilt from it (outcome.ts, recordedOutcome).
      "UPDATE attempts SET state = 'done', updated_at_ms = ? WHERE attempt_id IN (SELECT value FROM json_each(?))",
      this.clock(),
      JSON.stringify(rows.map((row) => row.attempt_id)),
    );
    this.waiting = Math.max(0, this.count() - rows.length);
  }
}
