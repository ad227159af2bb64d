// A tenant's settings replaced by its owner or admin (PATCH /v1/tenant), keeping the
// keys only the operator sets: the plan's quota overrides (docs/billing.md, Tiers and
// quotas). The kept keys are read from the row in the same statement, so an operator's
// change made while the owner's request ran is never undone by it.
import { jsonOrNull } from "./json-column";

/**
 * Replaces the settings of `tenantId` with `settings`, less the `kept` keys, which
 * keep their stored values (a key the row lacks stays absent).
 */
export function replaceSettingsKeeping(
  db: D1Database,
  tenantId: string,
  settings: Record<string, unknown>,
  kept: readonly string[],
  now: string,
): D1PreparedStatement {
  const own = Object.fromEntries(Object.entries(settings).filter(([key]) => !kept.includes(key)));
  return db
    .prepare(
      `UPDATE tenants SET settings = json_patch(?1,
         (SELECT json_group_object(key, value) FROM json_each(tenants.settings)
           WHERE key IN (SELECT value FROM json_each(?2)))),
         updated_at = ?3
       WHERE tenant_id = ?4`,
    )
    .bind(jsonOrNull(own) ?? "{}", JSON.stringify(kept), now, tenantId);
}
