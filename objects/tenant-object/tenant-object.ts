// One TenantObject per tenant: the single place that holds the tenant's live state
// and decides, for its tenant, what is admitted: API-key limits, sign-in throttling,
// publishing windows, which token a post goes out with, and when scheduled posts fire.
import { type Connection, type ConnectionContext, Server } from "partyserver";
import type { UserPrincipal } from "../../src/auth/principal";
import type { AuditActor, PendingAuditRow } from "../../src/db/audit-logs";
import { platformAdapter } from "../../src/platforms";
import type { InstagramAdapter } from "../../src/platforms/instagram";
import type { Platform } from "../../src/platforms/types";
import type { MetricEvent, TrackedPost } from "../analytics/counters-store";
import type { PostFigures } from "../analytics/derived";
import type { FlushReport } from "../analytics/flush";
import { nextPullDue } from "../analytics/insights-sync";
import { connectionTags, endConnection, endLiveAccess, liveUserOf } from "../analytics/live-access";
import { type IngestResult, TenantAnalytics } from "../analytics/tenant-analytics";
import { issueTicket, redeemTicket } from "../analytics/tickets";
import type { Admission } from "../identity/api-key-window";
import { AUDIT_OUTBOX_TIMER, AuditOutbox } from "../identity/audit-outbox";
import type { CredentialChange, PresentedCredential } from "../identity/credentials";
import { beginLoginAttempt, finishLoginAttempt, type LoginGate } from "../identity/login-throttle";
import { KEY_USAGE_TIMER, TenantIdentity, USAGE_FLUSH_DELAY_MS } from "../identity/tenant-identity";
import { attemptTotp, type TotpAttempt } from "../identity/totp-attempts";
import { MOVE_TIMER, type MoveStart, type MoveStatus, TenantMove } from "../placement/tenant-move";
import { AccountTokens, type RefreshOutcome, type TokenStep } from "../publishing/account-tokens";
import { tenantMovingAnswer } from "../publishing/answers";
import { pollContainers } from "../publishing/container-poller";
import { flushUsage, prune, STALE_ATTEMPT_MS, staleAttempts } from "../publishing/housekeeping";
import { CONTAINER_TIMER, containerCadence } from "../publishing/media-containers";
import {
  type CallbackOutcome,
  consumeState,
  createState,
  type NewAuthorization,
  type StartOutcome,
  startState,
} from "../publishing/oauth-states";
import { type FlowResult, type PublishCoordinator, runAttempt } from "../publishing/publish-flow";
import { Publisher } from "../publishing/publisher";
import { type WindowState, windowFor, windowState } from "../publishing/rate-windows";
import { RECORD_TIMER } from "../publishing/record-outbox";
import { Scheduler } from "../publishing/scheduler";
import { TenantRecordCache } from "../publishing/tenant-record";
import { TOKEN_UPKEEP_TIMER, upkeepTokens } from "../publishing/token-upkeep";
import type { Answer, BeginStep, PublishInput, SendOutcome } from "../publishing/types";
import { applyObjectMigrations } from "../schema/migrate";
import { TENANT_OBJECT_MIGRATIONS } from "../schema/tenant-migrations";
import { Timers } from "../storage/timers";
import type { AuthResult, DeferredAuth, PublishNowResult } from "./contract";
import { faultPoint } from "./fault-points";

export interface TenantObjectStatus {
  tenantId: string;
  schemaVersion: number;
  createdAt: string;
}

/** How soon changed counters are written to D1. */
const ANALYTICS_FLUSH_DELAY_MS = 5_000;
/** Runs of the insight pull are at least this far apart (each post has its own interval). */
const INSIGHTS_MIN_GAP_MS = 60_000;
/** A fresh post's first pull comes sooner: its first minutes are the ones people watch. */
const FIRST_INSIGHTS_DELAY_MS = 15_000;
const TIMER_RETRY_MS = 60_000;
/** How soon background work held by a move's fence is tried again. */
const FENCED_RETRY_MS = 2_000;
/** A connected account's token upkeep first runs a minute after the connection. */
const TOKEN_UPKEEP_FIRST_MS = 60_000;

