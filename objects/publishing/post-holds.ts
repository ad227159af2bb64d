// Held posts (docs/publishing.md, Held posts). A scheduled post that comes due while its
// tenant is suspended or deleted, while its subscription stops publishing (canceled, or
// past_due after its grace: docs/billing.md), or while the member who answers for it is
// suspended or removed, is not sent: it stays in the schedule marked held, and never fires until
// an owner or admin releases it with a new time (Scheduler.release) or it is cancelled.
// Who answers for a post is its author, or the owner or admin who released it over the
// author's removal (vouched_by).
//
// What decides is read at that moment, never from a cache: the tenant's status and
// subscription from the directory (TenantRecordCache.currentStanding, the grace on the
// object's clock), the members' from the tenant's users. A
// hold is kept in the object's SQLite first, with its audit row made then (its id fixed),
// so from that instant the post cannot fire whatever happens next; D1 learns it (status
// held with its reason, and the audit row, in one batch) right after, or on the alarm's
// next run when D1 refused: a hold written twice writes nothing twice.
import { type SubscriptionGate, subscriptionGate } from "../../src/core/billing/subscription";
import { type Clock, isoNow } from "../../src/core/clock";
import {
  type AuditActor,
  type PendingAuditRow,
  pendingAuditRow,
  pendingAuditStatement,
} from "../../src/core/db/audit-logs";
import { type HoldReason, holdPublishRequests, toPost } from "../../src/core/db/publish-requests";
import { tenantScope } from "../../src/core/db/tenant-scope";
import type { TenantStatus } from "../../src/core/db/tenants";
import { activeUserIds } from "../../src/core/db/users";
import { postsIn } from "../../src/core/webhooks/post-rows";
import type { PublishInput, ReleaseRefusal } from "../tenant-object/contract";
import type { WebhookEmitter } from "../webhooks/webhook-outbox";
import type { TenantRecordCache, TenantStanding } from "./tenant-record";

/** A post in the schedule, as the holds see it. */
export interface ScheduledPost {
  request_id: string;
  input: string;
  vouched_by: string | null;
  held_reason: HoldReason | null;
}

/** Holds D1 learns per batch (two statements, whatever the number). */
const RECORD_BATCH = 50;

/** Why a stopped tenant's posts are held; null while it is active. */
export function stopReason(status: TenantStatus): HoldReason | null {
  if (status === "suspended") return "tenant_suspended";
  if (status === "deleted") return "tenant_deleted";
  return null;
}

/** Why the subscription holds the tenant's posts (its gate stops publishing); null when it does not. */
export function subscriptionReason(gate: SubscriptionGate): HoldReason | null {
  if (gate.stops === "writes") return "subscription_canceled";
  if (gate.stops === "publishing") return "subscription_past_due";
  return null;
}

/** Who answers for a post when it fires: the releaser who vouched for it, or its author. */
export function answerableFor(post: Pick<ScheduledPost, "input" | "vouched_by">): string | null {
  return post.vouched_by ?? (JSON.parse(post.input) as PublishInput).actor.userId;
}

