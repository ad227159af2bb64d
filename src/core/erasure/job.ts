// The erasure job (the daily cron): tenants deleted before erasure existed get their
// grace; the tenants whose 30-day grace is over start their erasure; then the erasures
// under way go on from their checkpoints (steps.ts), the longest running first, until
// the run's call allowance is spent.
//
// - Bounded: a run makes about DEFAULT_CALLS calls at most (context.ts), and starts at
//   most MAX_STARTS erasures.
// - Resumable: every erasure resumes from its checkpoint in the global database; a run
//   that stopped reports `complete: false` and the next one goes on.
// - Isolated: an erasure that fails is recorded (its row's last_error, the report) and
//   the job goes on with the next; it is retried from its checkpoint next time.
// - Idempotent: a second run as of the same time finds nothing new to start and goes
//   on where the first stopped.
// The time is the run's (the cron's scheduled time, or a test's), never the machine's.
import {
  adoptDeletedTenants,
  type ErasureStep,
  erasuresUnderWay,
  gracesOver,
  recordFailure,
  startErasureAfterGrace,
} from "../db/tenant-erasures";
import { CallAllowance, DEFAULT_CALLS, type ErasureDeps } from "./context";
import { continueErasure } from "./steps";

/** Erasures one run starts at most (each then takes its turn with the others under way). */
export const MAX_STARTS = 50;
/** Deleted tenants given their grace per run. */
export const MAX_ADOPTED = 100;

/**
 * Rows the run's scans of the global database may read (bench:scale and
 * test/db/bounded-reads.test.ts hold them to it): every deleted tenant the directory
 * still has, its index entry and its erasure's key (adoptDeletedTenants: the tenants in
 * their grace, or erasing short of the directory step); a grace given, its insert; each
 * grace over (gracesOver, at most MAX_STARTS) and each erasure under way
 * (erasuresUnderWay); and 100. The erasures' own steps are counted in calls, not here.
 */
export function ERASURE_SCAN_READS(facts: {
  deletedInDirectory: number;
  adopted: number;
  gracesOver: number;
  underWay: number;
}): number {
  const graces = Math.min(facts.gracesOver, MAX_STARTS);
  return 2 * facts.deletedInDirectory + 6 * facts.adopted + 2 * graces + 2 * facts.underWay + 100;
}

/** Failures listed in the report (all are counted). */
const MAX_LISTED_FAILURES = 50;

export interface ErasureJobOptions {
  /** Calls the run may make (default DEFAULT_CALLS). */
  calls?: number;
}

export interface ErasureJobReport {
  as_of: string;
  /** False: the allowance ran out, or an erasure failed or waits; the next run goes on. */
  complete: boolean;
  graces_given: number;
  started: number;
  erased: number;
  /** Erasures whose object waits for cached placements to expire (minutes). */
  waiting: number;
  failed: number;
  /** By erasure id (never the tenant's), the step that failed and why. */
  failures: { erasure_id: string; step: ErasureStep | null; reason: string }[];
  calls: number;
}

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

export async function runErasureJob(
  env: Env,
  nowMs: number,
  deps: ErasureDeps,
  options: ErasureJobOptions = {},
): Promise<ErasureJobReport> {
  const db = env.DB;
  const calls = new CallAllowance(options.calls ?? DEFAULT_CALLS);
  const asOf = new Date(nowMs).toISOString();
  const report: ErasureJobReport = {
    as_of: asOf,
    complete: true,
    graces_given: 0,
    started: 0,
    erased: 0,
    waiting: 0,
    failed: 0,
    failures: [],
    calls: 0,
  };
  calls.spend(2);
  report.graces_given = await adoptDeletedTenants(db, nowMs, MAX_ADOPTED);
  const due = await gracesOver(db, asOf, MAX_STARTS);
  for (const tenantId of due) {
    calls.spend();
    const [started] = await db.batch([startErasureAfterGrace(db, tenantId, nowMs)]);
    report.started += started?.meta.changes ?? 0;
  }
  calls.spend();
  for (const row of await erasuresUnderWay(db, MAX_STARTS * 2)) {
    if (calls.left <= 0) {
      report.complete = false;
      break;
    }
    try {
      const outcome = await continueErasure({ env, nowMs, deps, calls }, row);
      if (outcome.kind === "erased") report.erased += 1;
      else {
        report.complete = false;
        if (outcome.kind === "waiting") report.waiting += 1;
      }
    } catch (error) {
      report.complete = false;
      report.failed += 1;
      const reason = reasonOf(error);
      const current = await db
        .prepare("SELECT step FROM tenant_erasures WHERE tenant_id = ?")
        .bind(row.tenant_id)
        .first<{ step: ErasureStep | null }>()
        .catch(() => null);
      if (report.failures.length < MAX_LISTED_FAILURES) {
        report.failures.push({ erasure_id: row.erasure_id, step: current?.step ?? row.step, reason });
      }
      await db.batch([recordFailure(db, row.tenant_id, reason)]).catch(() => undefined);
      console.error(`erasure ${row.erasure_id} stopped at ${current?.step ?? row.step}: ${reason}`);
    }
  }
  report.calls = calls.spent;
  return report;
}
