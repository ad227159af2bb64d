// Step 8 of a publish (publish-flow.ts): the record. How the platform call went is
// written to the object's SQLite before the answer leaves (outcome.ts says what the
// record and the outcome are): the Idempotency-Key keeps the outcome for a repeat, the
// D1 rows follow through the outbox (record-outbox.ts), and a published post starts
// being counted. A send that published nothing is not recorded: its slot, its place in
// the plan's month (post-quota.ts) and its key go back, and the client may retry.
import { type Clock, isoNow } from "../../src/core/clock";
import type { PublishRequestRow } from "../../src/core/db/publish-requests";
import type { Platform, PostContent } from "../../src/core/platforms/types";
import type { SlidingLog } from "../storage/sliding-log";
import type { Timers } from "../storage/timers";
import type { PublishOutcome } from "../tenant-object/contract";
import type { WebhookEmitter } from "../webhooks/webhook-outbox";
import type { AccountTokens } from "./account-tokens";
import type { Attempts } from "./attempts";
import { composePost, requestRow } from "./compose";
import { releaseKey, storeOutcome } from "./idempotency";
import { containerCadence, trackContainer } from "./media-containers";
import {
  isRecorded,
  NO_ACCOUNT,
  NO_ATTEMPT,
  platformResetAtMs,
  processedRecord,
  recordedOutcome,
  sentRecord,
  unsentRefusal,
} from "./outcome";
import type { PostQuota } from "./post-quota";
import { recordPlatformQuota, releaseSlot, windowFor } from "./rate-windows";
import { watchedRecord } from "./reconcile-store";
import { RecordOutbox } from "./record-outbox";
import type { TenantRecordCache } from "./tenant-record";
import type { SendOutcome } from "./types";

/** A published post, as analytics starts counting it (parts.ts, startCounting). */
export interface PublishedPost {
  postId: string;
  platform: Platform;
  accountId: string;
  platformPostId: string;
  publishedAtMs: number;
  campaignId: string | null;
}

