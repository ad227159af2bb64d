// Resolving a credential to its tenant. A credential arrives before anything says
// which tenant it belongs to, so this look-up runs on the global database: the key
// prefix is the global index (UNIQUE) that names the tenant. Everything after it
// goes through the tenant's scope.
import type { Role } from "../auth/permissions";

export interface KeyCredentialRow {
  key_id: string;
  tenant_id: string;
  user_id: string;
  key_hash: string;
  scopes: string;
  rate_limit_per_hour: number;
  expires_at: string | null;
  key_status: string;
  role: Role;
  user_status: string;
  tenant_status: string;
  kms_key_id: string;
  encryption_version: number;
}

export function findKeyCredential(db: D1Database, keyPrefix: string): Promise<KeyCredentialRow | null> {
  return db
    .prepare(
      `SELECT k.key_id, k.tenant_id, k.user_id, k.key_hash, k.scopes, k.rate_limit_per_hour, k.expires_at,
              k.status AS key_status, u.role, u.status AS user_status, t.status AS tenant_status,
              t.kms_key_id, t.encryption_version
       FROM api_keys k
       JOIN users u ON u.user_id = k.user_id AND u.tenant_id = k.tenant_id
       JOIN tenants t ON t.tenant_id = k.tenant_id
       WHERE k.key_prefix = ?`,
    )
    .bind(keyPrefix)
    .first<KeyCredentialRow>();
}

export interface SessionCredentialRow {
  user_id: string;
  tenant_id: string;
  role: Role;
  user_status: string;
  tenant_status: string;
  kms_key_id: string;
  encryption_version: number;
}

export function findSessionCredential(
  db: D1Database,
  tenantId: string,
  userId: string,
): Promise<SessionCredentialRow | null> {
  return db
    .prepare(
      `SELECT u.user_id, u.tenant_id, u.role, u.status AS user_status, t.status AS tenant_status,
              t.kms_key_id, t.encryption_version
       FROM users u JOIN tenants t ON t.tenant_id = u.tenant_id
       WHERE u.tenant_id = ? AND u.user_id = ?`,
    )
    .bind(tenantId, userId)
    .first<SessionCredentialRow>();
}
