// One TenantObject per tenant: the single place that holds the tenant's live state
// and decides, for its tenant, what is admitted: API-key limits, sign-in throttling,
// publishing windows, which token a post goes out with, and when scheduled posts fire.
//
// Its public methods are exactly its contract's (./contract.ts), the only surface the
// router may call. Everything else is held in private fields (#) and private class
// members, which the runtime does not expose over RPC: the parts (./parts.ts), the
// steps of a publish (objects/publishing/publish-flow.ts) and the timers (./timers.ts).
// What it inherits from partyserver's Server is kept off RPC too (./rpc-surface.ts),
// and the hooks tests and benchmarks use are functions, not methods (./test-hooks.ts).

import { type Connection, type ConnectionContext, Server } from "partyserver";
import type { PostReport, PostReportQuery } from "../../src/core/analytics/post-reports";
import { isoNow } from "../../src/core/clock";
import type { AuditActor, PendingAuditRow } from "../../src/core/db/audit-logs";
import type { PostView } from "../../src/core/db/publish-requests";
import type { SubscriptionStatus, TenantStatus } from "../../src/core/db/tenants";
import { platformAdapter } from "../../src/core/platforms";
import type { Platform } from "../../src/core/platforms/types";
import { erasedPseudonym } from "../../src/core/privacy/pseudonym";
import {
  connectionTags,
  endConnection,
  endLiveAccess,
  endSessionsLiveAccess,
  liveSessionOf,
  liveUserOf,
  SESSION_ENDED,
} from "../analytics/live-access";
import { postReport } from "../analytics/post-reports";
import { TenantAnalytics } from "../analytics/tenant-analytics";
import { issueTicket, redeemTicket } from "../analytics/tickets";
import { AuditOutbox } from "../identity/audit-outbox";
import { beginLoginAttempt, finishLoginAttempt } from "../identity/login-throttle";
import { OAuthGrants } from "../identity/oauth-grants";
import { PasswordResets } from "../identity/password-resets";
import { SessionStore } from "../identity/sessions";
import { TenantIdentity } from "../identity/tenant-identity";
import { attemptTotp } from "../identity/totp-attempts";
import { TenantMove } from "../placement/tenant-move";
import { ArchiveErasure } from "../privacy/archive-erasure";
import { eraseStoredRequests } from "../privacy/person-requests";
import { forgetPerson, personSessions } from "../privacy/person-state";
import { TenantExport } from "../privacy/tenant-export";
import { AccountTokens } from "../publishing/account-tokens";
import { Admission } from "../publishing/admission";
import { PostApprovals } from "../publishing/approvals";
import { Attempts } from "../publishing/attempts";
import { consentState, consumeState, createState, startState } from "../publishing/oauth-states";
import { PostHolds } from "../publishing/post-holds";
import { PostQuota } from "../publishing/post-quota";
import { Preflight } from "../publishing/preflight";
import { PublishFlow } from "../publishing/publish-flow";
import { windowFor, windowState } from "../publishing/rate-windows";
import { PublishRecord } from "../publishing/record";
import { Scheduler } from "../publishing/scheduler";
import { TenantRecordCache } from "../publishing/tenant-record";
import { applyObjectMigrations } from "../schema/migrate";
import { TENANT_OBJECT_MIGRATIONS } from "../schema/tenant-migrations";
import { objectClock } from "../storage/object-clock";
import { SlidingLog } from "../storage/sliding-log";
import { Timers } from "../storage/timers";
import { accountConnectedEvent } from "../webhooks/account-events";
import { WebhookOutbox } from "../webhooks/webhook-outbox";
import type {
  AccountWindow,
  Approval,
  ApprovalConflict,
  AttemptGate,
  AuthResult,
  CallbackOutcome,
  CampaignRoiPage,
  CampaignRoiQuery,
  CheckRefusal,
  ConsentOutcome,
  ConversionCredit,
  CredentialChange,
  DeferredAuth,
  ExportStart,
  FlowResult,
  IngestResult,
  LiveHolder,
  LoginOutcome,
  MetricEvent,
  MonthlyPosts,
  MoveStart,
  MoveStatus,
  NewAuthorization,
  NewOAuthCode,
  OAuthAccess,
  OAuthCodeExchange,
  OAuthGrantView,
  OAuthRefresh,
  OAuthTokenOutcome,
  PendingEdit,
  PersonSession,
  PostFigures,
  PresentedCredential,
  PublishInput,
  PublishNowResult,
  RefreshOutcome,
  Rejection,
  Release,
  ReleaseOutcome,
  SessionEnding,
  SessionGrant,
  StartOutcome,
  TenantExportView,
  TenantObjectContract,
  TenantObjectStatus,
  TotpAttempt,
} from "./contract";
import { faultPoint } from "./fault-points";
import { keepParts } from "./instance-parts";
import { ANALYTICS_FLUSH_DELAY_MS, campaignRoi, settleRecords, startCounting, type TenantParts } from "./parts";
import { keepPartyserverOffRpc } from "./rpc-surface";
import { billingChanged, tenantStatusChanged } from "./stopped-tenant";
import { runDueTimers, type TenantTimer, tenantTimers } from "./timers";

