// The object's own timed work, run at once inside it (objects/tenant-object/test-hooks.ts):
// not RPC methods of the TenantObject, so tests reach them with runInDurableObject.
import { runInDurableObject } from "cloudflare:test";
import type { FlushReport } from "../../objects/analytics/flush";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { flushAnalyticsNow, rebuildCampaignLedgerNow, runTimerNow } from "../../objects/tenant-object/test-hooks";
import type { TenantTimer } from "../../objects/tenant-object/timer-names";
import type { CampaignLedgerRebuild } from "../../src/core/analytics/campaign-types";
import { objectRows } from "./object-time";
import { advanceObjectClock, tenantObjectOf } from "./objects";

/** The tenant's object writes its changed counters to D1 now (the flush-analytics timer's work). */
export function flushAnalytics(tenantId: string): Promise<FlushReport> {
  return runInDurableObject(tenantObjectOf(tenantId), (instance: TenantObject) => flushAnalyticsNow(instance));
}

/** The tenant's object rebuilds its campaign ledger from D1 now (the daily repair). */
export function rebuildCampaignLedger(tenantId: string): Promise<CampaignLedgerRebuild> {
  return runInDurableObject(tenantObjectOf(tenantId), (instance: TenantObject) => rebuildCampaignLedgerNow(instance));
}

/**
 * Runs a named timer's handler as its time comes: the object's clock moved to the
 * timer's due time (when it has one, and it is later), then the handler run inside the
 * object and awaited.
 */
export async function runTimerWhenDue(tenantId: string, name: TenantTimer): Promise<void> {
  const [timer] = await objectRows<{ due_at_ms: number }>(
    tenantId,
    "SELECT due_at_ms FROM timers WHERE name = ?",
    name,
  );
  if (timer) await advanceObjectClock(tenantId, timer.due_at_ms);
  await runInDurableObject(tenantObjectOf(tenantId), (instance: TenantObject) => runTimerNow(instance, name));
}
