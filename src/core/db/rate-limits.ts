// rate_limits: admitted platform calls per tenant, platform and hour, as the
// TenantObject counted them (absolute counts, so a repeated flush changes nothing).
import type { Platform } from "../platforms/types";
import type { TenantScope } from "./tenant-scope";

export function writeRateLimitUsage(
  scope: TenantScope,
  bucket: { platform: Platform; bucketStartMs: number; count: number },
): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO rate_limits (tenant_id, platform, window_start, request_count) VALUES (?, ?, ?, ?)
       ON CONFLICT(tenant_id, platform, window_start) DO UPDATE SET request_count = excluded.request_count`,
    )
    .bind(scope.tenantId, bucket.platform, new Date(bucket.bucketStartMs).toISOString(), bucket.count);
}