export class PostHolds {
  private recording: Promise<void> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly tenant: TenantRecordCache,
    private readonly clock: Clock,
    /** post.held leaves once D1 has the hold (drain). */
    private readonly webhooks: WebhookEmitter,
  ) {}

  /** Why each of `posts` must not go out now; a post that may go is absent. */
  async reasons(posts: readonly Pick<ScheduledPost, "request_id" | "input" | "vouched_by">[]) {
    const reasons = new Map<string, HoldReason>();
    if (posts.length === 0) return reasons;
    const stopped = this.standingReason(await this.tenant.currentStanding());
    for (const post of stopped ? posts : await this.withoutActiveMember(posts)) {
      reasons.set(post.request_id, stopped ?? "author_removed");
    }
    return reasons;
  }

  /** Why the tenant's posts are held now, by its status first, then its subscription; null: they may go. */
  private standingReason(standing: TenantStanding): HoldReason | null {
    return stopReason(standing.status) ?? subscriptionReason(subscriptionGate(standing.billing, this.clock()));
  }

  /** The posts whose answerable member is suspended or removed (one read of the tenant's users). */
  private async withoutActiveMember<T extends Pick<ScheduledPost, "input" | "vouched_by">>(
    posts: readonly T[],
  ): Promise<T[]> {
    const members = new Set(posts.map(answerableFor).filter((id): id is string => id !== null));
    const active = await activeUserIds(await tenantScope(this.env, this.tenantId), [...members]);
    return posts.filter((post) => {
      const userId = answerableFor(post);
      return userId !== null && !active.has(userId);
    });
  }

  /**
   * Why a held post cannot be released now: its tenant is still stopped, its subscription
   * stops publishing, or who answers for it is still suspended or removed (unless the
   * releaser takes it over: `overrideAuthorRemoved`). Null when it can.
   */
  async releaseRefusal(post: ScheduledPost, overrideAuthorRemoved: boolean): Promise<ReleaseRefusal | null> {
    const { status, billing } = await this.tenant.currentStanding();
    if (stopReason(status)) return { kind: "tenant_stopped", heldReason: post.held_reason, tenantStatus: status };
    const gate = subscriptionGate(billing, this.clock());
    if (subscriptionReason(gate)) return { kind: "payment_required", heldReason: post.held_reason, gate };
    if (overrideAuthorRemoved || (await this.withoutActiveMember([post])).length === 0) return null;
    return { kind: "author_removed", heldReason: post.held_reason, authorId: answerableFor(post) };
  }

  /**
   * Holds a due post: from this statement on it never fires. Its audit row (the system's
   * doing) is made now and written to D1 with the hold (record).
   */
  hold(post: ScheduledPost, reason: HoldReason): void {
    const input = JSON.parse(post.input) as PublishInput;
    const actor: AuditActor = {
      tenantId: this.tenantId,
      userId: "system",
      ip: null,
      userAgent: null,
      requestId: `hold:${post.request_id}`,
    };
    const audit = pendingAuditRow(
      actor,
      {
        action: "post.hold",
        resourceType: "post",
        resourceId: post.request_id,
        metadata: {
          reason,
          author_id: input.actor.userId,
          ...(post.vouched_by ? { vouched_by: post.vouched_by } : {}),
          scheduled_at: input.scheduledAtMs === null ? null : new Date(input.scheduledAtMs).toISOString(),
        },
      },
      isoNow(this.clock),
    );
    this.sql.exec(
      "UPDATE scheduled_posts SET held_reason = ?, hold_audit = ? WHERE request_id = ? AND held_reason IS NULL",
      reason,
      JSON.stringify(audit),
      post.request_id,
    );
  }

  /**
   * Writes to D1 every hold it does not have yet. A caller arriving during a write waits
   * for it and then writes what is left, so the holds made before the call are in D1
   * when it resolves. Rejects when D1 refused (the holds stay for the next try).
   */
  async record(): Promise<void> {
    while (this.recording) await this.recording.catch(() => undefined);
    if (!this.pending(1).length) return;
    this.recording = this.drain();
    try {
      await this.recording;
    } finally {
      this.recording = null;
    }
  }

  private pending(limit: number) {
    return this.sql
      .exec<{ request_id: string; held_reason: HoldReason; hold_audit: string }>(
        "SELECT request_id, held_reason, hold_audit FROM scheduled_posts WHERE hold_audit IS NOT NULL ORDER BY request_id LIMIT ?",
        limit,
      )
      .toArray();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const holds = this.pending(RECORD_BATCH);
      if (holds.length === 0) return;
      const scope = await tenantScope(this.env, this.tenantId);
      await scope.db.batch([
        holdPublishRequests(
          scope,
          holds.map((hold) => ({ requestId: hold.request_id, reason: hold.held_reason })),
          isoNow(this.clock),
        ),
        pendingAuditStatement(
          scope.db,
          holds.map((hold) => JSON.parse(hold.hold_audit) as PendingAuditRow),
        ),
      ]);
      // post.held shows the post as D1 has it now, held; read before the step that marks the
      // holds written, so the events leave in that same step (a reset before it writes
      // the holds again, and their events with them).
      const ids = holds.map((hold) => hold.request_id);
      const held = this.webhooks.wanted("post.held") ? await postsIn(scope, ids) : [];
      this.sql.exec(
        "UPDATE scheduled_posts SET hold_audit = NULL WHERE request_id IN (SELECT value FROM json_each(?))",
        JSON.stringify(ids),
      );
      for (const post of held) if (post.status === "held") this.webhooks.emitPost("post.held", toPost(post));
    }
  }
}
