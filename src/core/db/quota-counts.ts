// The rows the plan's count quotas count, in the tenant's shard (docs/billing.md, Tiers and
// quotas): the check a creating batch ends with (migration 0019's quota_precondition), and
// the counts GET /v1/tenant/usage shows. One SQL expression per quota serves both, so what
// is refused and what is shown are the same count. The counts are kept on the tenant's
// residency row by migration 0019's triggers, so each reads that row (and, for API keys,
// the active keys expired by now): a few rows, however many it counts.
import type { CountQuota } from "../billing/plans";
import type { TenantScope } from "./tenant-scope";

/** The message of migration 0019's trigger: a creating batch went over its quota and was rolled back. */
export const QUOTA_EXCEEDED = "plan quota exceeded";

/** A counter of the tenant's residency row (0 when the tenant has none here). */
function counter(column: string, minus = "0"): string {
  return `SELECT COALESCE((SELECT ${column} - ${minus} FROM tenant_residency WHERE tenant_id = ?1), 0)`;
}

/**
 * What each quota counts: ?1 is the tenant, ?2 the time now (ISO; an API key expired
 * by then no longer counts). Connected accounts are those not disconnected (an expired
 * or failing one still holds its place until it is reconnected or disconnected); users
 * those not deleted (a suspended user can be reactivated); knowledge entries every one,
 * archived too (an archived entry can be made active again); API keys the active ones,
 * less those whose expiry has passed.
 */
const COUNTED: Record<CountQuota, string> = {
  social_accounts: counter("counted_social_accounts"),
  users: counter("counted_users"),
  api_keys: counter(
    "counted_api_keys",
    `(SELECT COUNT(*) FROM api_keys WHERE tenant_id = ?1 AND status = 'active'
        AND expires_at IS NOT NULL AND expires_at <= ?2)`,
  ),
  knowledge_entries: counter("counted_knowledge_entries"),
};

/**
 * The statement that ends a creating batch: it aborts the batch (QUOTA_EXCEEDED) when
 * the rows it counts now, the new ones included, are more than `limit`.
 */
export function quotaCheck(scope: TenantScope, quota: CountQuota, limit: number, now: string): D1PreparedStatement {
  return scope.db
    .prepare(`INSERT INTO quota_precondition (within) SELECT (${COUNTED[quota]}) <= ?3`)
    .bind(scope.tenantId, now, limit);
}

/** How many rows one quota counts now. */
export async function countFor(scope: TenantScope, quota: CountQuota, now: string): Promise<number> {
  return (await quotaCounts(scope, now))[quota];
}

/** Every count quota's count now, read in one statement. */
export async function quotaCounts(scope: TenantScope, now: string): Promise<Record<CountQuota, number>> {
  const row = await scope.db
    .prepare(
      `SELECT (${COUNTED.social_accounts}) AS social_accounts, (${COUNTED.users}) AS users,
              (${COUNTED.api_keys}) AS api_keys, (${COUNTED.knowledge_entries}) AS knowledge_entries`,
    )
    .bind(scope.tenantId, now)
    .first<Record<CountQuota, number>>();
  return row ?? { social_accounts: 0, users: 0, api_keys: 0, knowledge_entries: 0 };
}
