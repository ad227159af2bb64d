// The TenantObject as the benchmarks' entry binds it (bench/worker/index.ts exports it
// under the production class's name): the production class plus the one hook the
// bench routes call over RPC, which the production class does not have
// (ARCHITECTURE.md, One contract; objects/tenant-object/test-hooks.ts).
import type { FlushReport } from "../../objects/analytics/flush";
import { TenantObject } from "../../objects/tenant-object/tenant-object";
import { flushAnalyticsNow } from "../../objects/tenant-object/test-hooks";

export class BenchTenantObject extends TenantObject {
  /** Writes changed counters to D1 now (POST /bench/analytics/flush). */
  async flushAnalytics(): Promise<FlushReport> {
    return flushAnalyticsNow(this);
  }
}

/** What the bench routes call on it over RPC, beside the contract. */
export type BenchObjectMethods = Pick<BenchTenantObject, "flushAnalytics">;
