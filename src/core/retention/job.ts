// The retention job (the daily cron, and POST /v1/admin/jobs/retention): on every
// shard, for every tenant the directory places there and the shard holds as resident,
// archive the audit rows past the tenant's period to its region's R2 bucket and delete
// them, and delete the other kinds of history past theirs (src/core/retention/policy.ts).
//
// - Bounded: every statement deletes at most `batchRows` rows, and the run stops at its
//   call budget (budget.ts), reporting `complete: false`.
// - Resumable without a cursor: what is due is read again at the start of each run,
//   and tenants are served most overdue first, so an interrupted run loses nothing and
//   no tenant waits behind the same others every day.
// - Isolated: a tenant whose shard refuses a statement (or whose archive cannot be
//   written) is reported and the job goes on with the next; a shard that cannot be
//   read is reported and the job goes on with the next shard.
// - Idempotent: a second run as of the same day finds nothing due and changes nothing.
import { scopeOn } from "../db/tenant-scope";
import { allShards } from "../placement/shards";
import { archiveBucket } from "./archive-bucket";
import { archiveExpiredAudit } from "./audit-archive";
import { type BudgetLimits, CallBudget, DEFAULT_BUDGET } from "./budget";
import { type DueTenant, scanShard } from "./due";
import { pruneExpired } from "./prune";

/** Rows one statement deletes at most. */
export const DEFAULT_BATCH_ROWS = 500;
/** Failures listed in the report (all are counted). */
const MAX_LISTED_FAILURES = 100;

export interface RetentionOptions {
  batchRows?: number;
  budget?: BudgetLimits;
}

export interface RetentionFailure {
  tenant_id: string | null;
  shard: string;
  step: "scan" | "audit_logs" | "prune";
  reason: string;
}

export interface RetentionReport {
  as_of: string;
  /** False: the run stopped at its budget; the next run carries on. */
  complete: boolean;
  tenants: { checked: number; due: number; done: number };
  archived: { days: number; rows: number };
  deleted: {
    audit_logs: number;
    rate_limits: number;
    analytics_sync_errors: number;
    generated_content: number;
    guard_results: number;
    revision_events: number;
    webhook_deliveries: number;
    webhook_events: number;
  };
  failed: number;
  failures: RetentionFailure[];
  calls: { d1: number; r2: number };
}

function emptyReport(asOf: string): RetentionReport {
  return {
    as_of: asOf,
    complete: true,
    tenants: { checked: 0, due: 0, done: 0 },
    archived: { days: 0, rows: 0 },
    deleted: {
      audit_logs: 0,
      rate_limits: 0,
      analytics_sync_errors: 0,
      generated_content: 0,
      guard_results: 0,
      revision_events: 0,
      webhook_deliveries: 0,
      webhook_events: 0,
    },
    failed: 0,
    failures: [],
    calls: { d1: 0, r2: 0 },
  };
}

function fail(report: RetentionReport, failure: RetentionFailure): void {
  report.failed += 1;
  if (report.failures.length < MAX_LISTED_FAILURES) report.failures.push(failure);
  console.error(
    `retention: ${failure.step} failed for ${failure.tenant_id ?? "shard"} on ${failure.shard}: ${failure.reason}`,
  );
}

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

/** Most overdue first: the oldest audit row due, then any tenant with other work. */
function mostOverdueFirst(a: DueTenant, b: DueTenant): number {
  const x = a.oldestAudit ?? "\uffff";
  const y = b.oldestAudit ?? "\uffff";
  return x === y ? a.tenantId.localeCompare(b.tenantId) : x < y ? -1 : 1;
}

/** One tenant's work; false when the budget stopped it. */
async function retainTenant(
  env: Env,
  due: DueTenant,
  report: RetentionReport,
  budget: CallBudget,
  batchRows: number,
): Promise<boolean> {
  const scope = scopeOn(env, { tenantId: due.tenantId, shard: due.shard });
  let finished = true;
  if (due.audit) {
    try {
      const bucket = archiveBucket(env, due.region);
      const audit = await archiveExpiredAudit({ scope, bucket, budget, batchRows }, due.horizons.audit);
      report.archived.days += audit.days;
      report.archived.rows += audit.rows;
      report.deleted.audit_logs += audit.deleted;
      if (audit.spent) return false;
    } catch (error) {
      fail(report, { tenant_id: due.tenantId, shard: due.shard, step: "audit_logs", reason: reasonOf(error) });
      finished = false;
    }
  }
  if (due.prune) {
    try {
      const pruned = await pruneExpired(scope, due.horizons, budget, batchRows);
      const { spent, ...tables } = pruned;
      for (const [table, n] of Object.entries(tables)) report.deleted[table as keyof typeof tables] += n;
      if (spent) return false;
    } catch (error) {
      fail(report, { tenant_id: due.tenantId, shard: due.shard, step: "prune", reason: reasonOf(error) });
      finished = false;
    }
  }
  if (finished) report.tenants.done += 1;
  return true;
}

/** Runs the job as of `asOf` (YYYY-MM-DD, UTC): rows dated before each horizon go. */
export async function runRetentionJob(
  env: Env,
  asOf: string,
  options: RetentionOptions = {},
): Promise<RetentionReport> {
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const budget = new CallBudget(options.budget ?? DEFAULT_BUDGET);
  const report = emptyReport(asOf);
  const due: DueTenant[] = [];
  for (const shard of allShards(env)) {
    try {
      const scan = await scanShard(env, shard, asOf, budget);
      report.tenants.checked += scan.checked;
      due.push(...scan.due);
      if (!scan.complete) report.complete = false;
    } catch (error) {
      fail(report, { tenant_id: null, shard: shard.name, step: "scan", reason: reasonOf(error) });
    }
  }
  report.tenants.due = due.length;
  for (const tenant of due.sort(mostOverdueFirst)) {
    if (!(await retainTenant(env, tenant, report, budget, batchRows))) {
      report.complete = false;
      break;
    }
  }
  report.calls = { d1: budget.spentD1, r2: budget.spentR2 };
  return report;
}
