// Which tenants of a shard have anything past its period, found without a statement
// per tenant: the directory names the shard's tenants a page at a time (with plan and
// settings, hence their horizons), and one probe per page asks the shard, for every
// tenant of the page that is resident there, whether each kind has a row before its
// horizon. Each question is an index seek that stops at its first row, so a tenant
// with nothing to do costs a few rows read, and a run over idle tenants a few calls
// per hundred tenants. Each kind has the index its question needs (sync errors carry
// their tenant, unselected candidates have theirs: migration 0018), so the probe's cost
// is about the same with or without the planner's statistics (its budget:
// RETENTION_READS in ./budget.ts).

import type { Region } from "../db/tenants";
import type { Shard } from "../placement/shards";
import { PLATFORMS } from "../platforms/types";
import { addDays } from "../skills/calendar";
import { WEBHOOK_LOG_DAYS } from "../webhooks/deliveries-store";
import type { CallBudget } from "./budget";
import { type RetentionPolicy, retentionPolicy } from "./policy";

/** Tenants per directory page and per probe (one bound JSON parameter). */
const PAGE = 100;

export interface Horizons {
  audit: string;
  rateLimits: string;
  syncErrors: string;
  content: string;
  /** Outgoing webhooks' events and delivery log: WEBHOOK_LOG_DAYS for every plan (docs/webhooks.md). */
  webhooks: string;
}

export interface DueTenant {
  tenantId: string;
  region: Region;
  shard: string;
  horizons: Horizons;
  audit: boolean;
  /** Rate limits, sync errors, content or the webhooks' log. */
  prune: boolean;
  /** The oldest audit row's timestamp (for most-overdue-first), null if none is due. */
  oldestAudit: string | null;
}

export interface ShardScan {
  checked: number;
  due: DueTenant[];
  /** False when the budget ran out before every page was read. */
  complete: boolean;
}

interface DirectoryRow {
  r: number;
  tenant_id: string;
  region: Region;
  tier: string;
  settings: string | null;
}

/** The first day each kind keeps, as of `asOf`: rows dated before it are past their period. */
export function horizonsOf(policy: RetentionPolicy, asOf: string): Horizons {
  return {
    audit: addDays(asOf, -policy.audit_logs_days),
    rateLimits: addDays(asOf, -policy.rate_limits_days),
    syncErrors: addDays(asOf, -policy.sync_errors_days),
    content: addDays(asOf, -policy.unselected_content_days),
    webhooks: addDays(asOf, -WEBHOOK_LOG_DAYS),
  };
}

const T = "json_extract(j.value, '$.t')";
const PROBE = `SELECT ${T} AS tenant_id,
  EXISTS (SELECT 1 FROM audit_logs a WHERE a.tenant_id = ${T} AND a.timestamp < json_extract(j.value, '$.a')) AS audit,
  EXISTS (SELECT 1 FROM rate_limits r WHERE r.tenant_id = ${T} AND r.platform IN (SELECT value FROM json_each(?2))
    AND r.window_start < json_extract(j.value, '$.r')) AS rate_limits,
  EXISTS (SELECT 1 FROM analytics_sync_errors e
    WHERE e.tenant_id = ${T} AND e.resolved_at IS NOT NULL AND e.resolved_at < json_extract(j.value, '$.s')) AS sync_errors,
  EXISTS (SELECT 1 FROM generated_content c
    WHERE c.tenant_id = ${T} AND c.created_at < json_extract(j.value, '$.c') AND COALESCE(c.user_selected, 0) = 0
      AND NOT EXISTS (SELECT 1 FROM published_posts p WHERE p.content_id = c.content_id AND p.tenant_id = c.tenant_id)
      AND NOT EXISTS (SELECT 1 FROM publish_requests q WHERE q.content_id = c.content_id AND q.tenant_id = c.tenant_id)
  ) AS content,
  (EXISTS (SELECT 1 FROM webhook_deliveries w WHERE w.tenant_id = ${T} AND w.created_at < json_extract(j.value, '$.w'))
    OR EXISTS (SELECT 1 FROM webhook_events v WHERE v.tenant_id = ${T} AND v.created_at < json_extract(j.value, '$.w'))
  ) AS webhooks,
  (SELECT MIN(a.timestamp) FROM audit_logs a WHERE a.tenant_id = ${T}) AS oldest_audit
FROM json_each(?1) AS j
WHERE EXISTS (SELECT 1 FROM tenant_residency t WHERE t.tenant_id = ${T} AND t.state = 'resident')`;

interface ProbeRow {
  tenant_id: string;
  audit: number;
  rate_limits: number;
  sync_errors: number;
  content: number;
  webhooks: number;
  oldest_audit: string | null;
}

async function directoryPage(env: Env, shard: Shard, after: number, budget: CallBudget): Promise<DirectoryRow[]> {
  // Keyset by rowid: the (region, shard) index keeps a shard's tenants in rowid order.
  const { results } = await budget.d1(() =>
    env.DB.prepare(
      `SELECT rowid AS r, tenant_id, region, tier, settings FROM tenants
       WHERE region = ?1 AND shard = ?2 AND rowid > ?3 ORDER BY rowid LIMIT ?4`,
    )
      .bind(shard.region, shard.name, after, PAGE)
      .all<DirectoryRow>(),
  );
  return results;
}

async function probe(shard: Shard, page: DirectoryRow[], asOf: string, budget: CallBudget): Promise<DueTenant[]> {
  const horizons = new Map(
    page.map((row) => [row.tenant_id, horizonsOf(retentionPolicy(row.tier, row.settings), asOf)]),
  );
  const input = page.map((row) => {
    const h = horizons.get(row.tenant_id) as Horizons;
    return { t: row.tenant_id, a: h.audit, r: h.rateLimits, s: h.syncErrors, c: h.content, w: h.webhooks };
  });
  const { results } = await budget.d1(() =>
    shard.db.prepare(PROBE).bind(JSON.stringify(input), JSON.stringify(PLATFORMS)).all<ProbeRow>(),
  );
  const regions = new Map(page.map((row) => [row.tenant_id, row.region]));
  return results
    .filter((row) => row.audit || row.rate_limits || row.sync_errors || row.content || row.webhooks)
    .map((row) => ({
      tenantId: row.tenant_id,
      region: regions.get(row.tenant_id) as Region,
      shard: shard.name,
      horizons: horizons.get(row.tenant_id) as Horizons,
      audit: row.audit === 1,
      prune: row.rate_limits === 1 || row.sync_errors === 1 || row.content === 1 || row.webhooks === 1,
      oldestAudit: row.audit === 1 ? row.oldest_audit : null,
    }));
}

/** The shard's tenants with something past its period, as of `asOf`. */
export async function scanShard(env: Env, shard: Shard, asOf: string, budget: CallBudget): Promise<ShardScan> {
  const scan: ShardScan = { checked: 0, due: [], complete: true };
  let after = 0;
  for (;;) {
    if (!budget.affords(2)) return { ...scan, complete: false };
    const page = await directoryPage(env, shard, after, budget);
    if (page.length === 0) return scan;
    scan.checked += page.length;
    scan.due.push(...(await probe(shard, page, asOf, budget)));
    if (page.length < PAGE) return scan;
    after = (page.at(-1) as DirectoryRow).r;
  }
}
