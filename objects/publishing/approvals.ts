// Posts that wait for a person's approval (docs/approvals.md). A client's publish whose
// drafter the tenant's rules hold back (src/core/auth/approvals.ts: an agent's post, a
// post of a key whose posts wait, an editor's under editors_and_agents) is checked as
// admission checks a post (its account, its platform's rules and its configuration's)
// and stored: its D1 row in status pending_approval, its first version as a revision, the
// object's row (pending_approvals) with its input as drafted. Nothing is scheduled,
// sent or counted in the plan's month.
//
// An approval takes the post the normal way from admission (publish-flow.ts,
// forApproval): its windows, the plan's posts a month (counted now, at approval), its
// configuration as it stands now, then the schedule or the platform. The object's row
// is marked approving in the synchronous step that finds it waiting, so of two
// approvals at once only one goes on (the other is answered approval_busy); a refusal
// before anything was scheduled or sent (a full window, the month's quota, a rule)
// leaves it waiting, answered as POST /v1/posts would be. Once it went, who approved
// it reaches D1 with the approval's audit row and revision (recordDecided: written
// again until D1 has them, with ids fixed when made). A rejection ends the wait with
// its reason (status rejected); an edit keeps each version as a revision; a cancel
// withdraws it. Dashboards learn each change over the live socket ("approval"), and the
// tenant's webhook endpoints as events (approval-events.ts: post.pending_approval,
// post.approved, post.rejected).
//
// Who may decide on which post is the route's (src/router/routes/post-approvals.ts).
import { type ApprovalReason, approvalReason, type Drafter } from "../../src/core/auth/approvals";
import { type Clock, isoNow } from "../../src/core/clock";
import {
  approvalOf,
  cancelPending,
  recordApproval,
  rejectPending,
  setPendingFields,
} from "../../src/core/db/approvals";
import { type AuditActor, auditStatement, pendingAuditRow, pendingAuditStatement } from "../../src/core/db/audit-logs";
import { isTriggerAbort } from "../../src/core/db/errors";
import { newId } from "../../src/core/db/ids";
import { insertPendingPost, pendingRow } from "../../src/core/db/pending-posts";
import { changedFields, insertPostRevision, type PostVersion } from "../../src/core/db/post-revisions";
import { expectChanges, PRECONDITION_FAILED } from "../../src/core/db/preconditions";
import {
  getPublishRequest,
  type PostView,
  type PublishRequestRow,
  selectPublishRequest,
  toPost,
} from "../../src/core/db/publish-requests";
import { type TenantScope, tenantScope } from "../../src/core/db/tenant-scope";
import type {
  Approval,
  ApprovalConflict,
  CheckRefusal,
  FlowResult,
  PendingEdit,
  PublishInput,
  PublishOutcome,
  Rejection,
} from "../tenant-object/contract";
import type { WebhookEmitter } from "../webhooks/webhook-outbox";
import type { Admission } from "./admission";
import { emitPendingApproval, emitRejected } from "./approval-events";
import { type ApprovalRow, ApprovalStore, type Decision } from "./approval-store";
import type { Attempts } from "./attempts";
import { requestRow } from "./compose";
import { claimKey, releaseKey, storeOutcome } from "./idempotency";
import { KEY_IN_PROGRESS, KEY_MISMATCH } from "./outcome";
import type { DraftGate, PublishFlow } from "./publish-flow";
import type { TenantRecordCache } from "./tenant-record";

/** A waiting post's own time, when it has gone by (or nearly) at approval: it goes at once. */
const MIN_AHEAD_MS = 5_000;
/** Approvals D1 learns per run of recordDecided. */
const RECORD_BATCH = 20;

const NOT_PENDING: ApprovalConflict = { kind: "not_pending", detail: "This post is not waiting for approval" };
const UNDER_WAY: ApprovalConflict = {
  kind: "approval_busy",
  detail: "An approval of this post is under way: its outcome decides what becomes of it",
};
const CHANGING: ApprovalConflict = {
  kind: "approval_busy",
  detail: "Another request is changing this post; try again",
};

