// What one run of the retention job may spend. A Worker invocation may make at most
// 1,000 D1 queries (Workers Paid; a batch is one) and 10,000 subrequests in all, and
// the cron's invocation also runs the placement repair and the skill job. The job
// counts its calls, stops before the next step it cannot afford, and reports that it
// did not finish; the next run carries on from what is still due (nothing is kept
// between runs: what is due is read again), most overdue first.

export interface BudgetLimits {
  /** D1 calls (a query or a batch). */
  d1: number;
  /** R2 calls (get, put, head, list). */
  r2: number;
}

/** Enough below the platform's limits to leave room for the rest of the daily job. */
export const DEFAULT_BUDGET: BudgetLimits = { d1: 600, r2: 3000 };

export class CallBudget {
  spentD1 = 0;
  spentR2 = 0;

  constructor(readonly limits: BudgetLimits) {}

  /** True when `d1` more D1 calls and `r2` more R2 calls fit. */
  affords(d1: number, r2 = 0): boolean {
    return this.spentD1 + d1 <= this.limits.d1 && this.spentR2 + r2 <= this.limits.r2;
  }

  d1<T>(call: () => Promise<T>): Promise<T> {
    this.spentD1 += 1;
    return call();
  }

  r2<T>(call: () => Promise<T>): Promise<T> {
    this.spentR2 += 1;
    return call();
  }
}

/**
 * Rows read the job may spend, per tenant and per step (D1 bills rows, not calls): the
 * probe, 16 rows for each tenant of a directory page (each kind's question is one seek
 * that stops at its first row: the trail, four platforms' counters, sync errors,
 * candidates, the oldest audit row, the residency); a prune round, 5 rows for each row
 * it deletes (D1 counts the subquery's list of keys, the key's index entry and the row,
 * and the foreign keys a deleted candidate's children check); an archive round, the rows
 * it reads. Each with 100 more for the statements themselves. A run is at most
 * DEFAULT_BUDGET's D1 calls of these. Held without the planner's statistics too
 * (test/db/bounded-reads.test.ts, bench:scale).
 */
export const RETENTION_READS = {
  probe: (tenants: number) => 16 * tenants + 100,
  prune: (deleted: number) => 5 * deleted + 100,
  archiveRound: (rows: number) => rows + 100,
};
