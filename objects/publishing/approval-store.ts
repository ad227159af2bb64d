// The object's rows of the posts that wait for an approver (object migration 27,
// pending_approvals): what approvals.ts reads and changes, each a single statement, so a
// row's state changes in one synchronous step of the object.
import type { ApprovalReason, Drafter } from "../../src/core/auth/approvals";
import type { AuditActor, PendingAuditRow } from "../../src/core/db/audit-logs";
import type { PostVersion } from "../../src/core/db/post-revisions";
import type { PublishInput } from "../tenant-object/contract";

export type ApprovalRowState = "pending" | "approving" | "approved";

/** An approval under way (approving), or made and not yet in D1 (approved). */
export interface Decision {
  /** The approver's request. */
  actor: AuditActor;
  /** The version approved (the approver's time in place of the draft's, if given). */
  version?: PostVersion;
  /** Made once the approval went the normal way: fixed, so a repeated write adds nothing. */
  recorded?: { decidedAt: string; revisionId: string; audit: PendingAuditRow };
  /** When the post went (scheduled, or its publish recorded) and post.approved was emitted (approval-events.ts). */
  wentAt?: string;
}

export interface ApprovalRow {
  requestId: string;
  /** The publish input as drafted or last edited, before its configuration is applied. */
  input: PublishInput;
  drafter: Drafter;
  reason: ApprovalReason;
  state: ApprovalRowState;
  decision: Decision | null;
}

type StoredRow = {
  request_id: string;
  input: string;
  drafter: string;
  reason: ApprovalReason;
  state: ApprovalRowState;
  decision: string | null;
};

function rowOf(stored: StoredRow): ApprovalRow {
  return {
    requestId: stored.request_id,
    input: JSON.parse(stored.input) as PublishInput,
    drafter: JSON.parse(stored.drafter) as Drafter,
    reason: stored.reason,
    state: stored.state,
    decision: stored.decision ? (JSON.parse(stored.decision) as Decision) : null,
  };
}

export class ApprovalStore {
  constructor(private readonly sql: SqlStorage) {}

  find(requestId: string): ApprovalRow | null {
    const stored = this.sql
      .exec<StoredRow>("SELECT * FROM pending_approvals WHERE request_id = ?", requestId)
      .toArray()[0];
    return stored ? rowOf(stored) : null;
  }

  /** Approvals made that D1 has not learnt yet. */
  approved(limit: number): ApprovalRow[] {
    return this.sql
      .exec<StoredRow>("SELECT * FROM pending_approvals WHERE state = 'approved' ORDER BY request_id LIMIT ?", limit)
      .toArray()
      .map(rowOf);
  }

  insert(input: PublishInput, drafter: Drafter, reason: ApprovalReason, nowMs: number): void {
    this.sql.exec(
      `INSERT INTO pending_approvals (request_id, input, drafter, reason, state, created_at_ms)
       VALUES (?, ?, ?, ?, 'pending', ?)`,
      input.attemptId,
      JSON.stringify(input),
      JSON.stringify(drafter),
      reason,
      nowMs,
    );
  }

  setInput(requestId: string, input: PublishInput): void {
    this.sql.exec("UPDATE pending_approvals SET input = ? WHERE request_id = ?", JSON.stringify(input), requestId);
  }

  setState(requestId: string, state: ApprovalRowState, decision: Decision | null): void {
    this.sql.exec(
      "UPDATE pending_approvals SET state = ?, decision = ? WHERE request_id = ?",
      state,
      decision ? JSON.stringify(decision) : null,
      requestId,
    );
  }

  /** Marks an approval under way as gone, its post.approved emitted (approval-events.ts). */
  markWent(requestId: string, at: string): void {
    this.sql.exec(
      "UPDATE pending_approvals SET decision = json_set(coalesce(decision, '{}'), '$.wentAt', ?) WHERE request_id = ?",
      at,
      requestId,
    );
  }

  delete(requestId: string): void {
    this.sql.exec("DELETE FROM pending_approvals WHERE request_id = ?", requestId);
  }

  /** Whether the schedule holds the post (an approval for later stored it before a reset). */
  scheduled(requestId: string): boolean {
    return this.sql.exec("SELECT 1 FROM scheduled_posts WHERE request_id = ?", requestId).toArray().length > 0;
  }
}