/** The version of a waiting post its input stands for (before its configuration is applied). */
export function versionOf(input: PublishInput): PostVersion {
  return {
    account_id: input.accountId,
    text: input.draft.text,
    hashtags: input.draft.hashtags,
    image_url: input.draft.imageUrl,
    video_url: input.draft.videoUrl,
    scheduled_at: input.bestTime
      ? "best"
      : input.scheduledAtMs === null
        ? null
        : new Date(input.scheduledAtMs).toISOString(),
  };
}

/** The input with `edit`'s fields in place of the draft's. */
function edited(input: PublishInput, edit: PendingEdit): PublishInput {
  const draft = {
    text: edit.text ?? input.draft.text,
    hashtags: edit.hashtags ?? input.draft.hashtags,
    imageUrl: edit.imageUrl !== undefined ? edit.imageUrl : input.draft.imageUrl,
    videoUrl: edit.videoUrl !== undefined ? edit.videoUrl : input.draft.videoUrl,
  };
  if (edit.scheduledAt === undefined) return { ...input, draft };
  if (edit.scheduledAt === "best") return { ...input, draft, scheduledAtMs: null, bestTime: true };
  return { ...input, draft, scheduledAtMs: edit.scheduledAt, bestTime: false };
}

/** Whether a publish's end took the post out of the wait: it was scheduled or sent (recorded). */
function went(result: FlowResult): boolean {
  return ["published", "accepted", "platform_refused", "replayed"].includes(result.kind);
}

/** The fields of the D1 row a post's configured input makes (its text as it goes out). */
function fieldsOf(record: PublishRequestRow) {
  return {
    text: record.text,
    hashtags: record.hashtags,
    imageUrl: record.image_url,
    videoUrl: record.video_url,
    scheduledAt: record.scheduled_at,
  };
}

