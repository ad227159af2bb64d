// The tenant's default post configuration (seed §3.6), as publishing reads it.
import type { TenantScope } from "./tenant-scope";

export function defaultPostConfiguration(
  scope: TenantScope,
): Promise<{ config_id: string; max_hashtags_per_platform: string | null } | null> {
  return scope.db
    .prepare(
      `SELECT config_id, max_hashtags_per_platform FROM post_configurations
       WHERE tenant_id = ? AND is_default = 1 AND status = 'active'`,
    )
    .bind(scope.tenantId)
    .first();
}
