// The parts a TenantObject is made of, made once in its constructor, and the few
// operations that both a public method and a timer perform. Held in a private field
// of the object: nothing here is reachable over RPC.

import type { CampaignLedgerRebuild, CampaignRoiPage, CampaignRoiQuery } from "../../src/core/analytics/campaign-types";
import type { Clock } from "../../src/core/clock";
import { tenantScope } from "../../src/core/db/tenant-scope";
import type { Platform, PlatformAdapter } from "../../src/core/platforms/types";
import { AGEING_POSTS } from "../analytics/campaign-ledger";
import { builtAtMs, REBUILD_EVERY_MS, rebuildCampaignLedger } from "../analytics/campaign-rebuild";
import type { TrackedPost } from "../analytics/counters-store";
import type { FlushReport } from "../analytics/flush";
import type { TenantAnalytics } from "../analytics/tenant-analytics";
import type { AuditOutbox } from "../identity/audit-outbox";
import type { TenantIdentity } from "../identity/tenant-identity";
import type { TenantMove } from "../placement/tenant-move";
import type { ArchiveErasure } from "../privacy/archive-erasure";
import type { TenantExport } from "../privacy/tenant-export";
import type { AccountTokens } from "../publishing/account-tokens";
import type { Admission } from "../publishing/admission";
import type { PostQuota } from "../publishing/post-quota";
import type { Preflight } from "../publishing/preflight";
import type { PublishFlow } from "../publishing/publish-flow";
import type { PublishRecord } from "../publishing/record";
import type { Scheduler } from "../publishing/scheduler";
import type { TenantRecordCache } from "../publishing/tenant-record";
import type { Timers } from "../storage/timers";
import type { WebhookOutbox } from "../webhooks/webhook-outbox";
import type { TenantTimer } from "./timer-names";

/** How soon changed counters are written to D1. */
export const ANALYTICS_FLUSH_DELAY_MS = 5_000;
/** A fresh post's first insight pull comes sooner: its first minutes are the ones people watch. */
const FIRST_INSIGHTS_DELAY_MS = 15_000;
/** The campaign ledger's timer, first set by a campaign post or a report. */
const CAMPAIGN_AGEING_MS = 3_600_000;
/** The ledger's timer runs when AGEING_POSTS posts will have left a window, unless sooner than this. */
const AGEING_MIN_GAP_MS = 600_000;

export interface TenantParts {
  tenantId: string;
  env: Env;
  /** The object's clock (objects/storage/object-clock.ts): every part reads time from it. */
  clock: Clock;
  /** The object's storage (for a synchronous transaction), and its SQLite. */
  storage: DurableObjectStorage;
  sql: SqlStorage;
  timers: Timers<TenantTimer>;
  tenant: TenantRecordCache;
  identity: TenantIdentity;
  auditOutbox: AuditOutbox;
  tokens: AccountTokens;
  /** A publish's admission (step 4 of publish-flow.ts); a released held post is checked by it too. */
  admission: Admission;
  /** A publish's record (step 8), its outbox to D1, and the completion of processing posts. */
  record: PublishRecord;
  /** The plan's posts a month (objects/publishing/post-quota.ts). */
  postQuota: PostQuota;
  /** The steps of a publish in order (objects/publishing/publish-flow.ts). */
  publishing: PublishFlow;
  scheduler: Scheduler;
  /** The pre-flight check of scheduled posts (objects/publishing/preflight.ts). */
  preflight: Preflight;
  analytics: TenantAnalytics;
  move: TenantMove;
  /** The tenant's exports (objects/privacy/tenant-export.ts). */
  exports: TenantExport;
  /** Erased people out of the tenant's archived audit days (objects/privacy/archive-erasure.ts). */
  archiveErasure: ArchiveErasure;
  adapterFor: (platform: Platform) => PlatformAdapter;
  /** Outgoing webhooks: the events the parts emit, and their way to the queue (objects/webhooks/). */
  webhooks: WebhookOutbox;
}

/**
 * Returns once D1 has every post this object has answered for. A record D1 refuses
 * is logged and left for the outbox's retry; the caller goes on without it.
 */
