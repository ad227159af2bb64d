// API keys of a tenant, and the global look-up that turns a key into its tenant.
import type { KeyKind } from "../auth/approvals";
import type { TenantScope } from "./tenant-scope";
import { iso, isoOrNull } from "./time";

export interface ApiKeyRow {
  key_id: string;
  tenant_id: string;
  user_id: string;
  key_prefix: string;
  key_hash: string;
  scopes: string;
  rate_limit_per_hour: number;
  last_used_at: string | null;
  use_count: number;
  created_at: string;
  expires_at: string | null;
  status: "active" | "revoked" | "expired";
  /** The key this key was made with; null when a signed-in user (or tenant creation) made it. */
  parent_key_id: string | null;
  /** Migration 0028 (src/core/auth/approvals.ts): an agent's key, and whether its posts wait. */
  kind: KeyKind;
  requires_approval: number;
}

export interface ApiKey {
  id: string;
  prefix: string;
  user_id: string;
  scopes: string[];
  rate_limit_per_hour: number;
  status: "active" | "revoked" | "expired";
  expires_at: string | null;
  last_used_at: string | null;
  use_count: number;
  created_at: string;
  parent_key_id: string | null;
  kind: KeyKind;
  requires_approval: boolean;
}

/** The API's view of a key: the prefix identifies it; the digest never leaves. */
export function toApiKey(row: ApiKeyRow, nowMs = Date.now()): ApiKey {
  const expired = row.status === "active" && row.expires_at !== null && Date.parse(row.expires_at) <= nowMs;
  return {
    id: row.key_id,
    prefix: row.key_prefix,
    user_id: row.user_id,
    scopes: JSON.parse(row.scopes) as string[],
    rate_limit_per_hour: row.rate_limit_per_hour,
    status: expired ? "expired" : row.status,
    expires_at: isoOrNull(row.expires_at),
    last_used_at: isoOrNull(row.last_used_at),
    use_count: row.use_count,
    created_at: iso(row.created_at),
    parent_key_id: row.parent_key_id,
    kind: row.kind ?? "standard",
    requires_approval: row.requires_approval === 1,
  };
}

export interface NewApiKey {
  keyId: string;
  userId: string;
  keyPrefix: string;
  keyHash: string;
  scopes: readonly string[];
  rateLimitPerHour: number;
  expiresAt: string | null;
  parentKeyId: string | null;
  kind: KeyKind;
  requiresApproval: boolean;
  now: string;
}

export function insertApiKey(scope: TenantScope, key: NewApiKey): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO api_keys (key_id, tenant_id, user_id, key_prefix, key_hash, scopes, rate_limit_per_hour, expires_at,
                             parent_key_id, kind, requires_approval, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      key.keyId,
      scope.tenantId,
      key.userId,
      key.keyPrefix,
      key.keyHash,
      JSON.stringify(key.scopes),
      key.rateLimitPerHour,
      key.expiresAt,
      key.parentKeyId,
      key.kind,
      key.requiresApproval ? 1 : 0,
      key.now,
    );
}

export function getApiKey(scope: TenantScope, keyId: string): Promise<ApiKeyRow | null> {
  return scope.db
    .prepare("SELECT * FROM api_keys WHERE tenant_id = ? AND key_id = ?")
    .bind(scope.tenantId, keyId)
    .first<ApiKeyRow>();
}

/** Keys in id order; `status` filters on the effective status (expiry counts). */
export async function listApiKeys(
  scope: TenantScope,
  options: { afterId?: string; limit: number; userId?: string; status?: string; now: string },
): Promise<{ rows: ApiKeyRow[]; hasMore: boolean }> {
  const { results } = await scope.db
    .prepare(
      `SELECT * FROM api_keys
       WHERE tenant_id = ?1
         AND (?2 IS NULL OR key_id > ?2)
         AND (?3 IS NULL OR user_id = ?3)
         AND (?4 IS NULL OR ?4 = CASE WHEN status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?6
                                      THEN 'expired' ELSE status END)
       ORDER BY key_id
       LIMIT ?5`,
    )
    .bind(
      scope.tenantId,
      options.afterId ?? null,
      options.userId ?? null,
      options.status ?? null,
      options.limit + 1,
      options.now,
    )
    .all<ApiKeyRow>();
  return { rows: results.slice(0, options.limit), hasMore: results.length > options.limit };
}

