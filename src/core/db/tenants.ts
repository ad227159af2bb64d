// The tenants registry: the directory of the global database (ARCHITECTURE.md, Placement).
// Every function takes the global database explicitly, never a tenant's shard. A row
// says where the tenant lives (region, shard); the tenant's own rows, its audit trail
// included, are in that shard.
import { jsonOrNull, parseJson } from "./json-column";
import { iso, isoOrNull } from "./time";

export const REGIONS = ["eu-west", "us-east", "ap-southeast"] as const;
export const TIERS = ["free", "standard", "enterprise"] as const;
export const SUBSCRIPTION_STATUSES = ["active", "canceled", "past_due"] as const;

export type Region = (typeof REGIONS)[number];
export type Tier = (typeof TIERS)[number];
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export type TenantStatus = "active" | "suspended" | "deleted";

export interface TenantRow {
  tenant_id: string;
  name: string;
  region: Region;
  kms_key_id: string;
  tier: Tier;
  settings: string | null;
  stripe_customer_id: string | null;
  subscription_status: SubscriptionStatus;
  created_at: string;
  updated_at: string;
  status: TenantStatus;
  encryption_version: number;
  /** The binding name of the D1 shard holding the tenant's rows (null only while it is created). */
  shard: string | null;
  /** When the first failed payment of the current past_due spell happened (docs/billing.md). */
  past_due_since: string | null;
  /** Stripe's `created` (seconds) of the newest event applied to the tenant (src/core/db/stripe-events.ts). */
  billing_event_created: number | null;
}

export interface Tenant {
  id: string;
  name: string;
  region: Region;
  tier: Tier;
  settings: Record<string, unknown>;
  stripe_customer_id: string | null;
  subscription_status: SubscriptionStatus;
  /** When the current past_due spell's first payment failed (docs/billing.md); null when not past_due. */
  past_due_since: string | null;
  status: TenantStatus;
  encryption_version: number;
  created_at: string;
  updated_at: string;
}

/** The API's view of a tenant: never the key id. */
export function toTenant(row: TenantRow): Tenant {
  return {
    id: row.tenant_id,
    name: row.name,
    region: row.region,
    tier: row.tier,
    settings: parseJson(row.settings, {}),
    stripe_customer_id: row.stripe_customer_id,
    subscription_status: row.subscription_status,
    past_due_since: isoOrNull(row.past_due_since),
    status: row.status,
    encryption_version: row.encryption_version,
    created_at: iso(row.created_at),
    updated_at: isoOrNull(row.updated_at) ?? iso(row.created_at),
  };
}

export interface NewTenant {
  tenantId: string;
  name: string;
  region: Region;
  tier: string;
  kmsKeyId: string;
  settings: Record<string, unknown>;
  /** The shard chosen for it (src/core/placement/choose-shard.ts). */
  shard: string;
  now: string;
}

/** The registry is global: it is how a credential finds its tenant. */
export function insertTenant(db: D1Database, tenant: NewTenant): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO tenants (tenant_id, name, region, kms_key_id, tier, settings, shard, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      tenant.tenantId,
      tenant.name,
      tenant.region,
      tenant.kmsKeyId,
      tenant.tier,
      jsonOrNull(tenant.settings),
      tenant.shard,
      tenant.now,
      tenant.now,
    );
}

export function findTenant(db: D1Database, tenantId: string): Promise<TenantRow | null> {
  return db.prepare("SELECT * FROM tenants WHERE tenant_id = ?").bind(tenantId).first<TenantRow>();
}

/** What decides whether a tenant may act now: its status and its subscription (docs/billing.md). */
export interface TenantStanding {
  status: TenantStatus;
  subscription_status: SubscriptionStatus;
  past_due_since: string | null;
  settings: string | null;
}

/** The tenant's status and subscription as the directory says them now (null: no such tenant). */
export function tenantStandingOf(db: D1Database, tenantId: string): Promise<TenantStanding | null> {
  return db
    .prepare("SELECT status, subscription_status, past_due_since, settings FROM tenants WHERE tenant_id = ?")
    .bind(tenantId)
    .first<TenantStanding>();
}

/** The tenant's status as the directory says it now (null: no such tenant). */
export async function tenantStatusOf(db: D1Database, tenantId: string): Promise<TenantStatus | null> {
  const row = await db
    .prepare("SELECT status FROM tenants WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ status: TenantStatus }>();
  return row?.status ?? null;
}

export interface TenantPatch {
  name?: string;
  settings?: Record<string, unknown>;
  tier?: string;
  stripe_customer_id?: string | null;
  subscription_status?: string;
  status?: string;
}

const PATCHABLE: readonly (keyof TenantPatch)[] = [
  "name",
  "settings",
  "tier",
  "stripe_customer_id",
  "subscription_status",
  "status",
];

export function updateTenant(db: D1Database, tenantId: string, patch: TenantPatch, now: string): D1PreparedStatement {
  const columns = PATCHABLE.filter((column) => patch[column] !== undefined);
  const assignments = [...columns.map((column) => `${column} = ?`), "updated_at = ?"];
  const values = columns.map((column) => (column === "settings" ? jsonOrNull(patch.settings) : patch[column]));
  return db.prepare(`UPDATE tenants SET ${assignments.join(", ")} WHERE tenant_id = ?`).bind(...values, now, tenantId);
}

/** Moves the tenant to `version` only if it is still at `from` (rotation races lose). */
export function bumpEncryptionVersion(
  db: D1Database,
  tenantId: string,
  from: number,
  version: number,
  now: string,
): D1PreparedStatement {
  return db
    .prepare("UPDATE tenants SET encryption_version = ?, updated_at = ? WHERE tenant_id = ? AND encryption_version = ?")
    .bind(version, now, tenantId, from);
}
