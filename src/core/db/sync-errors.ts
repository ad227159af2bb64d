// analytics_sync_errors: failures pulling a post's insights from its platform, kept
// open (retry_count counting the tries) until a later sync succeeds (resolved_at).
// Each error names its tenant (migration 0018), with its post: (post_id, tenant_id) is
// a foreign key to the tenant's post, so an error can only be of the tenant's own post.
import type { Platform } from "../platforms/types";
import type { TenantScope } from "./tenant-scope";

export type SyncErrorType = "rate_limit" | "auth_error" | "api_error" | "network_error";

export function openSyncError(
  scope: TenantScope,
  error: { errorId: string; postId: string; platform: Platform; type: SyncErrorType; message: string },
  now: string,
): D1PreparedStatement {
  // The post must be this tenant's: a post of another tenant (or none) inserts nothing,
  // where the foreign key would fail the flush's whole batch.
  return scope.db
    .prepare(
      `INSERT INTO analytics_sync_errors (error_id, post_id, tenant_id, platform, error_message, error_type, retry_count,
         created_at)
       SELECT ?, post_id, tenant_id, ?, ?, ?, 0, ? FROM published_posts WHERE post_id = ? AND tenant_id = ?`,
    )
    .bind(error.errorId, error.platform, error.message.slice(0, 1000), error.type, now, error.postId, scope.tenantId);
}

export function retrySyncError(
  scope: TenantScope,
  errorId: string,
  error: { type: SyncErrorType; message: string },
): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE analytics_sync_errors SET retry_count = retry_count + 1, error_type = ?, error_message = ?
       WHERE error_id = ? AND tenant_id = ? AND resolved_at IS NULL`,
    )
    .bind(error.type, error.message.slice(0, 1000), errorId, scope.tenantId);
}

export function resolveSyncError(scope: TenantScope, errorId: string, now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      "UPDATE analytics_sync_errors SET resolved_at = ? WHERE error_id = ? AND tenant_id = ? AND resolved_at IS NULL",
    )
    .bind(now, errorId, scope.tenantId);
}