export class PostApprovals implements DraftGate {
  private readonly store: ApprovalStore;
  /** Posts a call of this instance is changing: another call about them is answered busy. */
  private readonly busy = new Set<string>();
  private recording: Promise<void> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly tenant: TenantRecordCache,
    private readonly admission: Admission,
    private readonly attempts: Attempts,
    /** The publish's steps, for an approved post (made after this part: publish-flow.ts needs it). */
    private readonly publishing: () => PublishFlow,
    private readonly clock: Clock,
    /** Sends a message to every live dashboard of the tenant. */
    private readonly live: (message: string) => void,
    /** post.pending_approval and post.rejected leave with the change they report (approval-events.ts). */
    private readonly webhooks: WebhookEmitter,
  ) {
    this.store = new ApprovalStore(sql);
  }

  async waits(drafter: Drafter): Promise<ApprovalReason | null> {
    return approvalReason((await this.tenant.get()).approvals, drafter);
  }

  /** Stores a client's post to wait: 202 with the post pending_approval, a replay, or the refusal. */
  async draft(input: PublishInput, drafter: Drafter, reason: ApprovalReason): Promise<PublishOutcome> {
    const key = input.idempotencyKey;
    if (key) {
      const claim = claimKey(this.sql, key, input.attemptId, input.requestHash, this.clock());
      if (claim.kind === "replay") return { kind: "replayed", first: claim.first };
      if (claim.kind === "in_progress") return KEY_IN_PROGRESS;
      if (claim.kind === "mismatch") return KEY_MISMATCH;
    }
    let outcome: PublishOutcome;
    try {
      outcome = await this.stored(input, drafter, reason);
    } catch (error) {
      if (key) releaseKey(this.sql, key, input.attemptId);
      throw error;
    }
    if (key && outcome.kind === "accepted") storeOutcome(this.sql, key, input.attemptId, outcome);
    else if (key) releaseKey(this.sql, key, input.attemptId);
    return outcome;
  }

  private async stored(input: PublishInput, drafter: Drafter, reason: ApprovalReason): Promise<PublishOutcome> {
    const configured = await this.admission.configure(input);
    if (configured.kind === "refused") return configured.refusal;
    const scope = await tenantScope(this.env, this.tenantId);
    const now = isoNow(this.clock);
    const row = pendingRow(
      requestRow(this.tenantId, configured.input, configured.platform, now),
      reason,
      drafter.keyId,
    );
    const earlier = this.store.find(input.attemptId);
    if (earlier) {
      // A repeat after a reset (publishNow's retry): the first call may have stored it all.
      const stored = await getPublishRequest(scope, input.attemptId);
      if (stored) return { kind: "accepted", post: toPost(stored) };
    } else {
      // The object's row first: a post D1 has waiting always has its input here.
      const kept: PublishInput = { ...input, idempotencyKey: null, requestHash: "", retry: undefined };
      this.store.insert(kept, drafter, reason, this.clock());
    }
    try {
      await scope.db.batch([
        insertPendingPost(scope, row),
        insertPostRevision(scope, {
          eventId: newId("revision", this.clock()),
          postId: row.request_id,
          editedBy: input.actor.userId,
          type: "drafted",
          classification: null,
          note: null,
          version: versionOf(input),
          changed: [],
          at: now,
        }),
        auditStatement(
          scope.db,
          input.actor,
          {
            action: "post.draft",
            resourceType: "post",
            resourceId: row.request_id,
            metadata: {
              account_id: row.account_id,
              approval_reason: reason,
              key_id: drafter.keyId,
              agent: drafter.agent,
              scheduled_at: row.scheduled_at,
            },
          },
          now,
        ),
      ]);
    } catch (error) {
      this.store.delete(input.attemptId);
      throw error;
    }
    const post = toPost(row);
    // In the step right after D1 has it waiting, as the schedule's events are (scheduler.ts).
    emitPendingApproval(this.webhooks, post);
    this.announce(post);
    return { kind: "accepted", post };
  }

  /** Approves a waiting post: it goes the normal way (see the top of this file). */
  async approve(requestId: string, approval: Approval): Promise<FlowResult | ApprovalConflict> {
    await this.recordDecided();
    const row = this.store.find(requestId);
    if (!row || row.state === "approved") return NOT_PENDING;
    if (this.busy.has(requestId)) return row.state === "approving" ? UNDER_WAY : CHANGING;
    if (row.state === "approving") {
      // Left by an approval whose request ended before its outcome (the object was reset,
      // or the route never came back from a token refresh): its attempt says how far it went.
      const earlier = this.attempts.earlier(requestId);
      if (earlier.kind === "unsent" || earlier.kind === "called") return UNDER_WAY;
      if (earlier.kind === "finished" || this.store.scheduled(requestId)) {
        const post = await this.current(await tenantScope(this.env, this.tenantId), requestId);
        await this.settle(requestId, earlier.kind === "finished" ? earlier.outcome : accepted(post));
        return NOT_PENDING;
      }
      // Nothing was admitted, or what was published nothing: it goes now as a fresh approval.
    }
    const input = this.approvedInput(row, approval);
    this.busy.add(requestId);
    this.store.setState(requestId, "approving", { actor: approval.actor, version: versionOf(input) });
    try {
      const result = await this.goes(row, input);
      await this.settle(requestId, result);
      return this.withApproval(result, row, approval.actor);
    } catch (error) {
      // Nothing went unless an attempt was opened: then it stays approving, and its
      // attempt decides at the next approval.
      if (this.attempts.earlier(requestId).kind === "none" && !this.store.scheduled(requestId)) {
        this.store.setState(requestId, "pending", null);
      }
      throw error;
    } finally {
      this.busy.delete(requestId);
    }
  }

  /** The post's input as approved: its author, the approver's request, and the approver's time if given. */
  private approvedInput(row: ApprovalRow, approval: Approval): PublishInput {
    const input: PublishInput = {
      ...row.input,
      idempotencyKey: null,
      requestHash: "",
      retry: undefined,
      actor: { ...row.input.actor, requestId: approval.actor.requestId },
    };
    if (approval.bestTime) return { ...input, scheduledAtMs: null, bestTime: true };
    if (approval.scheduledAtMs !== null) return { ...input, scheduledAtMs: approval.scheduledAtMs, bestTime: false };
    // Its own time gone by while it waited: it goes at once.
    if (!input.bestTime && input.scheduledAtMs !== null && input.scheduledAtMs < this.clock() + MIN_AHEAD_MS) {
      return { ...input, scheduledAtMs: null };
    }
    return input;
  }

  /** The configured post in D1 as it goes, then the normal way from admission. */
  private async goes(row: ApprovalRow, input: PublishInput): Promise<FlowResult | ApprovalConflict> {
    const configured = await this.admission.configure(input);
    if (configured.kind === "refused") return configured.refusal;
    // Its text (the configuration's call to action) and time as they go, before the
    // schedule or the record writes the rest; only while D1 has it waiting.
    const scope = await tenantScope(this.env, this.tenantId);
    const record = requestRow(this.tenantId, configured.input, configured.platform, isoNow(this.clock));
    try {
      await scope.db.batch([
        setPendingFields(scope, row.requestId, fieldsOf(record), record.updated_at),
        expectChanges(scope.db, 1),
      ]);
    } catch (error) {
      if (!isTriggerAbort(error, PRECONDITION_FAILED)) throw error;
      // D1 does not have it waiting (changed behind the object's back): nothing to approve.
      this.store.delete(row.requestId);
      return NOT_PENDING;
    }
    return this.publishing().forApproval(configured.input);
  }

  /**
   * How an approval under way ended (`result`: its publish's, or resumePublish's after the
   * route's refresh): gone, it is approved and D1 learns who approved it; refused before
   * anything went, it waits again; handed back for a refresh, it stays under way.
   */
  async settle(requestId: string, result: FlowResult | ApprovalConflict): Promise<void> {
    const row = this.store.find(requestId);
    if (row?.state !== "approving" || result.kind === "refresh_needed") return;
    if (result.kind === "not_pending" || result.kind === "approval_busy") return;
    if (!went(result)) {
      this.store.setState(requestId, "pending", null);
      return;
    }
    const actor = row.decision?.actor ?? systemActor(this.tenantId, requestId);
    // The time post.approved said it went (approval-events.ts), so D1 says the same.
    const decidedAt = row.decision?.wentAt ?? isoNow(this.clock);
    const decision: Decision = {
      actor,
      version: row.decision?.version ?? versionOf(row.input),
      recorded: {
        decidedAt,
        revisionId: newId("revision", this.clock()),
        audit: pendingAuditRow(
          { ...actor, tenantId: this.tenantId },
          {
            action: "post.approve",
            resourceType: "post",
            resourceId: requestId,
            metadata: { author_id: row.input.actor.userId, approval_reason: row.reason, outcome: result.kind },
          },
          decidedAt,
        ),
      },
    };
    this.store.setState(requestId, "approved", decision);
    const post = "post" in result ? result.post : result.kind === "replayed" ? result.first.post : null;
    if (post) this.announce(post);
    await this.recordDecided();
  }

  /**
   * Writes to D1 every approval made that it does not have yet: who approved and when,
   * the approved version as a revision, the audit row. Failing, they stay for the next
   * call (each write carries ids fixed when the approval was made).
   */
  async recordDecided(): Promise<void> {
    while (this.recording) await this.recording;
    if (this.store.approved(1).length === 0) return;
    this.recording = this.writeDecided().catch((error) => {
      console.warn(`TenantObject ${this.tenantId}: approvals kept until D1 takes them (${String(error)})`);
    });
    try {
      await this.recording;
    } finally {
      this.recording = null;
    }
  }

  private async writeDecided(): Promise<void> {
    const scope = await tenantScope(this.env, this.tenantId);
    for (const row of this.store.approved(RECORD_BATCH)) {
      const recorded = row.decision?.recorded;
      const actor = row.decision?.actor;
      if (!recorded || !actor) {
        this.store.delete(row.requestId);
        continue;
      }
      await scope.db.batch([
        recordApproval(scope, row.requestId, actor.userId ?? "system", recorded.decidedAt),
        insertPostRevision(scope, {
          eventId: recorded.revisionId,
          postId: row.requestId,
          editedBy: actor.userId,
          type: "approved",
          classification: null,
          note: null,
          version: row.decision?.version ?? versionOf(row.input),
          changed: changedFields(versionOf(row.input), row.decision?.version ?? versionOf(row.input)),
          at: recorded.decidedAt,
        }),
        pendingAuditStatement(scope.db, [recorded.audit]),
      ]);
      this.store.delete(row.requestId);
    }
  }

  /** Rejects a waiting post with its reason. */
  async reject(requestId: string, rejection: Rejection): Promise<PostView | ApprovalConflict> {
    const row = this.store.find(requestId);
    const refused = this.refusalToChange(row, requestId);
    if (refused || !row) return refused ?? NOT_PENDING;
    this.busy.add(requestId);
    try {
      const scope = await tenantScope(this.env, this.tenantId);
      const now = isoNow(this.clock);
      const approverId = rejection.actor.userId ?? "system";
      const written = await this.writeIfWaiting(scope, requestId, [
        rejectPending(scope, requestId, { approverId, reason: rejection.reason }, now),
        expectChanges(scope.db, 1),
        insertPostRevision(scope, {
          eventId: newId("revision", this.clock()),
          postId: requestId,
          editedBy: rejection.actor.userId,
          type: "rejected",
          classification: null,
          note: rejection.reason,
          version: versionOf(row.input),
          changed: [],
          at: now,
        }),
        auditStatement(
          scope.db,
          rejection.actor,
          {
            action: "post.reject",
            resourceType: "post",
            resourceId: requestId,
            metadata: { author_id: row.input.actor.userId, approval_reason: row.reason },
          },
          now,
        ),
        // The post as rejected, read back in the same batch for its event.
        selectPublishRequest(scope, requestId),
      ]);
      if (!written) return NOT_PENDING;
      this.store.delete(requestId);
      // In the step right after D1 has the rejection, as post.cancelled is (scheduler.ts).
      const rejected = written.at(-1)?.results[0] as PublishRequestRow | undefined;
      if (!rejected) return this.announced(scope, requestId);
      const post = toPost(rejected);
      emitRejected(this.webhooks, post, rejection.reason);
      this.announce(post);
      return post;
    } finally {
      this.busy.delete(requestId);
    }
  }

  /** Edits a waiting post: checked as a draft, kept as a revision naming the fields it changed. */
  async edit(requestId: string, edit: PendingEdit): Promise<PostView | ApprovalConflict | CheckRefusal> {
    const row = this.store.find(requestId);
    const refused = this.refusalToChange(row, requestId);
    if (refused || !row) return refused ?? NOT_PENDING;
    this.busy.add(requestId);
    try {
      const scope = await tenantScope(this.env, this.tenantId);
      const next = edited(row.input, edit);
      const changed = changedFields(versionOf(row.input), versionOf(next));
      // Nothing different (a repeat, or the same values): no version is added.
      if (changed.length === 0) return (await this.current(scope, requestId)) ?? NOT_PENDING;
      const configured = await this.admission.configure(next);
      if (configured.kind === "refused") return configured.refusal;
      const now = isoNow(this.clock);
      const record = requestRow(this.tenantId, configured.input, configured.platform, now);
      const written = await this.writeIfWaiting(scope, requestId, [
        setPendingFields(scope, requestId, fieldsOf(record), now),
        expectChanges(scope.db, 1),
        insertPostRevision(scope, {
          eventId: newId("revision", this.clock()),
          postId: requestId,
          editedBy: edit.actor.userId,
          type: "manual_edit",
          classification: edit.classification,
          note: edit.note,
          version: versionOf(next),
          changed,
          at: now,
        }),
        auditStatement(
          scope.db,
          edit.actor,
          {
            action: "post.edit",
            resourceType: "post",
            resourceId: requestId,
            metadata: { changed, classification: edit.classification },
          },
          now,
        ),
      ]);
      if (!written) return NOT_PENDING;
      this.store.setInput(requestId, next);
      return this.announced(scope, requestId);
    } finally {
      this.busy.delete(requestId);
    }
  }

  /** Withdraws a waiting post (DELETE /v1/posts/{id}); null when it is not waiting, or being decided on. */
  async cancel(requestId: string, actor: AuditActor): Promise<PostView | null> {
    const row = this.store.find(requestId);
    if (!row || this.refusalToChange(row, requestId)) return null;
    this.busy.add(requestId);
    try {
      const scope = await tenantScope(this.env, this.tenantId);
      const now = isoNow(this.clock);
      const written = await this.writeIfWaiting(scope, requestId, [
        cancelPending(scope, requestId, now),
        expectChanges(scope.db, 1),
        auditStatement(
          scope.db,
          actor,
          {
            action: "post.cancel",
            resourceType: "post",
            resourceId: requestId,
            metadata: { approval_reason: row.reason },
          },
          now,
        ),
      ]);
      if (!written) return null;
      this.store.delete(requestId);
      return this.announced(scope, requestId);
    } finally {
      this.busy.delete(requestId);
    }
  }

  /** Why the post cannot be rejected, edited or withdrawn now; null when it can. */
  private refusalToChange(row: ApprovalRow | null, requestId: string): ApprovalConflict | null {
    if (!row || row.state === "approved") return NOT_PENDING;
    if (row.state === "approving") return UNDER_WAY;
    if (this.busy.has(requestId)) return CHANGING;
    return null;
  }

  /**
   * Writes `statements` (whose first must change the waiting post, checked by the
   * expectChanges after it): their results, or null when D1 no longer has it waiting,
   * and then the object's row goes too (D1 decides what waits).
   */
  private async writeIfWaiting(
    scope: TenantScope,
    requestId: string,
    statements: D1PreparedStatement[],
  ): Promise<D1Result[] | null> {
    try {
      return await scope.db.batch(statements);
    } catch (error) {
      if (!isTriggerAbort(error, PRECONDITION_FAILED)) throw error;
      this.store.delete(requestId);
      return null;
    }
  }

  private async current(scope: TenantScope, requestId: string): Promise<PostView | null> {
    const row = await getPublishRequest(scope, requestId);
    return row ? toPost(row) : null;
  }

  /** The post as D1 has it now, told to the live dashboards. */
  private async announced(scope: TenantScope, requestId: string): Promise<PostView> {
    const post = await this.current(scope, requestId);
    if (!post) throw new Error(`post ${requestId} has no publish_requests row`);
    this.announce(post);
    return post;
  }

  /** Every live dashboard learns how a post that waits (or waited) stands now. */
  private announce(post: PostView): void {
    this.live(JSON.stringify({ type: "approval", at: isoNow(this.clock), post }));
  }

  /** An approval's outcome with its post showing the approval (the record's view has not learnt it). */
  private withApproval(
    result: FlowResult | ApprovalConflict,
    row: ApprovalRow,
    approver: AuditActor,
  ): FlowResult | ApprovalConflict {
    const shown = (post: PostView): PostView => ({
      ...post,
      approval: approvalOf({
        status: post.status,
        approval_reason: row.reason,
        drafted_by_key: row.drafter.keyId,
        decided_by: approver.userId,
        decided_at: isoNow(this.clock),
      }),
    });
    switch (result.kind) {
      case "published":
      case "accepted":
      case "platform_refused":
        return { ...result, post: shown(result.post) };
      default:
        return result;
    }
  }
}

/** The outcome of an approval for later that the schedule already holds. */
function accepted(post: PostView | null): FlowResult {
  return post ? { kind: "accepted", post } : { kind: "not_found", detail: "No such post" };
}

function systemActor(tenantId: string, requestId: string): AuditActor {
  return { tenantId, userId: "system", ip: null, userAgent: null, requestId: `approve:${requestId}` };
}