export async function settleRecords(parts: Pick<TenantParts, "record" | "tenantId">): Promise<void> {
  await parts.record.outbox.flush().catch((error) => console.error(`TenantObject ${parts.tenantId}:`, error));
}

/** Writes changed counters to D1 (after the posts they reference). */
export async function flushAnalytics(
  parts: Pick<TenantParts, "record" | "tenantId" | "analytics">,
): Promise<FlushReport> {
  await settleRecords(parts);
  return parts.analytics.flush();
}

/** A published post starts being counted, and its platform's insights pulled. */
export function startCounting(parts: TenantParts, post: TrackedPost): void {
  parts.analytics.store.track(post);
  void parts.timers.scheduleAtMost("sync-insights", parts.clock() + FIRST_INSIGHTS_DELAY_MS);
  if (post.campaignId) {
    const nowMs = parts.clock();
    parts.analytics.campaigns.publish({ ...post, campaignId: post.campaignId }, nowMs);
    void parts.timers.scheduleAtMost("campaign-ledger", nowMs + CAMPAIGN_AGEING_MS);
  }
}

/** The parts the campaign ledger is rebuilt from. */
type LedgerParts = Pick<TenantParts, "storage" | "analytics" | "env" | "tenantId" | "clock">;

/** Rebuilds the campaign ledger from D1 (objects/analytics/campaign-rebuild.ts). */
export function rebuildCampaigns(parts: LedgerParts): Promise<CampaignLedgerRebuild> {
  return rebuildCampaignLedger({
    storage: parts.storage,
    ledger: parts.analytics.campaigns,
    scope: () => tenantScope(parts.env, parts.tenantId),
    clock: parts.clock,
  });
}

/** ROI by campaign from the ledger, built from D1 first if it never was. */
export async function campaignRoi(parts: TenantParts, query: CampaignRoiQuery): Promise<CampaignRoiPage> {
  if (builtAtMs(parts.sql) === null) await rebuildCampaigns(parts);
  const page = parts.analytics.campaigns.report(query, parts.clock());
  // The ledger's timer takes over from here (it sets its own pace when it runs).
  if (page.rows.length > 0) await parts.timers.scheduleAtMost("campaign-ledger", parts.clock() + CAMPAIGN_AGEING_MS);
  return page;
}

/**
 * The ledger's timer: the windows move on, and the ledger is rebuilt from D1 daily
 * (its repair). It runs again when about AGEING_POSTS more posts will have left a
 * window, so a report never has many to age, and by the next rebuild at the latest.
 */
export async function keepCampaignLedger(parts: LedgerParts & Pick<TenantParts, "sql" | "timers">): Promise<void> {
  const ledger = parts.analytics.campaigns;
  let built = builtAtMs(parts.sql);
  if (built === null || parts.clock() - built >= REBUILD_EVERY_MS) built = (await rebuildCampaigns(parts)).builtAtMs;
  else ledger.age(parts.clock());
  const nowMs = parts.clock();
  ledger.forgetCredited(nowMs);
  const next = ledger.nextAgeingMs(AGEING_POSTS);
  // Nothing kept: the next campaign post published sets the timer again.
  if (next === null) return;
  const rebuildAt = built + REBUILD_EVERY_MS;
  await parts.timers.scheduleAtMost("campaign-ledger", Math.max(nowMs + AGEING_MIN_GAP_MS, Math.min(next, rebuildAt)));
}

/** Pulls insights for recent posts now; how many figures came back. */
export async function syncInsights(
  parts: Pick<TenantParts, "record" | "tenantId" | "analytics" | "tokens" | "adapterFor" | "timers" | "clock">,
): Promise<number> {
  // Sync errors reference the post's D1 row.
  await settleRecords(parts);
  const { tokens } = parts;
  const pulled = await parts.analytics.syncInsights(tokens, parts.adapterFor, (accountId, leaseId, outcome) =>
    tokens.complete(accountId, leaseId, outcome),
  );
  // Pulled figures reach D1 the way ingested ones do.
  if (pulled > 0) await parts.timers.scheduleAtMost("flush-analytics", parts.clock() + ANALYTICS_FLUSH_DELAY_MS);
  return pulled;
}
