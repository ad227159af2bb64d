// Deletes a tenant's operational history past its periods: rate-limit counters,
// resolved analytics sync errors, and content candidates nobody selected or published
// (with their guard results and revision events). One round is one D1 batch, fenced
// by the tenant's residency (so a tenant being moved loses nothing mid-copy); each of
// its statements deletes at most `batchRows` rows. Rounds repeat while a statement
// filled its limit and the budget allows; whatever is left waits for the next run.
import type { TenantScope } from "../db/tenant-scope";
import { PLATFORMS } from "../platforms/types";
import type { CallBudget } from "./budget";

export interface PruneHorizons {
  rateLimits: string;
  syncErrors: string;
  content: string;
  /** The outgoing webhooks' events and delivery log (docs/webhooks.md). */
  webhooks: string;
}

export interface PruneResult {
  rate_limits: number;
  analytics_sync_errors: number;
  guard_results: number;
  revision_events: number;
  generated_content: number;
  webhook_deliveries: number;
  webhook_events: number;
  spent: boolean;
}

const TABLES = [
  "rate_limits",
  "analytics_sync_errors",
  "guard_results",
  "revision_events",
  "generated_content",
  "webhook_deliveries",
  "webhook_events",
] as const;

/**
 * A content candidate past its period (alias c; ?1 tenant, ?2 horizon): never
 * selected, and named by no published post and no publish request (scheduled,
 * failed or cancelled ones included: their history shows what was asked for). The
 * same condition guards every statement of the round, so content selected or
 * published meanwhile keeps its guard results and revisions. Its first terms are those
 * of idx_generated_content_unselected (migration 0018), which holds only candidates
 * never selected: the selected ones, kept for good, are never read.
 */
const CANDIDATE = `c.tenant_id = ?1 AND c.created_at < ?2 AND COALESCE(c.user_selected, 0) = 0
  AND NOT EXISTS (SELECT 1 FROM published_posts p WHERE p.content_id = c.content_id AND p.tenant_id = c.tenant_id)
  AND NOT EXISTS (SELECT 1 FROM publish_requests r WHERE r.content_id = c.content_id AND r.tenant_id = c.tenant_id)`;

function statements(scope: TenantScope, horizons: PruneHorizons, limit: number): D1PreparedStatement[] {
  const { db, tenantId } = scope;
  return [
    // Naming every platform lets the key (tenant_id, platform, window_start) seek each
    // platform's old windows instead of reading all the tenant's.
    db
      .prepare(
        `DELETE FROM rate_limits WHERE rowid IN
           (SELECT rowid FROM rate_limits
            WHERE tenant_id = ?1 AND platform IN (SELECT value FROM json_each(?4)) AND window_start < ?2 LIMIT ?3)`,
      )
      .bind(tenantId, horizons.rateLimits, limit, JSON.stringify(PLATFORMS)),
    // Sync errors carry their tenant (migration 0018): the tenant's resolved errors by
    // when they were resolved (idx_analytics_errors_tenant_resolved).
    db
      .prepare(
        `DELETE FROM analytics_sync_errors WHERE error_id IN
           (SELECT error_id FROM analytics_sync_errors
            WHERE tenant_id = ?1 AND resolved_at IS NOT NULL AND resolved_at < ?2 LIMIT ?3)`,
      )
      .bind(tenantId, horizons.syncErrors, limit),
    db
      .prepare(
        `DELETE FROM guard_results WHERE result_id IN
           (SELECT g.result_id FROM generated_content c JOIN guard_results g ON g.content_id = c.content_id
            WHERE ${CANDIDATE} LIMIT ?3)`,
      )
      .bind(tenantId, horizons.content, limit),
    db
      .prepare(
        `DELETE FROM revision_events WHERE event_id IN
           (SELECT e.event_id FROM generated_content c
            JOIN revision_events e ON e.content_id = c.content_id AND e.tenant_id = c.tenant_id
            WHERE ${CANDIDATE} LIMIT ?3)`,
      )
      .bind(tenantId, horizons.content, limit),
    // Only candidates whose guard results and revisions are all gone (the statements
    // above may have stopped at their limit).
    db
      .prepare(
        `DELETE FROM generated_content WHERE content_id IN
           (SELECT c.content_id FROM generated_content c
            WHERE ${CANDIDATE}
              AND NOT EXISTS (SELECT 1 FROM guard_results g WHERE g.content_id = c.content_id)
              AND NOT EXISTS (SELECT 1 FROM revision_events e WHERE e.content_id = c.content_id)
            LIMIT ?3)`,
      )
      .bind(tenantId, horizons.content, limit),
    // The webhooks' log and events, through their (tenant_id, created_at) indexes.
    db
      .prepare(
        `DELETE FROM webhook_deliveries WHERE rowid IN
           (SELECT rowid FROM webhook_deliveries WHERE tenant_id = ?1 AND created_at < ?2 LIMIT ?3)`,
      )
      .bind(tenantId, horizons.webhooks, limit),
    db
      .prepare(
        `DELETE FROM webhook_events WHERE rowid IN
           (SELECT rowid FROM webhook_events WHERE tenant_id = ?1 AND created_at < ?2 LIMIT ?3)`,
      )
      .bind(tenantId, horizons.webhooks, limit),
  ];
}

export async function pruneExpired(
  scope: TenantScope,
  horizons: PruneHorizons,
  budget: CallBudget,
  batchRows: number,
): Promise<PruneResult> {
  const result: PruneResult = {
    rate_limits: 0,
    analytics_sync_errors: 0,
    guard_results: 0,
    revision_events: 0,
    generated_content: 0,
    webhook_deliveries: 0,
    webhook_events: 0,
    spent: false,
  };
  for (;;) {
    if (!budget.affords(1)) return { ...result, spent: true };
    const results = await budget.d1(() => scope.db.batch(statements(scope, horizons, batchRows)));
    let full = false;
    TABLES.forEach((table, i) => {
      const changes = results[i]?.meta.changes ?? 0;
      result[table] += changes;
      if (changes >= batchRows) full = true;
    });
    if (!full) return result;
  }
}
