// The posts a TenantObject is reconciling with their platform (table reconciliations,
// object migration 26; the run is reconcile.ts): a post whose outcome was not learned
// is watched from the moment its record says "unknown", checked on the timer
// "reconcile-outcomes" RECONCILE_MAX_TRIES times at most, 30 seconds after the send and
// then twice as long each time (30 s, 1, 2, 4 and 8 minutes: the last about 15 minutes
// after the send). What each check found goes to the post's record (its
// `reconciliation`, src/core/db/post-checks.ts), so the API shows it as it stands.
import type { ReconciliationView } from "../../src/core/db/post-checks";
import type { PublishRequestRow } from "../../src/core/db/publish-requests";
import type { Platform } from "../../src/core/platforms/types";
import type { Timers } from "../storage/timers";

/** Checks made before a reconciliation gives up. */
export const RECONCILE_MAX_TRIES = 5;
/** The first check this long after the outcome was lost; each next one twice as long after the last. */
export const RECONCILE_FIRST_MS = 30_000;
/** A settled reconciliation is kept this long (a later unknown of its attempt reads `resent`). */
const KEEP_SETTLED_MS = 7 * 24 * 3_600_000;

export function reconcileDelayMs(triesDone: number): number {
  return RECONCILE_FIRST_MS * 2 ** triesDone;
}

export type ReconcileRow = {
  attempt_id: string;
  account_id: string;
  platform: Platform;
  sent_at_ms: number;
  tries: number;
  /** Null once settled. */
  next_at_ms: number | null;
  resent: 0 | 1;
  updated_at_ms: number;
};

/** The record's outcome was not learned (outcome.ts): a reconciliation's to settle. */
export function isUnknownOutcome(record: PublishRequestRow): boolean {
  return record.status === "unknown" && record.error_type === "outcome_unknown";
}

/**
 * Starts watching an attempt whose outcome was lost, or watches it again (its processed
 * media's publish lost its answer too): tries start over, `resent` is kept, so a post
 * sent twice is never sent a third time.
 */
export function startReconciling(
  sql: SqlStorage,
  entry: { attemptId: string; accountId: string; platform: Platform; sentAtMs: number },
  nowMs: number,
): ReconcileRow {
  return sql
    .exec<ReconcileRow>(
      `INSERT INTO reconciliations (attempt_id, account_id, platform, sent_at_ms, tries, next_at_ms, resent, updated_at_ms)
       VALUES (?, ?, ?, ?, 0, ?, 0, ?)
       ON CONFLICT(attempt_id) DO UPDATE SET tries = 0, next_at_ms = excluded.next_at_ms,
         updated_at_ms = excluded.updated_at_ms
       RETURNING *`,
      entry.attemptId,
      entry.accountId,
      entry.platform,
      entry.sentAtMs,
      nowMs + reconcileDelayMs(0),
      nowMs,
    )
    .one();
}

export function dueReconciliations(sql: SqlStorage, nowMs: number, limit = 20): ReconcileRow[] {
  return sql
    .exec<ReconcileRow>(
      "SELECT * FROM reconciliations WHERE next_at_ms IS NOT NULL AND next_at_ms <= ? ORDER BY next_at_ms LIMIT ?",
      nowMs,
      limit,
    )
    .toArray();
}

export function setReconciliation(
  sql: SqlStorage,
  attemptId: string,
  changes: Partial<Pick<ReconcileRow, "tries" | "next_at_ms" | "resent">>,
  nowMs: number,
): void {
  const columns = Object.keys(changes) as (keyof typeof changes)[];
  sql.exec(
    `UPDATE reconciliations SET ${columns.map((column) => `${column} = ?`).join(", ")}, updated_at_ms = ?
     WHERE attempt_id = ?`,
    ...columns.map((column) => changes[column] ?? null),
    nowMs,
    attemptId,
  );
}

/** Arms the timer for the next check due; none when nothing is watched. Old settled rows go. */
export async function armReconciliations(
  sql: SqlStorage,
  timers: Timers<"reconcile-outcomes">,
  nowMs: number,
): Promise<void> {
  sql.exec("DELETE FROM reconciliations WHERE next_at_ms IS NULL AND updated_at_ms <= ?", nowMs - KEEP_SETTLED_MS);
  const next = sql.exec<{ at: number | null }>("SELECT MIN(next_at_ms) AS at FROM reconciliations").one().at;
  if (next !== null) await timers.scheduleAtMost("reconcile-outcomes", next);
}

/** The record's `reconciliation` while checks go on. */
export function checkingView(row: ReconcileRow, lastCheckedAtMs: number | null, note: string): ReconciliationView {
  return {
    state: "checking",
    resolution: null,
    tries: row.tries,
    max_tries: RECONCILE_MAX_TRIES,
    last_checked_at: lastCheckedAtMs === null ? null : new Date(lastCheckedAtMs).toISOString(),
    next_check_at: row.next_at_ms === null ? null : new Date(row.next_at_ms).toISOString(),
    note,
  };
}

/**
 * The record of a send whose outcome was lost, watched from now on: its
 * `reconciliation` says when the platform is first asked. Any other record is left as
 * it is. The timer is armed for the check.
 */
export async function watchedRecord(
  sql: SqlStorage,
  timers: Timers<"reconcile-outcomes">,
  record: PublishRequestRow,
  sentAtMs: number,
  nowMs: number,
): Promise<PublishRequestRow> {
  if (!isUnknownOutcome(record)) return record;
  const row = startReconciling(
    sql,
    { attemptId: record.request_id, accountId: record.account_id, platform: record.platform, sentAtMs },
    nowMs,
  );
  await timers.scheduleAtMost("reconcile-outcomes", row.next_at_ms ?? nowMs);
  const note = `the outcome was not learned (${record.error_message ?? "no answer"}); ${record.platform} is asked whether the post exists before anything is sent again`;
  return { ...record, reconciliation: JSON.stringify(checkingView(row, null, note)) };
}
