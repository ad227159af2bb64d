// The tenant's publishing decisions: idempotency, admission against the exact
// windows, scheduling, and recording each outcome in D1 with its audit row.
// The platform call itself happens between beginPublish and finishPublish, made by
// whoever holds the attempt (the router request, or this object's alarm).
import { type Clock, isoNow } from "../../src/clock";
import { auditStatement } from "../../src/db/audit-logs";
import { contentExists } from "../../src/db/content";
import { draftRow, type PublishRequestRow, savePublishRequest, toPost } from "../../src/db/publish-requests";
import { tenantScope } from "../../src/db/tenant-scope";
import { notConfiguredMessage, platformReach } from "../../src/platforms/mode";
import { checkPost, normaliseHashtags } from "../../src/platforms/rules";
import type { PublishResult } from "../../src/platforms/types";
import { SlidingLog } from "../storage/sliding-log";
import type { Timers } from "../storage/timers";
import type { Answer, PublishInput } from "../tenant-object/contract";
import type { AccountTokens, LoadedAccount, TokenStep } from "./account-tokens";
import { platformUnavailable, problemAnswer, recordAnswer, windowFull } from "./answers";
import { composePost } from "./compose";
import { claimKey, releaseKey, storeAnswer } from "./idempotency";
import { containerCadence, PROCESSING, trackContainer } from "./media-containers";
import { recordPlatformQuota, releaseSlot, reserveSlot, windowFor } from "./rate-windows";
import { RecordOutbox } from "./record-outbox";
import type { TenantRecordCache } from "./tenant-record";
import type { AttemptTarget, BeginStep, SendOutcome } from "./types";

type AttemptRow = {
  attempt_id: string;
  account_id: string;
  platform: LoadedAccount["platform"];
  input: string;
  /** sending: admitted, no platform call yet; calling: the call was made (its outcome may be unknown). */
  state: "sending" | "calling" | "recording" | "done";
  answer: string | null;
  row: string | null;
};

/** The record of a post the platform published: the row with the platform's id and link. */
function publishedRecord(
  row: PublishRequestRow,
  result: Pick<PublishResult, "platformPostId" | "url">,
  now: string,
): PublishRequestRow {
  return {
    ...row,
    status: "published",
    platform_post_id: result.platformPostId,
    platform_post_url: result.url,
    published_at: now,
  };
}

function notConfigured(platform: LoadedAccount["platform"]): Answer {
  return problemAnswer("platformNotConfigured", notConfiguredMessage(platform), { platform });
}

