// The object's own timed work, run at once inside it (objects/tenant-object/test-hooks.ts):
// not RPC methods of the TenantObject, so tests reach them with runInDurableObject.
import { runInDurableObject } from "cloudflare:test";
import type { FlushReport } from "../../objects/analytics/flush";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { flushAnalyticsNow, rebuildCampaignLedgerNow } from "../../objects/tenant-object/test-hooks";
import type { CampaignLedgerRebuild } from "../../src/core/analytics/campaign-types";
import { tenantObjectOf } from "./objects";

/** The tenant's object writes its changed counters to D1 now (the flush-analytics timer's work). */
export function flushAnalytics(tenantId: string): Promise<FlushReport> {
  return runInDurableObject(tenantObjectOf(tenantId), (instance: TenantObject) => flushAnalyticsNow(instance));
}

/** The tenant's object rebuilds its campaign ledger from D1 now (the daily repair). */
export function rebuildCampaignLedger(tenantId: string): Promise<CampaignLedgerRebuild> {
  return runInDurableObject(tenantObjectOf(tenantId), (instance: TenantObject) => rebuildCampaignLedgerNow(instance));
}
