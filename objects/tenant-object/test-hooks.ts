// Work the object does on its own timers, run at once for tests and benchmarks. Not
// methods of the TenantObject, so no RPC caller can reach them (ARCHITECTURE.md, One
// contract): a test runs them inside the object with runInDurableObject
// (test/support/object-hooks.ts), and the benchmarks' entry binds a subclass that adds
// the one the bench routes call (bench/worker/bench-tenant-object.ts). Nothing in src/
// or worker/ imports this module.
import type { CampaignLedgerRebuild } from "../../src/core/analytics/campaign-types";
import type { FlushReport } from "../analytics/flush";
import { partsOf } from "./instance-parts";
import { flushAnalytics, rebuildCampaigns } from "./parts";
import type { TenantObject } from "./tenant-object";
import type { TenantTimer } from "./timer-names";
import { tenantTimers } from "./timers";

/** Writes changed counters to D1 now, as the flush-analytics timer does (after the posts they reference). */
export function flushAnalyticsNow(instance: TenantObject): Promise<FlushReport> {
  return flushAnalytics(partsOf(instance));
}

/** Pages of at most `rows` rows for an export still running (tests write many pages with few rows). */
export function setExportPageRows(instance: TenantObject, exportId: string, rows: number): void {
  partsOf(instance).exports.setPageRows(exportId, rows);
}

/**
 * Runs one timer's handler now, as the alarm does when the timer is due, and returns
 * when it has finished (the runtime's own alarm may run beside a test's otherwise). Its
 * row goes first, as a due timer's does once run; the handler schedules the next.
 */
export async function runTimerNow(instance: TenantObject, name: TenantTimer): Promise<unknown> {
  const parts = partsOf(instance);
  await parts.timers.cancel(name);
  return tenantTimers()[name].run(parts);
}

/** Rebuilds the campaign ledger from D1 now, as the campaign-ledger timer does daily (its repair). */
export function rebuildCampaignLedgerNow(instance: TenantObject): Promise<CampaignLedgerRebuild> {
  return rebuildCampaigns(partsOf(instance));
}
