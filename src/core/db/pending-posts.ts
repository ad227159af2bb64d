// A post that waits for an approver, written when it is drafted (docs/approvals.md): its
// publish_requests row in status pending_approval with why it waits and the key it was
// drafted with. Deciding on it is ./approvals.ts.
import type { ApprovalReason } from "../auth/approvals";
import { jsonRowsSource } from "./json-rows";
import type { PublishRequestRow } from "./publish-requests";
import type { TenantScope } from "./tenant-scope";

const PENDING_FIELDS = [
  "request_id",
  "account_id",
  "platform",
  "idempotency_key",
  "text",
  "image_url",
  "video_url",
  "hashtags",
  "scheduled_at",
  "campaign_id",
  "utm_params",
  "content_id",
  "requested_by",
  "created_at",
  "updated_at",
  "approval_reason",
  "drafted_by_key",
] as const;

/** The row of a post drafted to wait, from its record as admission would write it. */
export function pendingRow(
  row: PublishRequestRow,
  reason: ApprovalReason,
  draftedByKey: string | null,
): PublishRequestRow & { approval_reason: ApprovalReason } {
  return {
    ...row,
    status: "pending_approval",
    approval_reason: reason,
    drafted_by_key: draftedByKey,
    decided_by: null,
    decided_at: null,
    rejection_reason: null,
  };
}

/** Inserts a waiting post (a new id: a second insert of it fails, nothing is overwritten). */
export function insertPendingPost(
  scope: TenantScope,
  row: PublishRequestRow & { approval_reason: ApprovalReason },
): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO publish_requests (tenant_id, status, ${PENDING_FIELDS.join(", ")})
       ${jsonRowsSource(PENDING_FIELDS, ["?2", "'pending_approval'"])}`,
    )
    .bind(JSON.stringify([row]), scope.tenantId);
}
