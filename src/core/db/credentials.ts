// A tenant's credentials as its TenantObject checks them: an API key by its prefix,
// a session's user by id, read from the tenant's shard. Which tenant a credential
// belongs to was settled before (the key's prefix in the global key directory, a
// session token's signed claim); whether the tenant itself is active comes from the
// directory (the object's TenantRecordCache), not from here.
import type { Role } from "../auth/permissions";
import type { TenantScope } from "./tenant-scope";

export interface KeyCredentialRow {
  key_id: string;
  tenant_id: string;
  user_id: string;
  key_hash: string;
  scopes: string;
  rate_limit_per_hour: number;
  expires_at: string | null;
  key_status: string;
  /** Migration 0028: an agent's key, and whether its posts wait (src/core/auth/approvals.ts). */
  kind: "standard" | "agent";
  requires_approval: number;
  role: Role;
  user_status: string;
}

export function findKeyCredential(scope: TenantScope, keyPrefix: string): Promise<KeyCredentialRow | null> {
  return scope.db
    .prepare(
      `SELECT k.key_id, k.tenant_id, k.user_id, k.key_hash, k.scopes, k.rate_limit_per_hour, k.expires_at,
              k.status AS key_status, k.kind, k.requires_approval, u.role, u.status AS user_status
       FROM api_keys k
       JOIN users u ON u.user_id = k.user_id AND u.tenant_id = k.tenant_id
       WHERE k.key_prefix = ? AND k.tenant_id = ?`,
    )
    .bind(keyPrefix, scope.tenantId)
    .first<KeyCredentialRow>();
}

export interface SessionCredentialRow {
  user_id: string;
  tenant_id: string;
  role: Role;
  user_status: string;
}

export function findSessionCredential(scope: TenantScope, userId: string): Promise<SessionCredentialRow | null> {
  return scope.db
    .prepare(
      `SELECT user_id, tenant_id, role, status AS user_status FROM users
       WHERE tenant_id = ? AND user_id = ?`,
    )
    .bind(scope.tenantId, userId)
    .first<SessionCredentialRow>();
}
