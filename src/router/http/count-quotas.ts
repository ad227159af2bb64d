// The plan's count quotas where their rows are created (docs/billing.md, Tiers and
// quotas): users (POST /v1/users), API keys (POST /v1/api-keys), connected social
// accounts (the OAuth callback) and knowledge entries (POST /v1/knowledge). None of
// these creations passes through the TenantObject, so the exact check is D1's: the
// creating batch ends with the quota's check (src/core/db/quota-counts.ts, migration
// 0019), and concurrent creations cannot take the count past the limit. A request
// made when the count is already at the limit is refused before any work (a password
// hashed, a key prefix registered, a vector stored): 403 with the quota's problem.
import type { Context } from "hono";
import { type CountQuota, quotasOf } from "../../core/billing/plans";
import { countQuotaExceeded } from "../../core/billing/quotas";
import { isoNow } from "../../core/clock";
import { isTriggerAbort } from "../../core/db/errors";
import { parseJson } from "../../core/db/json-column";
import { countFor, QUOTA_EXCEEDED, quotaCheck } from "../../core/db/quota-counts";
import type { TenantScope } from "../../core/db/tenant-scope";
import { findTenant, type TenantRow } from "../../core/db/tenants";
import type { AppEnv } from "./app-env";

export interface CountGuard {
  quota: CountQuota;
  limit: number;
  scope: TenantScope;
  now: string;
  /** The creating batch's last statement: it rolls the batch back when the count would pass the limit. */
  check: D1PreparedStatement;
}

/** The quota of `scope`'s tenant, as its plan and the operator's override say now. */
export async function countGuard(
  c: Context<AppEnv>,
  scope: TenantScope,
  quota: CountQuota,
  tenant?: Pick<TenantRow, "tier" | "settings">,
): Promise<CountGuard> {
  const row = tenant ?? (await findTenant(c.env.DB, scope.tenantId));
  const limit = quotasOf(row?.tier, parseJson<Record<string, unknown>>(row?.settings, {}))[quota];
  const now = isoNow(c.var.clock);
  return { quota, limit, scope, now, check: quotaCheck(scope, quota, limit, now) };
}

/** Refuses the creation at once when the tenant has no room left (the batch's check stays the exact one). */
export async function refuseWhenFull(guard: CountGuard): Promise<void> {
  const used = await countFor(guard.scope, guard.quota, guard.now);
  if (used >= guard.limit) throw countQuotaExceeded(guard.quota, guard.limit, used);
}

/** The quota's problem when `error` is the batch's check refusing it; `error` itself otherwise. */
export async function overQuota(guard: CountGuard, error: unknown): Promise<unknown> {
  if (!isTriggerAbort(error, QUOTA_EXCEEDED)) return error;
  return countQuotaExceeded(guard.quota, guard.limit, await countFor(guard.scope, guard.quota, guard.now));
}