export class Publisher {
  private readonly log: SlidingLog;
  /** Finished publishes wait here for D1, in batches. */
  readonly outbox: RecordOutbox;
  /** Attempts begun by this instance and not yet finished (SQLite has them too). */
  private readonly inFlight = new Map<
    string,
    { input: PublishInput; platform: LoadedAccount["platform"]; state: "sending" | "calling" }
  >();

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly tokens: AccountTokens,
    private readonly tenant: TenantRecordCache,
    private readonly timers: Timers<"publish-due" | "record-pending" | "media-containers">,
    private readonly onPublished: (post: {
      postId: string;
      platform: LoadedAccount["platform"];
      accountId: string;
      platformPostId: string;
      publishedAtMs: number;
      campaignId: string | null;
    }) => void,
    private readonly clock: Clock,
  ) {
    this.log = new SlidingLog(sql, { table: "rate_hits", keyColumn: "account_id" });
    this.outbox = new RecordOutbox(sql, env, tenantId, timers, clock);
  }

  private attempt(attemptId: string): AttemptRow | null {
    return this.sql.exec<AttemptRow>("SELECT * FROM attempts WHERE attempt_id = ?", attemptId).toArray()[0] ?? null;
  }

  /** A finished attempt's answer: kept as is, or the record's own (recordAnswer); null while unfinished. */
  private answerOf(attempt: AttemptRow): Answer | null {
    if (attempt.answer) return JSON.parse(attempt.answer) as Answer;
    if (attempt.row) return recordAnswer(JSON.parse(attempt.row) as PublishRequestRow);
    return null;
  }

  private row(input: PublishInput, account: LoadedAccount, now: string): PublishRequestRow {
    return {
      ...draftRow({
        requestId: input.attemptId,
        accountId: input.accountId,
        platform: account.platform,
        idempotencyKey: input.idempotencyKey,
        text: composePost(input.draft, input.utmParams).text,
        imageUrl: input.draft.imageUrl,
        videoUrl: input.draft.videoUrl,
        hashtags: normaliseHashtags(input.draft.hashtags),
        scheduledAt: input.scheduledAtMs === null ? null : new Date(input.scheduledAtMs).toISOString(),
        campaignId: input.campaignId,
        utmParams: input.utmParams,
        contentId: input.contentId,
        requestedBy: input.actor.userId,
        now,
      }),
      tenant_id: this.tenantId,
    };
  }

  private sendStep(input: PublishInput, account: LoadedAccount, token: TokenStep): BeginStep {
    return {
      kind: "send",
      attemptId: input.attemptId,
      platform: account.platform,
      platformUserId: account.platformUserId,
      post: composePost(input.draft, input.utmParams),
      token,
    };
  }

  private async send(input: PublishInput, account: LoadedAccount): Promise<BeginStep> {
    return this.sendStep(input, account, await this.tokens.acquire(input.accountId));
  }

  async beginPublish(input: PublishInput): Promise<BeginStep> {
    // Only a repeated call (the router retrying after a reset) can find its attempt.
    const existing = input.retry ? this.attempt(input.attemptId) : null;
    const account = await this.tokens.load(input.accountId);
    if (!account) return { kind: "answer", answer: problemAnswer("notFound", "No such social account") };
    if (existing?.state === "sending") return this.send(input, account);
    if (existing?.state === "calling") {
      // Asked again after the platform call began (the object was reset meanwhile): it
      // may have gone out, so it is never sent twice.
      const answer = await this.finishPublish(input.attemptId, {
        kind: "failed",
        error: "timeout",
        message: "the publish was interrupted after it was sent",
      });
      return { kind: "answer", answer };
    }
    const finished = existing ? this.answerOf(existing) : null;
    if (finished) return { kind: "answer", answer: finished };
    const refused = await this.refusal(input, account);
    if (refused) return { kind: "answer", answer: refused };
    const { windows } = await this.tenant.get();
    const nowMs = this.clock();
    // From here to the end of admission there is no await: the key and the slot are
    // taken together, before any other request can interleave.
    if (input.idempotencyKey) {
      const claim = claimKey(this.sql, input.idempotencyKey, input.attemptId, input.requestHash, nowMs);
      if (claim.kind === "replay") return { kind: "answer", answer: { ...claim.answer, replayed: true } };
      if (claim.kind === "in_progress") {
        return {
          kind: "answer",
          answer: problemAnswer(
            "conflict",
            "A request with this Idempotency-Key is still being processed",
            {},
            { "Retry-After": "1" },
          ),
        };
      }
      if (claim.kind === "mismatch") {
        return {
          kind: "answer",
          answer: problemAnswer("idempotencyMismatch", "This Idempotency-Key was used for another request"),
        };
      }
    }
    if (input.scheduledAtMs !== null) return { kind: "answer", answer: await this.schedule(input, account) };
    const admission = reserveSlot(
      this.sql,
      this.log,
      account,
      windowFor(account.platform, windows[account.platform]),
      input.attemptId,
      nowMs,
    );
    if (!admission.allowed) {
      if (input.idempotencyKey) releaseKey(this.sql, input.idempotencyKey, input.attemptId);
      return { kind: "answer", answer: windowFull(admission.window, admission.limit, admission.resetAtMs, nowMs) };
    }
    // With a token ready, the platform call follows in this turn: the attempt is
    // recorded as calling at once (one write, not an insert and an update). Otherwise
    // it waits as sending while a token is refreshed.
    const token = this.tokens.ready(account);
    const state = token ? "calling" : "sending";
    this.sql.exec(
      `INSERT INTO attempts (attempt_id, account_id, platform, input, state, created_at_ms, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      input.attemptId,
      input.accountId,
      account.platform,
      JSON.stringify(input),
      state,
      nowMs,
      nowMs,
    );
    this.inFlight.set(input.attemptId, { input, platform: account.platform, state });
    return token ? this.sendStep(input, account, token) : this.send(input, account);
  }

  /**
   * Admission's first checks, before any key or slot is taken: the account can
   * publish, and the post keeps its platform's rules. The refusal, or null.
   */
  private async refusal(input: PublishInput, account: LoadedAccount): Promise<Answer | null> {
    if (account.status !== "active") {
      return problemAnswer("accountUnavailable", `The account is ${account.status}; reconnect it`, {
        account_id: input.accountId,
      });
    }
    // Fail closed: a live platform without credentials is refused here, before
    // admission, for a client's publish and a scheduled one alike (never the sandbox).
    if (platformReach(this.env, account.platform).kind === "not_configured") return notConfigured(account.platform);
    const { maxHashtags } = await this.tenant.get();
    const errors = checkPost(account.platform, input.draft, maxHashtags[account.platform]);
    if (input.contentId && !(await contentExists(await tenantScope(this.env, this.tenantId), input.contentId))) {
      errors.push({ in: "body", field: "content_id", message: "No such generated content" });
    }
    if (errors.length === 0) return null;
    const first = errors[0] as (typeof errors)[number];
    return problemAnswer("validation", `${first.in} field "${first.field}": ${first.message}`, { errors });
  }

  /**
   * Whether `input` may be scheduled as it stands (a held post released): the checks
   * admission makes first, against the account and the rules of today. The refusal, or null.
   */
  async admissible(input: PublishInput): Promise<Answer | null> {
    const account = await this.tokens.load(input.accountId);
    if (!account) return problemAnswer("notFound", "No such social account");
    return this.refusal(input, account);
  }

  /**
   * Gives up an attempt that never reached the platform (a scheduled post that is held
   * instead): its slot and key go back. False when its platform call was made, or it
   * is finished: its outcome is then the attempt's own.
   */
  async abandonUnsent(attemptId: string): Promise<boolean> {
    const attempt = this.attempt(attemptId);
    if (!attempt) return true;
    if (attempt.state !== "sending") return false;
    await this.finishPublish(attemptId, { kind: "failed", error: "unavailable", message: "held before it was sent" });
    return true;
  }

  private async schedule(input: PublishInput, account: LoadedAccount): Promise<Answer> {
    const scope = await tenantScope(this.env, this.tenantId);
    const now = isoNow(this.clock);
    const row = this.row(input, account, now);
    try {
      await scope.db.batch([
        savePublishRequest(scope, row),
        auditStatement(
          scope.db,
          input.actor,
          {
            action: "post.schedule",
            resourceType: "post",
            resourceId: row.request_id,
            metadata: { account_id: row.account_id, scheduled_at: row.scheduled_at },
          },
          now,
        ),
      ]);
    } catch (error) {
      if (input.idempotencyKey) releaseKey(this.sql, input.idempotencyKey, input.attemptId);
      throw error;
    }
    this.sql.exec(
      "INSERT INTO scheduled_posts (request_id, account_id, due_at_ms, input, tries) VALUES (?, ?, ?, ?, 0)",
      input.attemptId,
      input.accountId,
      input.scheduledAtMs,
      JSON.stringify(input),
    );
    await this.timers.scheduleAtMost("publish-due", input.scheduledAtMs as number);
    const answer: Answer = { status: 202, body: toPost(row) };
    if (input.idempotencyKey) storeAnswer(this.sql, input.idempotencyKey, input.attemptId, answer);
    return answer;
  }

  /** The account an attempt publishes to, while the attempt is known. */
  accountOf(attemptId: string): string | null {
    return this.attempt(attemptId)?.account_id ?? null;
  }

  /** An attempt admitted but not yet sent (to resume it after a refresh). */
  async pendingSend(attemptId: string): Promise<(AttemptTarget & { accountId: string }) | null> {
    const attempt = this.attempt(attemptId);
    if (attempt?.state !== "sending") return null;
    const input = JSON.parse(attempt.input) as PublishInput;
    const account = await this.tokens.load(input.accountId);
    if (!account) return null;
    return {
      attemptId,
      accountId: input.accountId,
      platform: account.platform,
      platformUserId: account.platformUserId,
      post: composePost(input.draft, input.utmParams),
    };
  }

  /** The platform call is about to be made for this attempt, or was refused for its token. */
  markCalling(attemptId: string, calling: boolean): void {
    const known = this.inFlight.get(attemptId);
    const state = calling ? "calling" : "sending";
    // Recorded so already when the attempt began with its token ready.
    if (known?.state === state) return;
    if (known) known.state = state;
    this.sql.exec(
      "UPDATE attempts SET state = ?, updated_at_ms = ? WHERE attempt_id = ? AND state IN ('sending', 'calling')",
      state,
      this.clock(),
      attemptId,
    );
  }

  /** Records how the platform call went and answers the client. Safe to call twice. */
  async finishPublish(attemptId: string, outcome: SendOutcome): Promise<Answer> {
    const known = this.inFlight.get(attemptId);
    let input: PublishInput;
    if (known) {
      input = known.input;
    } else {
      const attempt = this.attempt(attemptId);
      if (!attempt) return problemAnswer("notFound", "No such publish attempt");
      const finished = this.answerOf(attempt);
      if (finished) return finished;
      input = JSON.parse(attempt.input) as PublishInput;
    }
    this.inFlight.delete(attemptId);
    const account = await this.tokens.load(input.accountId);
    if (!account) return problemAnswer("notFound", "No such social account");
    const spec = windowFor(account.platform, (await this.tenant.get()).windows[account.platform]);
    const now = isoNow(this.clock);
    const row = this.row(input, account, now);

    let answer: Answer;
    let record: PublishRequestRow | null = null;
    if (outcome.kind === "published") {
      if (outcome.result.quota)
        recordPlatformQuota(this.sql, account.accountId, spec, outcome.result.quota, this.clock());
      record = publishedRecord(row, outcome.result, now);
      answer = recordAnswer(record);
    } else if (outcome.kind === "processing") {
      // Accepted and still processing (an Instagram video): answered 202 now, and
      // completed or failed later by the alarm with this same container
      // (container-poller.ts). D1 has no "processing" status: it keeps "unknown" with
      // error type "processing" until then, and the API shows it as "processing".
      record = {
        ...row,
        status: "unknown",
        error_type: PROCESSING,
        error_message: `${account.platform} is processing the video; the post completes when it is ready`,
      };
      answer = recordAnswer(record);
      const target = { attemptId, accountId: account.accountId, containerId: outcome.containerId };
      await trackContainer(this.sql, this.timers, containerCadence(this.env), target, this.clock());
    } else if (outcome.kind === "failed" && outcome.error === "timeout") {
      // It may have gone out: never retried blindly, reported as unknown.
      record = { ...row, status: "unknown", error_type: "outcome_unknown", error_message: outcome.message };
      answer = recordAnswer(record);
    } else if (outcome.kind === "failed" && outcome.error === "rejected") {
      releaseSlot(this.sql, this.log, account.platform, attemptId);
      record = { ...row, status: "failed", error_type: "platform_rejected", error_message: outcome.message };
      answer = problemAnswer("platformRejected", outcome.message, { post: toPost(record) });
    } else {
      // Nothing happened: the slot and the key go back, the client may retry.
      releaseSlot(this.sql, this.log, account.platform, attemptId);
      if (input.idempotencyKey) releaseKey(this.sql, input.idempotencyKey, attemptId);
      answer = this.transientAnswer(account, outcome);
      this.sql.exec("DELETE FROM attempts WHERE attempt_id = ?", attemptId);
      return answer;
    }
    if (input.idempotencyKey) storeAnswer(this.sql, input.idempotencyKey, attemptId, answer);
    await this.outbox.add(attemptId, record, answer.status >= 400 ? answer : null);
    this.countIfPublished(record);
    return answer;
  }

  /**
   * A processing post's final outcome, from the container poller: published, failed,
   * or (media_publish timed out) unknown. Recorded as any finished publish is.
   */
  async completeProcessing(attemptId: string, outcome: SendOutcome): Promise<void> {
    const attempt = this.attempt(attemptId);
    const previous = attempt?.row ? (JSON.parse(attempt.row) as PublishRequestRow) : null;
    if (!attempt || previous?.error_type !== PROCESSING) return;
    const input = JSON.parse(attempt.input) as PublishInput;
    const account = await this.tokens.load(input.accountId);
    if (!account) return;
    const now = isoNow(this.clock);
    const row = { ...previous, error_type: null, error_message: null, updated_at: now };
    let record: PublishRequestRow;
    if (outcome.kind === "published") {
      record = publishedRecord(row, outcome.result, now);
    } else if (outcome.kind === "failed" && outcome.error === "timeout") {
      record = { ...row, status: "unknown", error_type: "outcome_unknown", error_message: outcome.message };
    } else {
      releaseSlot(this.sql, this.log, account.platform, attemptId);
      const message = outcome.kind === "failed" ? outcome.message : "the video could not be published";
      record = { ...row, status: "failed", error_type: "processing_failed", error_message: message };
    }
    await this.outbox.add(attemptId, record, null);
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

  private transientAnswer(account: LoadedAccount, outcome: SendOutcome): Answer {
    if (outcome.kind === "not_sent") {
      const token = outcome.token;
      if (token.kind === "revoked")
        return problemAnswer("accountUnavailable", token.reason, { account_id: account.accountId });
      if (token.kind === "missing") return problemAnswer("notFound", "No such social account");
      if (token.kind === "unavailable")
        return platformUnavailable(account.platform, token.reason, token.retryAfterSeconds);
      return platformUnavailable(account.platform, "no usable token");
    }
    if (outcome.kind === "failed" && outcome.error === "rate_limited") {
      const resetAtMs = outcome.resetAtMs ?? this.clock() + (outcome.retryAfterSeconds ?? 900) * 1000;
      recordPlatformQuota(
        this.sql,
        account.accountId,
        windowFor(account.platform),
        { remaining: 0, resetAtMs, limit: null, source: "429" },
        this.clock(),
      );
      return windowFull(`${account.platform}_reported:429`, 0, resetAtMs, this.clock());
    }
    if (outcome.kind !== "failed") return platformUnavailable(account.platform, "the post was not sent");
    if (outcome.error === "media") {
      // Refused before anything was sent: the client's media, named like any bad field.
      const field = outcome.field ?? "image_url";
      return problemAnswer("validation", outcome.message, {
        errors: [{ in: "body", field, message: outcome.message }],
      });
    }
    if (outcome.error === "not_configured") return notConfigured(account.platform);
    return platformUnavailable(account.platform, outcome.message, outcome.retryAfterSeconds ?? 30);
  }
}
