// The approval columns of publish_requests (migration 0028, docs/approvals.md): how a post
// that waited shows it, and the statements that decide on it. Every statement names the
// tenant and changes a post only while it waits (status pending_approval), so a decision
// never lands on a post that was decided, cancelled or published meanwhile: put an
// expectChanges(1) after one that must have changed it. Writing a new waiting post is
// ./pending-posts.ts.
import type { ApprovalReason } from "../auth/approvals";
import type { TenantScope } from "./tenant-scope";
import { isoOrNull } from "./time";

/** The columns the view reads (a PublishRequestRow has them). */
export interface ApprovalColumns {
  status: string;
  approval_reason?: ApprovalReason | null;
  drafted_by_key?: string | null;
  decided_by?: string | null;
  decided_at?: string | null;
  rejection_reason?: string | null;
}

export type ApprovalState = "pending" | "approved" | "rejected" | "cancelled";

/** How a post that waited for approval stands; null for one that never did. */
export function approvalOf(row: ApprovalColumns) {
  if (!row.approval_reason) return null;
  const state: ApprovalState =
    row.status === "pending_approval"
      ? "pending"
      : row.status === "rejected"
        ? "rejected"
        : row.decided_by
          ? "approved"
          : row.status === "cancelled"
            ? "cancelled"
            : "approved";
  return {
    state,
    reason: row.approval_reason,
    drafted_with_key: row.drafted_by_key ?? null,
    decided_by: state === "pending" ? null : (row.decided_by ?? null),
    decided_at: state === "pending" ? null : isoOrNull(row.decided_at ?? null),
    rejection_reason: row.rejection_reason ?? null,
  };
}

/** The fields of a waiting post that an edit, or an approval, sets: the text as it goes out. */
export interface PendingFields {
  text: string;
  hashtags: string | null;
  imageUrl: string | null;
  videoUrl: string | null;
  scheduledAt: string | null;
}

/** Sets a waiting post's fields (an edit, or an approval's last word on them). */
export function setPendingFields(
  scope: TenantScope,
  requestId: string,
  fields: PendingFields,
  now: string,
): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE publish_requests SET text = ?1, hashtags = ?2, image_url = ?3, video_url = ?4, scheduled_at = ?5,
         updated_at = ?6
       WHERE tenant_id = ?7 AND request_id = ?8 AND status = 'pending_approval'`,
    )
    .bind(
      fields.text,
      fields.hashtags,
      fields.imageUrl,
      fields.videoUrl,
      fields.scheduledAt,
      now,
      scope.tenantId,
      requestId,
    );
}

/**
 * Who approved a post and when, written once its approval went the normal way (it is
 * scheduled, published or refused by its platform by then, or about to be: the record's
 * own write may come first or after). A repeat changes nothing.
 */
export function recordApproval(
  scope: TenantScope,
  requestId: string,
  approverId: string,
  decidedAt: string,
): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE publish_requests SET decided_by = ?1, decided_at = ?2
       WHERE tenant_id = ?3 AND request_id = ?4 AND approval_reason IS NOT NULL AND decided_by IS NULL`,
    )
    .bind(approverId, decidedAt, scope.tenantId, requestId);
}

/** Rejects a waiting post with its reason. */
export function rejectPending(
  scope: TenantScope,
  requestId: string,
  rejection: { approverId: string; reason: string },
  now: string,
): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE publish_requests SET status = 'rejected', rejection_reason = ?1, decided_by = ?2, decided_at = ?3,
         updated_at = ?3
       WHERE tenant_id = ?4 AND request_id = ?5 AND status = 'pending_approval'`,
    )
    .bind(rejection.reason, rejection.approverId, now, scope.tenantId, requestId);
}

/** Cancels a waiting post (DELETE /v1/posts/{id}): withdrawn before anyone decided. */
export function cancelPending(scope: TenantScope, requestId: string, now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE publish_requests SET status = 'cancelled', updated_at = ?1
       WHERE tenant_id = ?2 AND request_id = ?3 AND status = 'pending_approval'`,
    )
    .bind(now, scope.tenantId, requestId);
}
