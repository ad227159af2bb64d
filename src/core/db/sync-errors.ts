// analytics_sync_errors: failures pulling a post's insights from its platform, kept
// open (retry_count counting the tries) until a later sync succeeds (resolved_at).
import type { Platform } from "../platforms/types";
import type { TenantScope } from "./tenant-scope";

export type SyncErrorType = "rate_limit" | "auth_error" | "api_error" | "network_error";

export function openSyncError(
  scope: TenantScope,
  error: { errorId: string; postId: string; platform: Platform; type: SyncErrorType; message: string },
  now: string,
): D1PreparedStatement {
  // The post must be this tenant's (analytics_sync_errors has no tenant column).
  return scope.db
    .prepare(
      `INSERT INTO analytics_sync_errors (error_id, post_id, platform, error_message, error_type, retry_count, created_at)
       SELECT ?, post_id, ?, ?, ?, 0, ? FROM published_posts WHERE post_id = ? AND tenant_id = ?`,
    )
    .bind(error.errorId, error.platform, error.message.slice(0, 1000), error.type, now, error.postId, scope.tenantId);
}

/**
 * The error's post is the tenant's (the table has no tenant column): one seek on the
 * post's key for the one error, where `post_id IN (the tenant's posts)` listed them all.
 */
const OF_TENANT =
  "EXISTS (SELECT 1 FROM published_posts AS p WHERE p.post_id = analytics_sync_errors.post_id AND p.tenant_id = ?)";

export function retrySyncError(
  scope: TenantScope,
  errorId: string,
  error: { type: SyncErrorType; message: string },
): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE analytics_sync_errors SET retry_count = retry_count + 1, error_type = ?, error_message = ?
       WHERE error_id = ? AND resolved_at IS NULL AND ${OF_TENANT}`,
    )
    .bind(error.type, error.message.slice(0, 1000), errorId, scope.tenantId);
}

export function resolveSyncError(scope: TenantScope, errorId: string, now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE analytics_sync_errors SET resolved_at = ? WHERE error_id = ? AND resolved_at IS NULL AND ${OF_TENANT}`,
    )
    .bind(now, errorId, scope.tenantId);
}