/** The message of the trigger that refuses a child of an inactive or exceeded parent (migration 0011). */
export const KEY_PARENT_ERROR = "api key parent is not active or is exceeded";

// `keyId` and every key made with it, transitively (children, grandchildren, ...),
// walked by idx_api_keys_parent. The root is looked up within the tenant; its
// descendants are too, because a key makes keys for its own user only (and the
// trigger of migration 0011 refuses a child of another tenant's or user's key).
const LINEAGE = `WITH RECURSIVE lineage(key_id) AS (
    SELECT key_id FROM api_keys WHERE key_id = ?2 AND tenant_id = ?1
    UNION
    SELECT k.key_id FROM lineage l JOIN api_keys k ON k.parent_key_id = l.key_id
  )`;

/** The ids of the keys made with `keyId`, transitively (not `keyId` itself). */
export async function descendantKeyIds(scope: TenantScope, keyId: string): Promise<string[]> {
  const { results } = await scope.db
    .prepare(`${LINEAGE} SELECT key_id FROM lineage WHERE key_id <> ?2 ORDER BY key_id`)
    .bind(scope.tenantId, keyId)
    .all<{ key_id: string }>();
  return results.map((r) => r.key_id);
}

/**
 * Revokes `keyId` and every key made with it, transitively, in one statement. A child
 * created concurrently either lands before it (and is revoked with the rest) or after
 * it (and the trigger of migration 0011 refuses it: its parent is no longer active).
 * Returns the revoked ids (RETURNING key_id). Rows are found by key id: the unary `+`
 * keeps SQLite from scanning all the tenant's keys by idx_api_keys_tenant instead.
 */
export function revokeKeyLineage(scope: TenantScope, keyId: string): D1PreparedStatement {
  return scope.db
    .prepare(
      `${LINEAGE}
       UPDATE api_keys SET status = 'revoked'
       WHERE key_id IN (SELECT key_id FROM lineage) AND +tenant_id = ?1 AND status <> 'revoked'
       RETURNING key_id`,
    )
    .bind(scope.tenantId, keyId);
}

/**
 * Revokes every key of a user (the user was deleted or suspended), found by the user's
 * index: `+status` keeps SQLite from reading every active key of the shard by status
 * (idx_api_keys_status) instead, which it may choose without statistics.
 */
export function revokeUserApiKeys(scope: TenantScope, userId: string): D1PreparedStatement {
  return scope.db
    .prepare("UPDATE api_keys SET status = 'revoked' WHERE user_id = ? AND +tenant_id = ? AND +status = 'active'")
    .bind(userId, scope.tenantId);
}

/** Revokes every key of the tenant (the tenant was deleted), from the tenant's index (`+status`: as above). */
export function revokeAllApiKeys(scope: TenantScope): D1PreparedStatement {
  return scope.db
    .prepare("UPDATE api_keys SET status = 'revoked' WHERE tenant_id = ? AND +status = 'active'")
    .bind(scope.tenantId);
}

/** Writes usage counted by the TenantObject: absolute values, so a retry is harmless. */
export function writeApiKeyUsage(
  scope: TenantScope,
  usage: { keyId: string; useCount: number; lastUsedAt: string },
): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE api_keys SET use_count = MAX(use_count, ?), last_used_at = MAX(COALESCE(last_used_at, ''), ?)
       WHERE tenant_id = ? AND key_id = ?`,
    )
    .bind(usage.useCount, usage.lastUsedAt, scope.tenantId, usage.keyId);
}
