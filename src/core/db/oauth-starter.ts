// The member who asked for an OAuth connection, as they stand now: their e-mail (the
// consent page names them), role and status, and the API key they asked with. Read
// from the tenant's shard through its scope; the key must be that member's.
import type { Role } from "../auth/permissions";
import type { TenantScope } from "./tenant-scope";

export interface StarterRow {
  email: string;
  role: Role;
  user_status: string;
  /** Null when connect was called from a session, or the key is not the member's. */
  key_status: string | null;
  key_scopes: string | null;
  key_expires_at: string | null;
}

export function findStarter(scope: TenantScope, userId: string, keyId: string | null): Promise<StarterRow | null> {
  return scope.db
    .prepare(
      `SELECT u.email, u.role, u.status AS user_status,
              k.status AS key_status, k.scopes AS key_scopes, k.expires_at AS key_expires_at
       FROM users u
       LEFT JOIN api_keys k ON k.tenant_id = u.tenant_id AND k.user_id = u.user_id AND k.key_id = ?
       WHERE u.tenant_id = ? AND u.user_id = ?`,
    )
    .bind(keyId, scope.tenantId, userId)
    .first<StarterRow>();
}
