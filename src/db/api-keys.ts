// API keys of a tenant, and the global look-up that turns a key into its tenant.
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
  now: string;
}

export function insertApiKey(scope: TenantScope, key: NewApiKey): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO api_keys (key_id, tenant_id, user_id, key_prefix, key_hash, scopes, rate_limit_per_hour, expires_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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

export function revokeApiKey(scope: TenantScope, keyId: string): D1PreparedStatement {
  return scope.db
    .prepare("UPDATE api_keys SET status = 'revoked' WHERE tenant_id = ? AND key_id = ? AND status <> 'revoked'")
    .bind(scope.tenantId, keyId);
}

/** Revokes every key of a user (the user was deleted or suspended). */
export function revokeUserApiKeys(scope: TenantScope, userId: string): D1PreparedStatement {
  return scope.db
    .prepare("UPDATE api_keys SET status = 'revoked' WHERE tenant_id = ? AND user_id = ? AND status = 'active'")
    .bind(scope.tenantId, userId);
}

/** Revokes every key of the tenant (the tenant was deleted). */
export function revokeAllApiKeys(scope: TenantScope): D1PreparedStatement {
  return scope.db
    .prepare("UPDATE api_keys SET status = 'revoked' WHERE tenant_id = ? AND status = 'active'")
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
