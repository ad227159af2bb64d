// The operator's change to a tenant's directory row (PATCH /v1/admin/tenants/{id}: docs/billing.md,
// Stripe and subscription states): its Stripe customer, tier, status, subscription status
// and settings, in one statement.
//
// - settings are merged (RFC 7396, SQLite's json_patch): a key given replaces the row's,
//   a key given as null removes it, and the keys not named stay (the owner's among them).
// - subscription_status past_due keeps a spell's first failure when it is already
//   past_due, and starts one now otherwise; any other status ends it (past_due_since NULL).
// - a Stripe customer is one tenant's: the statement changes nothing when another tenant
//   has it (the route answers 409), so the webhook never finds two.
// - a deleted tenant stays deleted: the statement changes nothing for one.
import { jsonOrNull } from "./json-column";
import type { SubscriptionStatus, Tier } from "./tenants";

export interface OperatorTenantPatch {
  stripe_customer_id?: string | null;
  tier?: Tier;
  status?: "active" | "suspended";
  subscription_status?: SubscriptionStatus;
  /** A merge patch of the settings. */
  settings?: Record<string, unknown>;
}

export function operatorTenantUpdate(
  db: D1Database,
  tenantId: string,
  patch: OperatorTenantPatch,
  now: string,
): D1PreparedStatement {
  const sets: string[] = [];
  const values: unknown[] = [];
  if (patch.stripe_customer_id !== undefined) {
    sets.push("stripe_customer_id = ?");
    values.push(patch.stripe_customer_id);
  }
  if (patch.tier !== undefined) {
    sets.push("tier = ?");
    values.push(patch.tier);
  }
  if (patch.status !== undefined) {
    sets.push("status = ?");
    values.push(patch.status);
  }
  if (patch.subscription_status !== undefined) {
    sets.push(
      "subscription_status = ?",
      `past_due_since = CASE WHEN ? <> 'past_due' THEN NULL
         WHEN subscription_status = 'past_due' AND past_due_since IS NOT NULL THEN past_due_since ELSE ? END`,
    );
    values.push(patch.subscription_status, patch.subscription_status, now);
  }
  if (patch.settings !== undefined) {
    sets.push("settings = json_patch(COALESCE(settings, '{}'), ?)");
    values.push(jsonOrNull(patch.settings));
  }
  sets.push("updated_at = ?");
  values.push(now);
  const customer = patch.stripe_customer_id ?? null;
  return db
    .prepare(
      `UPDATE tenants SET ${sets.join(", ")}
       WHERE tenant_id = ? AND COALESCE(status, 'active') <> 'deleted'
         AND (? IS NULL OR NOT EXISTS (SELECT 1 FROM tenants AS other WHERE other.stripe_customer_id = ? AND other.tenant_id <> ?))`,
    )
    .bind(...values, tenantId, customer, customer, tenantId);
}
