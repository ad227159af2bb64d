// What every step of an erasure works with: the environment, the run's time (injected:
// the daily job's scheduled time, or the router's clock), what the run may still spend,
// and the one thing the core cannot do itself, erasing the tenant's TenantObject (the
// router reaches objects; the core imports neither: ARCHITECTURE.md, Three layers).
import type { ErasureCounts, Revocations } from "../db/tenant-erasures";
import type { Region } from "../db/tenants";

export interface ErasureDeps {
  /** Deletes the object's storage and alarm (its contract's eraseStorage). */
  eraseObject(placement: { tenantId: string; region: Region }): Promise<void>;
}

/**
 * Calls one run may make (D1 queries and batches, R2, vector index and platform calls):
 * well below a Worker invocation's 1,000 D1 queries and 10,000 subrequests, with room
 * for the rest of the daily cron. A step's unit of work is small (one batch of deletes,
 * one R2 page, a few grants), so a run stops within a unit of its allowance.
 */
export const DEFAULT_CALLS = 400;

export class CallAllowance {
  spent = 0;
  constructor(readonly limit: number) {}
  get left(): number {
    return this.limit - this.spent;
  }
  spend(calls = 1): void {
    this.spent += calls;
  }
}

export interface ErasureRun {
  env: Env;
  nowMs: number;
  deps: ErasureDeps;
  calls: CallAllowance;
}

/** One tenant's erasure as its steps see it; counts and revocations grow as they go. */
export interface Erasure {
  tenantId: string;
  erasureId: string;
  region: Region | null;
  /** The shard the directory placed it in when the erasure started. */
  shard: string | null;
  counts: ErasureCounts;
  revocations: Revocations;
  /** When the directory forgot the tenant (ms); null before the directory step. */
  directoryAtMs: number | null;
}

/** Adds `n` to counts[group][key]. */
export function count(erasure: Erasure, group: string, key: string, n: number): void {
  if (n === 0) return;
  const counts = erasure.counts[group] ?? {};
  counts[key] = (counts[key] ?? 0) + n;
  erasure.counts[group] = counts;
}

/** What one unit of a step did: the step finished, or where to go on, or not before a time. */
export type Unit = { done: true } | { done: false; cursor: unknown } | { waitUntilMs: number };