/** A connected account's token upkeep first runs a minute after the connection. */
const TOKEN_UPKEEP_FIRST_MS = 60_000;

export class TenantObject extends Server<Env> implements TenantObjectContract {
  static override options = { hibernate: true };

  readonly schemaVersion: number;
  readonly #parts: TenantParts;
  readonly #timers = tenantTimers();
  readonly #sessions: SessionStore;
  readonly #resets: PasswordResets;
  /** What members granted OAuth clients (docs/mcp.md, OAuth). */
  readonly #oauth: OAuthGrants;
  readonly #approvals: PostApprovals;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Before anything can call them: partyserver's members are the object's own, not RPC's.
    keepPartyserverOffRpc(this);
    // Synchronous, idempotent and versioned: every entry point sees the schema.
    this.schemaVersion = applyObjectMigrations(ctx.storage, TENANT_OBJECT_MIGRATIONS);
    const tenantId = this.name;
    const sql = ctx.storage.sql;
    const clock = objectClock(sql, env);
    const timers = new Timers<TenantTimer>(ctx.storage, clock);
    const adapterFor = (platform: Platform) => platformAdapter(env, platform, undefined, clock);
    const auditOutbox = new AuditOutbox(sql, env, tenantId, timers, clock);
    // Outgoing webhooks: every part that changes a post or an account emits through it.
    const webhooks = new WebhookOutbox(sql, env, tenantId, timers, clock);
    const analytics = new TenantAnalytics(
      sql,
      env,
      tenantId,
      (message) => this.broadcast(message),
      () => ctx.getWebSockets().length > 0,
      auditOutbox,
      clock,
      webhooks,
    );
    const tenant = new TenantRecordCache(env, tenantId);
    this.#sessions = new SessionStore(sql, clock);
    this.#resets = new PasswordResets(sql, clock);
    this.#oauth = new OAuthGrants(sql, tenantId, clock);
    const identity = new TenantIdentity(sql, env, tenantId, timers, tenant, auditOutbox, this.#sessions, this.#oauth);
    const tokens = new AccountTokens(sql, env, tenantId, tenant, clock, webhooks);
    // The steps of a publish (objects/publishing/publish-flow.ts): admission and the
    // record share the attempts and the accounts' windows.
    const attempts = new Attempts(sql, clock);
    const rateLog = new SlidingLog(sql, { table: "rate_hits", keyColumn: "account_id" });
    // The plan's posts a month: counted by admission, given back by the record and the schedule.
    const postQuota = new PostQuota(sql, clock);
    const admission = new Admission(sql, env, tenantId, tokens, tenant, attempts, rateLog, postQuota, timers, clock);
    const record = new PublishRecord(
      sql,
      env,
      tenantId,
      tokens,
      tenant,
      attempts,
      rateLog,
      postQuota,
      timers,
      (post) => startCounting(this.#parts, post),
      clock,
      webhooks,
    );
    const move = new TenantMove(sql, env, tenantId, timers, () => tenant.forget(), clock);
    const exports = new TenantExport(ctx.storage, env, tenantId, timers, tenant, auditOutbox, clock);
    const archiveErasure = new ArchiveErasure(env, tenantId, timers, tenant, clock);
    const holds = new PostHolds(sql, env, tenantId, tenant, clock, webhooks);
    const scheduler = new Scheduler(sql, env, tenantId, timers, holds, postQuota, clock, webhooks);
    // Scheduled posts checked before they go out (objects/publishing/preflight.ts).
    const preflight = new Preflight(sql, env, tenantId, tenant, timers, webhooks, (m) => this.broadcast(m), clock);
    // Posts that wait for an approver (objects/publishing/approvals.ts): met by a client's
    // publish first, and taken on by the publish's steps once approved.
    const approvals = new PostApprovals(
      sql,
      env,
      tenantId,
      tenant,
      admission,
      attempts,
      () => publishing,
      clock,
      (message) => this.broadcast(message),
      webhooks,
    );
    this.#approvals = approvals;
    const publishing = new PublishFlow({
      identity,
      admission,
      scheduler,
      tokens,
      attempts,
      record,
      fenced: () => move.fenced(),
      adapterFor,
      approvals,
    });
    this.#parts = {
      tenantId,
      env,
      clock,
      storage: ctx.storage,
      sql,
      timers,
      tenant,
      identity,
      auditOutbox,
      tokens,
      admission,
      record,
      postQuota,
      publishing,
      scheduler,
      preflight,
      analytics,
      move,
      exports,
      archiveErasure,
      adapterFor,
      webhooks,
    };
    keepParts(this, this.#parts);
  }

  async status(): Promise<TenantObjectStatus> {
    return { tenantId: this.#parts.tenantId, schemaVersion: this.schemaVersion };
  }

  // --- identity (objects/identity/) ------------------------------------------

  async authenticate(
    presented: PresentedCredential,
    options: { admit: boolean; actor: AuditActor },
  ): Promise<AuthResult> {
    return this.#parts.identity.authenticate(presented, options);
  }

  async forgetCredentials(change: CredentialChange): Promise<void> {
    this.#parts.identity.forget(change);
    if (change.endsAccess && (change.all || change.userId)) {
      const audience = change.all ? { all: true as const } : { userId: change.userId as string };
      // Sessions end with access (a user removed or suspended, the tenant stopped): a
      // reactivation does not bring them back.
      if (change.all) this.#sessions.endAll();
      else this.#sessions.end({ userId: change.userId as string });
      // OAuth grants end with access too: a reactivated member consents again.
      this.#oauth.revokeAll(change.all ? null : (change.userId as string));
      endLiveAccess(this.#parts.sql, audience, (tag) => this.getConnections(tag));
    }
  }

  async beginLogin(email: string, ip: string): Promise<AttemptGate> {
    return beginLoginAttempt(this.#parts.sql, email, ip, this.#parts.clock());
  }

  async finishLogin(attemptId: number, email: string, ip: string, outcome: LoginOutcome): Promise<SessionGrant | null> {
    finishLoginAttempt(this.#parts.sql, attemptId, email, ip, outcome.kind !== "failed");
    if (outcome.kind !== "signed_in") return null;
    const { grant, ended } = this.#sessions.start(outcome.userId);
    this.#endLiveSessions(ended);
    return grant;
  }

  async endSessions(ending: SessionEnding): Promise<number> {
    const ended = this.#sessions.end(ending);
    this.#endLiveSessions(ended);
    return ended.length;
  }

  // --- OAuth for MCP clients (objects/identity/oauth-grants.ts) ------------------

  async issueOAuthCode(grant: NewOAuthCode): Promise<{ code: string; expiresAtMs: number }> {
    return this.#oauth.newCode(grant);
  }

  async redeemOAuthCode(exchange: OAuthCodeExchange): Promise<OAuthTokenOutcome> {
    return this.#oauth.exchange(exchange, (userId) => this.#parts.identity.isActiveUser(userId));
  }

  async refreshOAuthGrant(refresh: OAuthRefresh): Promise<OAuthTokenOutcome> {
    return this.#oauth.refresh(refresh, (userId) => this.#parts.identity.isActiveUser(userId));
  }

  async authenticateOAuth(accessDigest: string, resource: string): Promise<OAuthAccess> {
    const grant = this.#oauth.byAccessHash(accessDigest);
    if (!grant || grant.resource !== resource) return { ok: false };
    const principal = await this.#parts.identity.oauthPrincipal(grant);
    return principal ? { ok: true, principal, grant } : { ok: false };
  }

  async listOAuthGrants(userId: string | null): Promise<OAuthGrantView[]> {
    return this.#oauth.list(userId);
  }

  async revokeOAuthGrant(grantId: string, userId: string | null): Promise<OAuthGrantView | null> {
    return this.#oauth.revoke(grantId, userId);
  }

  /** A socket opened with a session lasts no longer than the session (live-access.ts). */
  #endLiveSessions(sessionIds: readonly string[]): void {
    endSessionsLiveAccess(this.#parts.sql, sessionIds, (tag) => this.getConnections(tag));
  }

  async issuePasswordReset(userId: string, digest: string): Promise<{ expiresAtMs: number }> {
    return this.#resets.issue(userId, digest);
  }

  async redeemPasswordReset(digest: string): Promise<string | null> {
    return this.#resets.redeem(digest);
  }

  async attemptTotp(userId: string, step: number | null): Promise<TotpAttempt> {
    return attemptTotp(this.#parts.sql, userId, step, this.#parts.clock());
  }

  async keepAuditRows(rows: PendingAuditRow[]): Promise<void> {
    await this.#parts.auditOutbox.keep(rows);
  }

  async forgetTenantRecord(): Promise<void> {
    this.#parts.tenant.forget();
  }

  // --- placement (objects/placement/tenant-move.ts) ---------------------------

  async startMove(from: string, to: string): Promise<MoveStart> {
    return this.#parts.move.start(from, to, this.#parts.clock());
  }

  async moveStatus(): Promise<MoveStatus | null> {
    return this.#parts.move.status();
  }

  // --- privacy (objects/privacy/) ----------------------------------------------

  async startExport(exportId: string, requestedBy: string): Promise<ExportStart> {
    return this.#parts.exports.start(exportId, requestedBy);
  }

  async exportStatus(exportId: string): Promise<TenantExportView | null> {
    return this.#parts.exports.status(exportId);
  }

  async personSessions(userId: string): Promise<PersonSession[]> {
    return personSessions(this.#parts.sql, userId, this.#parts.clock());
  }

  async erasePerson(userId: string, email: string): Promise<{ sessionsEnded: number }> {
    // The usual end of access (forgetCredentials), then what the object keeps of them.
    this.#parts.identity.forget({ userId });
    const ended = this.#sessions.end({ userId });
    this.#oauth.revokeAll(userId);
    endLiveAccess(this.#parts.sql, { userId }, (tag) => this.getConnections(tag));
    forgetPerson(this.#parts.sql, userId, email);
    // Their stored requests (scheduled and held posts, publishes, audit rows waiting for
    // the shard) name their pseudonym from here on, then what waits for D1 is written,
    // so the route's second scrub of the shard comes after the last of it.
    const pseudonym = await erasedPseudonym(this.#parts.env.KMS_MASTER_KEY, this.#parts.tenantId, userId);
    eraseStoredRequests(this.#parts.sql, { userId, pseudonym, email });
    await settleRecords(this.#parts);
    await this.#parts.auditOutbox
      .flush()
      .catch((error) => console.warn(`TenantObject ${this.#parts.tenantId}:`, error));
    // The job the erasure's batch recorded: their archived audit days (archive-erasure.ts).
    await this.#parts.archiveErasure.start();
    return { sessionsEnded: ended.length };
  }

  // --- erasure (src/core/erasure/object.ts) ------------------------------------

  async eraseStorage(): Promise<void> {
    for (const socket of this.ctx.getWebSockets()) socket.close(1000, "the tenant was erased");
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  // --- connecting accounts (objects/publishing/oauth-states.ts) ----------------

  async createOAuthState(pending: NewAuthorization): Promise<{ state: string; expiresAtMs: number }> {
    return createState(this.#parts.sql, this.#parts.tenantId, pending, this.#parts.clock());
  }

  async startOAuthState(
    state: string,
    platform: Platform,
    presentedHash: string | null,
    claimHash: string,
  ): Promise<StartOutcome> {
    return startState(this.#parts.sql, state, platform, presentedHash, claimHash, this.#parts.clock());
  }

  async consentOAuthState(state: string, platform: Platform, presentedHash: string | null): Promise<ConsentOutcome> {
    return consentState(this.#parts.sql, state, platform, presentedHash, this.#parts.clock());
  }

  async consumeOAuthState(state: string, presentedHash: string | null): Promise<CallbackOutcome> {
    return consumeState(this.#parts.sql, state, presentedHash, this.#parts.clock());
  }

  async accountConnected(accountId: string): Promise<void> {
    const { tokens, timers } = this.#parts;
    tokens.forget(accountId);
    // A (re)connected account's token is kept alive from now on (token-upkeep.ts).
    await timers.scheduleAtMost("token-upkeep", this.#parts.clock() + TOKEN_UPKEEP_FIRST_MS);
    await accountConnectedEvent(this.#parts, accountId);
  }

  async accountDisconnected(accountId: string): Promise<number> {
    this.#parts.tokens.forget(accountId);
    return this.#parts.scheduler.dropAccount(accountId);
  }

  // --- publishing (objects/publishing/publish-flow.ts) --------------------------

  async publishNow(input: PublishInput, auth?: DeferredAuth): Promise<PublishNowResult> {
    return this.#parts.publishing.forClient(input, auth);
  }

  async resumePublish(attemptId: string, leaseId: string, outcome: RefreshOutcome): Promise<FlowResult> {
    const result = await this.#parts.publishing.resume(attemptId, leaseId, outcome);
    // An approved post's publish, handed back for a refresh, ends here (approvals.ts).
    await this.#approvals.settle(attemptId, result);
    return result;
  }

  async cancelScheduled(requestId: string, actor: AuditActor): Promise<PostView | null> {
    return (await this.#approvals.cancel(requestId, actor)) ?? this.#parts.scheduler.cancel(requestId, actor);
  }

  async releaseHeld(requestId: string, release: Release): Promise<ReleaseOutcome | null> {
    const { scheduler, admission } = this.#parts;
    return scheduler.release(requestId, release, (input) => admission.check(input));
  }

  async tenantStatusChanged(status: TenantStatus): Promise<void> {
    await tenantStatusChanged(this.#parts, status);
  }

  async billingChanged(subscription: SubscriptionStatus): Promise<void> {
    await billingChanged(this.#parts, subscription);
  }

  async rateLimits(accounts: { accountId: string; platform: Platform }[]): Promise<AccountWindow[]> {
    const { windows } = await this.#parts.tenant.get();
    const now = this.#parts.clock();
    return accounts.map((account) => ({
      accountId: account.accountId,
      platform: account.platform,
      ...windowState(this.#parts.sql, account.accountId, windowFor(account.platform, windows[account.platform]), now),
    }));
  }

  async monthlyPosts(): Promise<MonthlyPosts> {
    const { quotas } = await this.#parts.tenant.get();
    return this.#parts.postQuota.usage(quotas.posts_per_month);
  }

  async settleRecords(): Promise<void> {
    await settleRecords(this.#parts);
    // Who approved a post reaches D1 with it (approvals.ts); kept for later should D1 refuse.
    await this.#approvals.recordDecided();
  }

  // --- approvals (objects/publishing/approvals.ts) -------------------------------

  async approvePost(requestId: string, approval: Approval): Promise<FlowResult | ApprovalConflict> {
    return this.#approvals.approve(requestId, approval);
  }

  async rejectPost(requestId: string, rejection: Rejection): Promise<PostView | ApprovalConflict> {
    return this.#approvals.reject(requestId, rejection);
  }

  async editPending(requestId: string, edit: PendingEdit): Promise<PostView | ApprovalConflict | CheckRefusal> {
    return this.#approvals.edit(requestId, edit);
  }

  // --- outgoing webhooks (objects/webhooks/) ------------------------------------

  async webhooksChanged(): Promise<void> {
    this.#parts.webhooks.forgetSubscriptions();
  }

  // --- analytics (objects/analytics/) -----------------------------------------

  async ingestEvents(events: MetricEvent[], key: string | null, actor: AuditActor): Promise<IngestResult> {
    const result = await this.#parts.analytics.ingest(events, key, actor);
    if (result.kind === "applied" && !result.duplicate) {
      await this.#parts.timers.scheduleAtMost("flush-analytics", this.#parts.clock() + ANALYTICS_FLUSH_DELAY_MS);
    }
    await faultPoint("ingest.applied");
    return result;
  }

  async postFigures(postId: string): Promise<PostFigures | null> {
    return (await this.#parts.analytics.figures([postId]))[0] ?? null;
  }

  async campaignRoi(query: CampaignRoiQuery): Promise<CampaignRoiPage> {
    return campaignRoi(this.#parts, query);
  }

  async postReport(query: PostReportQuery): Promise<PostReport> {
    return postReport(this.#parts, query);
  }

  async creditConversion(credit: ConversionCredit): Promise<void> {
    await faultPoint("ledger.credit");
    this.#parts.analytics.campaigns.credit(credit, this.#parts.clock());
  }

  async liveTicket(holder: LiveHolder): Promise<{ ticket: string; expiresAtMs: number }> {
    return issueTicket(this.#parts.sql, holder, this.#parts.clock());
  }

  async redeemLiveTicket(ticket: string): Promise<LiveHolder | null> {
    const holder = redeemTicket(this.#parts.sql, ticket, this.#parts.clock());
    if (!holder) return null;
    // A session ended after the ticket was issued (or while it was being issued) opens nothing.
    if (holder.sessionId !== null && !this.#sessions.isLive(holder.sessionId, holder.userId)) return null;
    return (await this.#parts.identity.isActiveUser(holder.userId)) ? holder : null;
  }

  // --- partyserver's hooks ----------------------------------------------------

  /** Each dashboard socket is tagged with its ticket's user and session (tags survive hibernation). */
  override getConnectionTags(_connection: Connection, ctx: ConnectionContext): string[] {
    return connectionTags(ctx.request);
  }

  /** A dashboard connected: it gets the current figures, then every change. */
  override async onConnect(connection: Connection, ctx: ConnectionContext): Promise<void> {
    // Checked again here: access or the session may have ended between the gate's
    // redemption and now, after forgetCredentials or endSessions had closed the sockets
    // they could see.
    const userId = liveUserOf(ctx.request);
    if (!userId || !(await this.#parts.identity.isActiveUser(userId))) return endConnection(connection);
    const sessionId = liveSessionOf(ctx.request);
    if (sessionId !== null && !this.#sessions.isLive(sessionId, userId)) {
      return endConnection(connection, SESSION_ENDED);
    }
    const snapshot = await this.#parts.analytics.snapshot();
    if (connection.readyState !== WebSocket.OPEN) return;
    connection.send(JSON.stringify({ type: "snapshot", at: isoNow(this.#parts.clock), ...snapshot }));
  }

  /** The one alarm: every due timer (./timers.ts), each kept until its handler succeeded. */
  override async onAlarm(): Promise<void> {
    await runDueTimers(this.#parts, this.#timers);
  }
}
