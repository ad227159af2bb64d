// The webhook events of posts that wait for an approver (docs/webhooks.md, docs/approvals.md).
// post.pending_approval and post.rejected are emitted by approvals.ts in the step right
// after D1 has the change, as the schedule's post.cancelled is (scheduler.ts).
// post.approved is not emitted where the approver presses: an approval is one only once
// its post goes (scheduled, or its publish recorded), since a full window, the month's
// quota or a rule found at admission leaves the post waiting (approvals.ts). So it is
// emitted by the step that records that first state (scheduler.ts, record-outbox.ts),
// just before that state's own event (post.scheduled, post.published …), which follows
// it in the post's sequence; and the object's approving row is marked in that same step,
// so it is emitted once whatever runs again after a reset of the object.
import { type PostView, type PublishRequestRow, toPost } from "../../src/core/db/publish-requests";
import type { PostRejectedData } from "../../src/core/webhooks/events";
import type { WebhookEmitter } from "../webhooks/webhook-outbox";
import { ApprovalStore } from "./approval-store";

/** post.pending_approval: a post drafted to wait, as D1 has it now. */
export function emitPendingApproval(webhooks: WebhookEmitter, post: PostView): void {
  webhooks.emitPost("post.pending_approval", post);
}

/** post.rejected: the rejected post and the approver's reason (not the approver: a member). */
export function emitRejected(webhooks: WebhookEmitter, post: PostView, reason: string): void {
  const extra: Pick<PostRejectedData, "reason"> = { reason };
  webhooks.emitPost("post.rejected", post, extra);
}

/**
 * post.approved, when `record` (a post's state as the schedule or a publish's record
 * writes it) is the first state of an approval under way. A post that never waited
 * costs one read of the object's SQLite by its key. The event's post shows its approval
 * as approved at the record's time, which approvals.ts keeps as the decision's time.
 */
export function emitIfApprovalGoes(sql: SqlStorage, webhooks: WebhookEmitter, record: PublishRequestRow): void {
  const store = new ApprovalStore(sql);
  const row = store.find(record.request_id);
  if (row?.state !== "approving" || row.decision?.wentAt) return;
  const wentAt = record.updated_at;
  store.markWent(record.request_id, wentAt);
  const approved = toPost({
    ...record,
    approval_reason: row.reason,
    drafted_by_key: row.drafter.keyId,
    decided_by: null,
    decided_at: wentAt,
  });
  webhooks.emitPost("post.approved", approved);
}
