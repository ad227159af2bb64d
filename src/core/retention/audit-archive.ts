// Archive, then delete, a tenant's audit rows from before its horizon: oldest first,
// a day at a time. A day's rows are merged into the day's R2 object (a row that
// reached D1 late joins the rows archived before it), the object is written
// compare-and-set and read back with head(), and only then are the rows that object
// holds deleted, by id, at most `batchRows` per statement, in a batch fenced by the
// tenant's residency. Whatever stops it (the budget, an error, a concurrent writer),
// every audit row is either still in D1 or in a stored object, and the next run
// carries on from the oldest row left.
import type { AuditLogRow } from "../db/audit-logs";
import { chunk } from "../db/chunk";
import type { TenantScope } from "../db/tenant-scope";
import { ARCHIVED_FIELDS, isStored, readDay, writeDay } from "./audit-day-object";
import type { CallBudget } from "./budget";

/** Rows read from D1 per round (one query). */
const ROWS_PER_READ = 1000;

export interface AuditArchiveResult {
  days: number;
  rows: number;
  deleted: number;
  /** Days left for the next run because another writer changed the object meanwhile. */
  conflicts: number;
  /** Stopped at the run's budget with rows left. */
  spent: boolean;
}

interface Context {
  scope: TenantScope;
  bucket: R2Bucket;
  budget: CallBudget;
  batchRows: number;
}

function sameRow(a: AuditLogRow, b: AuditLogRow): boolean {
  return ARCHIVED_FIELDS.every((field) => (a[field] ?? null) === (b[field] ?? null));
}

async function expiredRows(ctx: Context, horizon: string): Promise<AuditLogRow[]> {
  const { scope } = ctx;
  // A bare "YYYY-MM-DD" horizon orders below every timestamp of that day, whether it
  // is ISO ("…T…") or SQLite's CURRENT_TIMESTAMP form ("… …").
  const { results } = await ctx.budget.d1(() =>
    scope.db
      .prepare(
        `SELECT ${ARCHIVED_FIELDS.join(", ")} FROM audit_logs
         WHERE tenant_id = ?1 AND timestamp < ?2 ORDER BY timestamp, log_id LIMIT ?3`,
      )
      .bind(scope.tenantId, horizon, ROWS_PER_READ)
      .all<AuditLogRow>(),
  );
  return results;
}

function byDay(rows: AuditLogRow[]): Map<string, AuditLogRow[]> {
  const days = new Map<string, AuditLogRow[]>();
  for (const row of rows) {
    const day = row.timestamp.slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), row]);
  }
  return days;
}

/** Archives one day's `rows`; true when they are safely stored (and may be deleted). */
async function archiveDay(ctx: Context, day: string, rows: AuditLogRow[]): Promise<boolean> {
  const { scope, bucket, budget } = ctx;
  const existing = await budget.r2(() => readDay(bucket, scope.tenantId, day));
  const archived = new Map((existing?.rows ?? []).map((row) => [row.log_id, row]));
  // Written before and read back intact just now (its checksum matched): nothing to write.
  if (
    existing &&
    rows.every((row) => archived.has(row.log_id) && sameRow(archived.get(row.log_id) as AuditLogRow, row))
  ) {
    return true;
  }
  for (const row of rows) archived.set(row.log_id, row);
  const written = await budget.r2(() =>
    writeDay(bucket, scope.tenantId, day, [...archived.values()], existing?.etag ?? null),
  );
  if (!written) return false;
  return budget.r2(() => isStored(bucket, scope.tenantId, day, written));
}

async function deleteArchived(ctx: Context, rows: AuditLogRow[]): Promise<number> {
  const { scope } = ctx;
  const statements = chunk(
    rows.map((row) => row.log_id),
    ctx.batchRows,
  ).map((ids) =>
    scope.db
      // By primary key: `+` keeps SQLite from walking the tenant's index instead.
      .prepare("DELETE FROM audit_logs WHERE log_id IN (SELECT value FROM json_each(?2)) AND +tenant_id = ?1")
      .bind(scope.tenantId, JSON.stringify(ids)),
  );
  const results = await ctx.budget.d1(() => scope.db.batch(statements));
  return results.reduce((sum, result) => sum + (result.meta.changes ?? 0), 0);
}

export async function archiveExpiredAudit(ctx: Context, horizon: string): Promise<AuditArchiveResult> {
  const result: AuditArchiveResult = { days: 0, rows: 0, deleted: 0, conflicts: 0, spent: false };
  for (;;) {
    if (!ctx.budget.affords(1)) return { ...result, spent: true };
    const rows = await expiredRows(ctx, horizon);
    for (const [day, dayRows] of byDay(rows)) {
      // A day costs a read, a write and a head in R2, and one D1 batch.
      if (!ctx.budget.affords(1, 3)) return { ...result, spent: true };
      if (!(await archiveDay(ctx, day, dayRows))) {
        // Someone else rewrote the day meanwhile: leave it (and what follows) to the next run.
        result.conflicts += 1;
        return result;
      }
      result.days += 1;
      result.rows += dayRows.length;
      result.deleted += await deleteArchived(ctx, dayRows);
    }
    if (rows.length < ROWS_PER_READ) return result;
  }
}