export class PublishRecord {
  /** Finished publishes wait here for D1, in batches. */
  readonly outbox: RecordOutbox;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly tokens: AccountTokens,
    private readonly tenant: TenantRecordCache,
    private readonly attempts: Attempts,
    /** The accounts' windows (rate_hits), shared with admission, which took the slots. */
    private readonly log: SlidingLog,
    /** The plan's posts a month, counted by admission: a post that went nowhere gives its place back. */
    private readonly quota: PostQuota,
    private readonly timers: Timers<"record-pending" | "media-containers" | "reconcile-outcomes">,
    private readonly onPublished: (post: PublishedPost) => void,
    private readonly clock: Clock,
    /** Each record's post event leaves with it (record-outbox.ts). */
    webhooks: WebhookEmitter,
  ) {
    this.outbox = new RecordOutbox(sql, env, tenantId, timers, clock, webhooks);
  }

  /** Records how the platform call went; the outcome. Safe to call twice: a finished attempt keeps its outcome. */
  async finish(attemptId: string, sent: SendOutcome): Promise<PublishOutcome> {
    const settling = this.attempts.settling(attemptId);
    if (!settling) return NO_ATTEMPT;
    if (settling.kind === "finished") return settling.outcome;
    const { input } = settling;
    const account = await this.tokens.load(input.accountId);
    if (!account) return NO_ACCOUNT;
    const spec = windowFor(account.platform, (await this.tenant.get()).windows[account.platform]);
    const nowMs = this.clock();
    if (!isRecorded(sent)) {
      // Nothing happened: the slot, the month's place and the key go back, the client
      // may retry (a post of the schedule keeps its place: it is tried again).
      releaseSlot(this.sql, this.log, account.platform, attemptId);
      this.quota.giveBackUnlessScheduled(attemptId);
      if (input.idempotencyKey) releaseKey(this.sql, input.idempotencyKey, attemptId);
      if (sent.kind === "failed" && sent.error === "rate_limited") {
        // Until the platform's reset, its window is full (rate-windows.ts).
        const report = { remaining: 0, resetAtMs: platformResetAtMs(sent, nowMs), limit: null, source: "429" };
        recordPlatformQuota(this.sql, account.accountId, windowFor(account.platform), report, nowMs);
      }
      this.attempts.forget(attemptId);
      return unsentRefusal(account, sent, nowMs);
    }
    const now = isoNow(this.clock);
    // An outcome not learned is reconciled with the platform from now on (reconcile.ts).
    const record = await watchedRecord(
      this.sql,
      this.timers,
      sentRecord(requestRow(this.tenantId, input, account.platform, now), sent, now),
      this.attempts.openedAtMs(attemptId) ?? nowMs,
      nowMs,
    );
    if (sent.kind === "published" && sent.result.quota) {
      recordPlatformQuota(this.sql, account.accountId, spec, sent.result.quota, nowMs);
    }
    if (sent.kind === "processing") {
      const target = { attemptId, accountId: account.accountId, containerId: sent.containerId };
      const cadence = containerCadence(this.env, account.platform);
      await trackContainer(this.sql, this.timers, cadence, target, this.clock());
    }
    // Refused by the platform: the call counts neither against the window nor the month.
    if (record.status === "failed") {
      releaseSlot(this.sql, this.log, account.platform, attemptId);
      this.quota.giveBack(attemptId);
    }
    const outcome = recordedOutcome(record);
    if (input.idempotencyKey) storeOutcome(this.sql, input.idempotencyKey, attemptId, outcome);
    await this.outbox.add(attemptId, record);
    this.countIfPublished(record);
    return outcome;
  }

  /**
   * Gives up an attempt that never reached the platform (a scheduled post that is held
   * instead): its slot and key go back. False when its platform call was made, or it
   * is finished: its outcome is then the attempt's own.
   */
  async abandonUnsent(attemptId: string): Promise<boolean> {
    const earlier = this.attempts.earlier(attemptId);
    if (earlier.kind === "none") return true;
    if (earlier.kind !== "unsent") return false;
    await this.finish(attemptId, { kind: "failed", error: "unavailable", message: "held before it was sent" });
    return true;
  }

  /**
   * A processing post's content as it goes out (composed as its first platform call
   * composed it), for the container poller to publish its processed media with; null
   * once the attempt is settled.
   */
  processingPost(attemptId: string): PostContent | null {
    const processing = this.attempts.processing(attemptId);
    return processing ? composePost(processing.input.draft, processing.input.utmParams) : null;
  }

  /**
   * A processing post's final outcome, from the container poller: published, failed,
   * or (media_publish timed out) unknown. Recorded as any finished publish is.
   */
  async completeProcessing(attemptId: string, sent: SendOutcome): Promise<void> {
    const processing = this.attempts.processing(attemptId);
    if (!processing) return;
    const account = await this.tokens.load(processing.input.accountId);
    if (!account) return;
    const nowMs = this.clock();
    const record = await watchedRecord(
      this.sql,
      this.timers,
      processedRecord(processing.row, sent, isoNow(this.clock)),
      this.attempts.openedAtMs(attemptId) ?? nowMs,
      nowMs,
    );
    if (record.status === "failed") {
      releaseSlot(this.sql, this.log, account.platform, attemptId);
      this.quota.giveBack(attemptId);
    }
    await this.outbox.add(attemptId, record);
    this.countIfPublished(record);
  }

  /**
   * A post being reconciled (reconcile.ts): its record, and its content as it went out
   * (composed as its first call composed it); null once the attempt is gone.
   */
  reconciling(attemptId: string): { record: PublishRequestRow; post: PostContent } | null {
    const recorded = this.attempts.recorded(attemptId);
    if (!recorded) return null;
    return { record: recorded.row, post: composePost(recorded.input.draft, recorded.input.utmParams) };
  }

  /**
   * A reconciliation's news (reconcile.ts): the post's new record, written as any
   * finished publish's (the outbox), counted once published. One that failed for good
   * gives its slot and its place in the month back when `givesBack` (its second send was
   * refused: nothing of it went out); a post given up keeps them (it may be out). With
   * `containerId`, a second send still processing: the poller completes it.
   */
  async reconciled(
    attemptId: string,
    record: PublishRequestRow,
    options: { givesBack?: boolean; containerId?: string } = {},
  ): Promise<void> {
    if (record.status === "failed" && options.givesBack) {
      releaseSlot(this.sql, this.log, record.platform, attemptId);
      this.quota.giveBack(attemptId);
    }
    if (options.containerId) {
      const target = { attemptId, accountId: record.account_id, containerId: options.containerId };
      await trackContainer(this.sql, this.timers, containerCadence(this.env, record.platform), target, this.clock());
    }
    await this.outbox.add(attemptId, record);
    this.countIfPublished(record);
  }

  /**
   * A recorded post that was published is counted from now on; the analytics flush
   * sends the outbox to D1 before the figures that reference the post.
   */
  private countIfPublished(record: PublishRequestRow): void {
    if (record.status === "published" && record.platform_post_id && record.published_at) {
      this.onPublished({
        postId: record.request_id,
        platform: record.platform,
        accountId: record.account_id,
        platformPostId: record.platform_post_id,
        publishedAtMs: Date.parse(record.published_at),
        campaignId: record.campaign_id,
      });
    }
  }
}
