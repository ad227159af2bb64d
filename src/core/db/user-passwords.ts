// A user's password hash, changed by the user (POST /v1/me/password) or through a
// reset link (POST /v1/auth/password-reset). A deleted user's hash stays '!'
// (deleteUser in ./users.ts): the statement leaves that row alone.
import type { TenantScope } from "./tenant-scope";

export function setPasswordHash(scope: TenantScope, userId: string, hash: string, now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      "UPDATE users SET password_hash = ?, updated_at = ? WHERE tenant_id = ? AND user_id = ? AND status <> 'deleted'",
    )
    .bind(hash, now, scope.tenantId, userId);
}