export class TenantObject extends Server<Env> implements PublishCoordinator {
  static override options = { hibernate: true };

  readonly schemaVersion: number;
  private readonly timers: Timers;
  private readonly tenant: TenantRecordCache;
  private readonly tokens: AccountTokens;
  private readonly publisher: Publisher;
  private readonly scheduler: Scheduler;
  private readonly identity: TenantIdentity;
  private readonly analytics: TenantAnalytics;
  private readonly auditOutbox: AuditOutbox;
  private readonly move: TenantMove;
  private analyticsFlushFailures = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Synchronous, idempotent and versioned: every entry point sees the schema.
    this.schemaVersion = applyObjectMigrations(ctx.storage, TENANT_OBJECT_MIGRATIONS);
    this.timers = new Timers(ctx.storage);
    this.auditOutbox = new AuditOutbox(ctx.storage.sql, env, this.name, this.timers);
    this.analytics = new TenantAnalytics(
      ctx.storage.sql,
      env,
      this.name,
      (message) => this.broadcast(message),
      () => ctx.getWebSockets().length > 0,
      this.auditOutbox,
    );
    this.tenant = new TenantRecordCache(env, this.name);
    this.identity = new TenantIdentity(ctx.storage.sql, env, this.name, this.timers, this.tenant, this.auditOutbox);
    this.tokens = new AccountTokens(ctx.storage.sql, env, this.name, this.tenant);
    this.publisher = new Publisher(ctx.storage.sql, env, this.name, this.tokens, this.tenant, this.timers, (post) =>
      this.startCounting(post),
    );
    this.move = new TenantMove(ctx.storage.sql, env, this.name, this.timers, () => this.tenant.forget());
    this.scheduler = new Scheduler(ctx.storage.sql, env, this.name, this.timers);
  }

  /** The tenant this object belongs to, from the id it was addressed by. */
  get tenantId(): string {
    return this.name;
  }

  /** This object's own SQLite (partyserver's `sql` is its tagged-template helper). */
  private get local(): SqlStorage {
    return this.ctx.storage.sql;
  }

  /** Proves the object answers: its tenant, schema version and first start. */
  async status(): Promise<TenantObjectStatus> {
    this.local.exec(
      "INSERT INTO meta (key, value) VALUES ('created_at', ?) ON CONFLICT(key) DO NOTHING",
      new Date().toISOString(),
    );
    const createdAt = this.local.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'created_at'").one().value;
    return { tenantId: this.tenantId, schemaVersion: this.schemaVersion, createdAt };
  }

  // --- identity (objects/identity/tenant-identity.ts) ----------------------

  /**
   * Checks a credential of this tenant and, for an API key, charges its hourly limit
   * (`admit`). A refused key that names one of the tenant's keys is audited.
   */
  async authenticate(
    presented: PresentedCredential,
    options: { admit: boolean; actor: AuditActor },
  ): Promise<AuthResult> {
    return this.identity.authenticate(presented, options);
  }

  /**
   * A credential changed through the API (revoked, suspended, deleted): forget it now.
   * When the change ends access (`endsAccess`), the user's (or, with `all`, everyone's)
   * live tickets are voided and live sockets closed too.
   */
  async forgetCredentials(change: CredentialChange): Promise<void> {
    this.identity.forget(change);
    if (change.endsAccess && (change.all || change.userId)) {
      const audience = change.all ? { all: true as const } : { userId: change.userId as string };
      endLiveAccess(this.local, audience, (tag) => this.getConnections(tag));
    }
  }

  /** Admits one request on an API key against its exact hourly limit. */
  async admitApiKey(keyId: string, limitPerHour: number): Promise<Admission> {
    return this.identity.admitApiKey(keyId, limitPerHour);
  }

  /** Reserves a sign-in attempt for `email` from `ip`, or says how long to wait. */
  async beginLogin(email: string, ip: string): Promise<LoginGate> {
    return beginLoginAttempt(this.local, email, ip, Date.now());
  }

  async finishLogin(attemptId: number, email: string, success: boolean): Promise<void> {
    finishLoginAttempt(this.local, attemptId, email, success);
  }

  /**
   * A TOTP code entered for `userId`, as the time step it matched (null: none): ok once
   * per step (no replay), and throttled per user across sign-in and MFA changes.
   */
  async attemptTotp(userId: string, step: number | null): Promise<TotpAttempt> {
    return attemptTotp(this.local, userId, step, Date.now());
  }

  /**
   * Audit rows of a change to the global database that the tenant's shard refused
   * (src/http/audit.ts): kept here and written on the alarm until the shard takes them.
   */
  async keepAuditRows(rows: PendingAuditRow[]): Promise<void> {
    await this.auditOutbox.keep(rows);
  }

  /** Writes key usage counted here to D1 now (the alarm does it on its own). */
  async flushKeyUsage(): Promise<number> {
    return this.identity.flushKeyUsage();
  }

  /** The tenant's key rotated or its settings changed: read the registry again. */
  async forgetTenantRecord(): Promise<void> {
    this.tenant.forget();
  }

  // --- placement (objects/placement/tenant-move.ts) -------------------------

  /** Starts moving the tenant's rows from shard `from` to `to` (the operator's route). */
  async startMove(from: string, to: string): Promise<MoveStart> {
    return this.move.start(from, to, Date.now());
  }

  /** The current or last move; null when the tenant never moved. */
  async moveStatus(): Promise<MoveStatus | null> {
    return this.move.status();
  }

  // --- social accounts ------------------------------------------------------

  async createOAuthState(pending: NewAuthorization): Promise<{ state: string; expiresAtMs: number }> {
    return createState(this.local, this.tenantId, pending, Date.now());
  }

  /** A browser opens the state's start URL (see objects/publishing/oauth-states.ts). */
  async startOAuthState(
    state: string,
    platform: Platform,
    presentedHash: string | null,
    claimHash: string,
  ): Promise<StartOutcome> {
    return startState(this.local, state, platform, presentedHash, claimHash, Date.now());
  }

  /** The callback: the pending authorization, only for the browser the state is bound to. */
  async consumeOAuthState(state: string, presentedHash: string | null): Promise<CallbackOutcome> {
    return consumeState(this.local, state, presentedHash, Date.now());
  }

  /** An account was (re)connected or disconnected: forget its cached tokens. */
  async forgetAccount(accountId: string, disconnected = false): Promise<number> {
    this.tokens.forget(accountId);
    // Issue 15: a (re)connected account's token is kept alive from now on (token-upkeep.ts).
    if (!disconnected) await this.timers.scheduleAtMost(TOKEN_UPKEEP_TIMER, Date.now() + TOKEN_UPKEEP_FIRST_MS);
    return disconnected ? this.scheduler.dropAccount(accountId) : 0;
  }

  /** A token for `accountId` (or a refresh lease), for callers other than publishing. */
  async acquireToken(accountId: string): Promise<TokenStep> {
    return this.tokens.acquire(accountId);
  }

  // --- publishing -----------------------------------------------------------

  /**
   * A client's publish, in one call: the credential checked and charged (when the
   * router left that to this call), the permission, admission, the platform call and
   * the record. When a token must be refreshed first, the lease is handed back: the
   * router refreshes, then calls resumePublish. Safe to repeat with the same attempt.
   */
  async publishNow(input: PublishInput, auth?: DeferredAuth): Promise<PublishNowResult> {
    let principal: UserPrincipal | undefined;
    let keyAdmission: Admission | undefined;
    if (auth) {
      const checked = await this.identity.authorizeDeferred(auth, input.actor);
      if (checked.kind === "refused") return { kind: "done", answer: checked.answer, keyAdmission: checked.admission };
      principal = checked.principal;
      keyAdmission = checked.admission ?? undefined;
      input = { ...input, actor: { ...input.actor, userId: principal.userId } };
    }
    if (this.move.fenced()) return { kind: "done", answer: tenantMovingAnswer(), keyAdmission, principal };
    const begun = await this.beginPublish(input);
    if (begun.kind === "answer") return { kind: "done", answer: begun.answer, keyAdmission, principal };
    const result = await runAttempt(this, this.adapter(begun.platform), begun, begun.token, true);
    return { ...result, keyAdmission, principal };
  }

  /** Continues a publish after the router refreshed its token (see publishNow). */
  async resumePublish(attemptId: string, leaseId: string, outcome: RefreshOutcome): Promise<FlowResult> {
    // The refresh is recorded first, whatever became of the attempt: others wait for it.
    const accountId = this.publisher.accountOf(attemptId);
    const token = accountId ? await this.tokens.complete(accountId, leaseId, outcome) : null;
    const attempt = await this.publisher.pendingSend(attemptId);
    if (!attempt) {
      const answer = await this.publisher.finishPublish(attemptId, {
        kind: "failed",
        error: "unavailable",
        message: "the attempt is no longer pending",
      });
      return { kind: "done", answer };
    }
    return runAttempt(this, this.adapter(attempt.platform), attempt, token ?? { kind: "missing" }, true);
  }

  private adapter(platform: Platform) {
    return platformAdapter(this.env, platform);
  }

  async markCalling(attemptId: string, calling: boolean): Promise<void> {
    this.publisher.markCalling(attemptId, calling);
    if (calling) await faultPoint("publish.send");
  }

  async beginPublish(input: PublishInput): Promise<BeginStep> {
    await faultPoint("publish.begin");
    const step = await this.publisher.beginPublish(input);
    if (step.kind === "send") await this.timers.scheduleAtMost("sweep-attempts", Date.now() + STALE_ATTEMPT_MS + 1000);
    await this.timers.scheduleAtMost("flush-usage", Date.now() + USAGE_FLUSH_DELAY_MS);
    return step;
  }

  async completeRefresh(accountId: string, leaseId: string, outcome: RefreshOutcome): Promise<TokenStep> {
    return this.tokens.complete(accountId, leaseId, outcome);
  }

  async reacquireToken(accountId: string, rejectedVersion: number): Promise<TokenStep> {
    return this.tokens.acquire(accountId, rejectedVersion);
  }

  async finishPublish(attemptId: string, outcome: SendOutcome): Promise<Answer> {
    await faultPoint("publish.answered");
    const answer = await this.publisher.finishPublish(attemptId, outcome);
    await faultPoint("publish.recorded");
    return answer;
  }

  /** Cancels a scheduled post; null when it is not waiting in the schedule. */
  async cancelScheduled(requestId: string, actor: AuditActor): Promise<Answer | null> {
    return this.scheduler.cancel(requestId, actor);
  }

  /** Each account's window: use, limit, and when a slot frees. */
  async rateLimits(
    accounts: { accountId: string; platform: Platform }[],
  ): Promise<(WindowState & { accountId: string; platform: Platform })[]> {
    const { windows } = await this.tenant.get();
    const now = Date.now();
    return accounts.map((account) => ({
      accountId: account.accountId,
      platform: account.platform,
      ...windowState(this.local, account.accountId, windowFor(account.platform, windows[account.platform]), now),
    }));
  }

  // --- analytics ----------------------------------------------------------

  /** A published post starts being counted, and its platform's insights pulled. */
  private startCounting(post: TrackedPost): void {
    this.analytics.store.track(post);
    void this.timers.scheduleAtMost("sync-insights", Date.now() + FIRST_INSIGHTS_DELAY_MS);
  }

  /** Applies a client's batch of metric events (POST /v1/analytics/events). */
  async ingestEvents(events: MetricEvent[], key: string | null, actor: AuditActor): Promise<IngestResult> {
    const result = await this.analytics.ingest(events, key, actor);
    if (result.kind === "applied" && !result.duplicate) {
      await this.timers.scheduleAtMost("flush-analytics", Date.now() + ANALYTICS_FLUSH_DELAY_MS);
    }
    return result;
  }

  /** A post's live figures; null when this tenant published no such post. */
  async postFigures(postId: string): Promise<PostFigures | null> {
    return (await this.analytics.figures([postId]))[0] ?? null;
  }

  /** Writes changed counters to D1 now (the alarm does it on its own). */
  async flushAnalytics(): Promise<FlushReport> {
    await this.settleRecords();
    return this.analytics.flush();
  }

  /**
   * Returns once D1 has every post this object has answered for (the read barrier of
   * routes that read posts from D1). A record D1 refuses is logged and left for the
   * outbox's retry; the read goes on without it.
   */
  async settleRecords(): Promise<void> {
    await this.publisher.outbox.flush().catch((error) => console.error(`TenantObject ${this.tenantId}:`, error));
  }

  /** The next insight run: when the next post is due, at least a minute on; none when no post is left. */
  private async scheduleNextPull(): Promise<void> {
    const nowMs = Date.now();
    const due = nextPullDue(this.local, nowMs);
    if (due !== null) await this.timers.scheduleAtMost("sync-insights", Math.max(due, nowMs + INSIGHTS_MIN_GAP_MS));
  }

  /** Pulls insights for recent posts now (the alarm does it on its own). */
  async syncInsights(): Promise<number> {
    // Sync errors reference the post's D1 row.
    await this.settleRecords();
    const pulled = await this.analytics.syncInsights(
      this.tokens,
      (platform) => this.adapter(platform),
      (accountId, leaseId, outcome) => this.tokens.complete(accountId, leaseId, outcome),
    );
    // Pulled figures reach D1 the way ingested ones do.
    if (pulled > 0) await this.timers.scheduleAtMost("flush-analytics", Date.now() + ANALYTICS_FLUSH_DELAY_MS);
    return pulled;
  }

  async liveTicket(userId: string): Promise<{ ticket: string; expiresAtMs: number }> {
    return issueTicket(this.local, userId, Date.now());
  }

  /**
   * Spends a live ticket (the router's onBeforeConnect): its user, once, for a live
   * ticket whose user and tenant are still active; null otherwise.
   */
  async redeemLiveTicket(ticket: string): Promise<string | null> {
    const userId = redeemTicket(this.local, ticket, Date.now());
    return userId && (await this.identity.isActiveUser(userId)) ? userId : null;
  }

  /** Each dashboard socket is tagged with its ticket's user (tags survive hibernation). */
  override getConnectionTags(_connection: Connection, ctx: ConnectionContext): string[] {
    return connectionTags(ctx.request);
  }

  /** A dashboard connected: it gets the current figures, then every change. */
  override async onConnect(connection: Connection, ctx: ConnectionContext): Promise<void> {
    // Checked again here: access may have ended between the gate's redemption and now,
    // after forgetCredentials had closed the sockets it could see.
    const userId = liveUserOf(ctx.request);
    if (!userId || !(await this.identity.isActiveUser(userId))) return endConnection(connection);
    const snapshot = await this.analytics.snapshot();
    if (connection.readyState !== WebSocket.OPEN) return;
    connection.send(JSON.stringify({ type: "snapshot", at: new Date().toISOString(), ...snapshot }));
  }

  // --- the alarm ------------------------------------------------------------

  override async onAlarm(): Promise<void> {
    // A timer's row goes only once its handler succeeded: a run cut short by an
    // eviction finds its timers again when the alarm comes back (issue 11).
    const nowMs = Date.now();
    for (const timer of await this.timers.begin(nowMs, nowMs + TIMER_RETRY_MS)) {
      // While the tenant moves between shards its writes are fenced: background work
      // that writes to D1 waits for the switch instead of failing against the fence.
      if (timer !== MOVE_TIMER && this.move.fenced()) {
        await this.timers.failed(timer, Date.now() + FENCED_RETRY_MS);
        continue;
      }
      try {
        await faultPoint("alarm.timer");
        await this.runTimer(timer);
        this.timers.done(timer);
      } catch (error) {
        console.error(`TenantObject ${this.tenantId}: timer ${timer} failed; retrying`, error);
        await this.timers.failed(timer, Date.now() + TIMER_RETRY_MS);
      }
    }
    await this.timers.arm();
  }

  private async runTimer(name: string): Promise<void> {
    switch (name) {
      case KEY_USAGE_TIMER:
        await this.flushKeyUsage();
        return;
      case "flush-usage":
        await flushUsage(this.local, this.env, this.tenantId);
        return;
      case "publish-due":
        await this.scheduler.fireDue(this, (platform) => this.adapter(platform));
        return;
      case RECORD_TIMER:
        await this.publisher.outbox.flush();
        return;
      case AUDIT_OUTBOX_TIMER:
        await this.auditOutbox.flush();
        return;
      case MOVE_TIMER:
        await this.move.step(Date.now());
        return;
      case "sweep-attempts":
        await this.sweepAttempts();
        return;
      case "flush-analytics":
        await this.flushAnalyticsTimer();
        return;
      case "sync-insights":
        await this.syncInsights();
        await this.scheduleNextPull();
        return;
      // Issue 15: tokens renewed before they expire (objects/publishing/token-upkeep.ts).
      case TOKEN_UPKEEP_TIMER:
        await upkeepTokens({
          env: this.env,
          tenantId: this.tenantId,
          tokens: this.tokens,
          timers: this.timers,
          adapterFor: (platform) => this.adapter(platform),
        });
        return;
      // Issue 15: Instagram videos still processing (objects/publishing/container-poller.ts).
      case CONTAINER_TIMER:
        await pollContainers({
          sql: this.local,
          timers: this.timers,
          tokens: this.tokens,
          cadence: containerCadence(this.env),
          adapter: () => this.adapter("instagram") as InstagramAdapter,
          complete: (attemptId, outcome) => this.publisher.completeProcessing(attemptId, outcome),
        });
        return;
      default:
        console.warn(`TenantObject ${this.tenantId}: unknown timer ${name}`);
    }
  }

  /** One flush run; more right after when the run was full, backing off when D1 fails. */
  private async flushAnalyticsTimer(): Promise<void> {
    try {
      const report = await this.flushAnalytics();
      this.analyticsFlushFailures = 0;
      if (report.more) await this.timers.scheduleAtMost("flush-analytics", Date.now());
    } catch (error) {
      this.analyticsFlushFailures += 1;
      const backoff = Math.min(300_000, 1000 * 2 ** (this.analyticsFlushFailures - 1));
      console.error(`TenantObject ${this.tenantId}: analytics flush failed; retrying in ${backoff} ms`, error);
      await this.timers.scheduleAtMost("flush-analytics", Date.now() + backoff);
    }
  }

  /**
   * Attempts whose caller vanished: one that was sent has an unknown outcome and is
   * never retried; one never sent gives its slot back.
   */
  private async sweepAttempts(): Promise<void> {
    const now = Date.now();
    for (const { attemptId, called } of staleAttempts(this.local, now)) {
      await this.publisher.finishPublish(
        attemptId,
        called
          ? { kind: "failed", error: "timeout", message: "no outcome was reported for this publish" }
          : { kind: "failed", error: "unavailable", message: "the publish was abandoned before it was sent" },
      );
    }
    prune(this.local, now);
    const open = this.local
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM attempts WHERE state IN ('sending', 'calling')")
      .one().n;
    if (open > 0) await this.timers.scheduleAtMost("sweep-attempts", now + STALE_ATTEMPT_MS);
  }

  /** Runs the schedule now, as the alarm would (for operators and tests). */
  async publishDue(): Promise<number> {
    return this.scheduler.fireDue(this, (platform) => this.adapter(platform));
  }
}
