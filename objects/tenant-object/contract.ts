// The TenantObject's contract (ARCHITECTURE.md, One contract): everything the router may call
// on a tenant's object, and every type that crosses that RPC seam. It is the only
// module of objects/ that src/ imports (test/architecture/import-graph.test.ts), the
// class implements it, and its public methods are exactly those listed here
// (test/architecture/object-surface.test.ts). The steps of a publish that run inside
// the object (admission, the platform call, the record) stay private to it:
// objects/publishing/publish-flow.ts tells that story.
//
// Types only, apart from the list of method names the surface test reads.
import type { Anomaly, MetricColumns, MetricName, Score } from "../../src/analytics/post-metrics";
import type { Permission } from "../../src/auth/permissions";
import type { UserPrincipal } from "../../src/auth/principal";
import type { AuditActor, PendingAuditRow } from "../../src/db/audit-logs";
import type { TenantStatus } from "../../src/db/tenants";
import type { PlatformErrorKind } from "../../src/platforms/errors";
import type { PostDraft } from "../../src/platforms/rules";
import type { Platform } from "../../src/platforms/types";
import type {
  CampaignLedgerRebuild,
  CampaignRoiPage,
  CampaignRoiQuery,
  ConversionCredit,
} from "../analytics/campaign-types";
import type { FlushReport } from "../analytics/flush";

export type * from "../analytics/campaign-types";
export type { FlushReport };

// --- identity -----------------------------------------------------------------

/** What a request presented, for its tenant's object to check. */
export type PresentedCredential =
  | { kind: "api_key"; prefix: string; digest: string }
  /** `sessionId`: the token's jti, a live session of this object's (objects/identity/sessions.ts). */
  | { kind: "session"; userId: string; sessionId: string };

/** One request charged against an API key's exact hourly limit. */
export interface Admission {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the oldest counted request leaves the window (ms since the epoch). */
  resetAtMs: number;
  /** Seconds until a request would be admitted; 0 when allowed. */
  retryAfterSeconds: number;
}

export type AuthResult =
  | { ok: true; principal: UserPrincipal; admission: Admission | null }
  | { ok: false; status: 401 }
  | { ok: false; status: 429; admission: Admission; principal: UserPrincipal };

/** A route that leaves authentication and its permission check to its object call. */
export interface DeferredAuth {
  presented: PresentedCredential;
  permission: Permission;
  /** The route's audit action, for the row of a refusal. */
  audit: { action: string; resourceType: string };
}

/** A change made through the API that cached credentials must not outlive. */
export interface CredentialChange {
  /** API keys revoked (a key and the keys made with it). */
  keyIds?: readonly string[];
  /** A user whose role, status or existence changed (and so their keys). */
  userId?: string;
  /** Every credential of the tenant: it was suspended or deleted, or its key rotated. */
  all?: boolean;
  /**
   * The change ends access (a user suspended or deleted, the tenant suspended or
   * deleted): live tickets are voided and live sockets closed too, for `userId` or `all`.
   */
  endsAccess?: boolean;
}

/** A reserved sign-in (or TOTP) attempt, or how long to wait. */
export type AttemptGate = { allowed: true; attemptId: number } | { allowed: false; retryAfterSeconds: number };

/** How a reserved password attempt ended (objects/identity/login-throttle.ts). */
export type LoginOutcome =
  /** Password (and code) right: the address's failures are forgotten and a session of `userId` starts. */
  | { kind: "signed_in"; userId: string }
  /** Password right, no session: a password change, or a sign-in still lacking its TOTP code. */
  | { kind: "proven" }
  | { kind: "failed" };

/** A session started by a sign-in: its id (the token's jti) and end. */
export interface SessionGrant {
  sessionId: string;
  expiresAtMs: number;
}

/**
 * Whom a live-dashboard ticket is for: a user, and the session it was asked for with
 * (null: an API key). A socket opened with a session closes when the session ends.
 */
export interface LiveHolder {
  userId: string;
  sessionId: string | null;
}

/** Sessions of `userId` to end: the one named `only` (signing out), else every one but `keep`. */
export interface SessionEnding {
  userId: string;
  only?: string;
  keep?: string;
}

export type TotpAttempt =
  | { ok: true }
  | { ok: false; reason: "wrong" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

// --- placement ----------------------------------------------------------------

export type MovePhase = "copying" | "verifying" | "switching" | "draining" | "cleaning" | "done" | "failed";

export interface MoveStatus {
  from_shard: string;
  to_shard: string;
  phase: MovePhase;
  table: string | null;
  rows_copied: number;
  started_at: string;
  switched_at: string | null;
  finished_at: string | null;
  error: string | null;
}

export type MoveStart =
  | { started: true; status: MoveStatus | null }
  | { started: false; reason: string; status: MoveStatus | null };

// --- connecting accounts ------------------------------------------------------

export interface PendingAuthorization {
  platform: Platform;
  userId: string;
  /** The API key connect was called with; null for a signed-in session. */
  keyId: string | null;
  redirectUri: string;
  returnTo: string | null;
  codeVerifier: string | null;
}

export interface NewAuthorization extends PendingAuthorization {
  /** From newState (src/http/oauth-state.ts): names this tenant. */
  state: string;
  /** The platform's authorize URL, where the start route sends the browser. */
  authorizeUrl: string;
  /** SHA-256 (hex) of the binding secret set as a cookie by the connect response. */
  bindingHash: string;
  /**
   * The connect request came from a page of this site (a browser): the state is
   * claimed by that browser at once, and no other can claim its start URL.
   */
  claimed: boolean;
}

/** Who asked for a connection: the member, and the key they asked with (null: a session). */
export interface OAuthStarter {
  userId: string;
  keyId: string | null;
}

export type StartOutcome =
  /** The browser that asked for the connection (its connect cookie matches): on to the platform. */
  | { kind: "bound"; authorizeUrl: string; expiresAtMs: number }
  /**
   * A browser that opened the start URL (a forwarded link): it must confirm on this
   * site's page first. `claimed`: it claimed the state just now (set its cookie).
   */
  | { kind: "consent"; claimed: boolean; starter: OAuthStarter; expiresAtMs: number }
  /** Another browser claimed it. */
  | { kind: "refused" }
  | { kind: "unknown" };

export type ConsentOutcome =
  /** The browser the state is bound to confirmed: on to the platform. */
  | { kind: "ok"; authorizeUrl: string; starter: OAuthStarter }
  /** The state is live, but this browser is not the one it is bound to (nothing changed). */
  | { kind: "refused" }
  | { kind: "unknown" };

export type CallbackOutcome =
  | { kind: "ok"; pending: PendingAuthorization }
  /** The state is live, but this browser is not the one it is bound to (the state is kept). */
  | { kind: "unbound" }
  /** Claimed by opening its start URL, but never confirmed on this site's page (the state is kept). */
  | { kind: "unconfirmed" }
  | { kind: "unknown" };

// --- publishing ---------------------------------------------------------------

export interface PublishInput {
  /** The request's id, and the post's once published ("post_<ulid>"). */
  attemptId: string;
  idempotencyKey: string | null;
  /** SHA-256 of the request, to refuse a key reused for another request. */
  requestHash: string;
  accountId: string;
  /** The post as the client sent it; the TenantObject checks it against the platform's rules. */
  draft: PostDraft;
  scheduledAtMs: number | null;
  campaignId: string | null;
  utmParams: Record<string, string> | null;
  contentId: string | null;
  actor: AuditActor;
  /** The router is repeating this call after the object was reset: the attempt may exist. */
  retry?: boolean;
}

/** A held post scheduled again (POST /v1/posts/{id}/release). */
export interface Release {
  /** The new time (ms since the epoch), in the future. */
  dueAtMs: number;
  /** The owner or admin releasing it. */
  actor: AuditActor;
  /** The releaser answers for a post whose author is still suspended or removed, in their place. */
  overrideAuthorRemoved: boolean;
}

/** An HTTP answer decided by the TenantObject (problem bodies included). */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  replayed?: boolean;
}

/** The right to refresh one account's token, held by one caller at a time. */
export interface RefreshLease {
  leaseId: string;
  accountId: string;
  platform: Platform;
  platformUserId: string;
  accessToken: string;
  refreshToken: string | null;
}

/** What the platform's token endpoint answered to a lease's refresh. */
export type RefreshOutcome =
  | {
      ok: true;
      accessToken: string;
      refreshToken: string | null;
      expiresAtMs: number | null;
      refreshTokenExpiresAtMs: number | null;
    }
  | { ok: false; kind: PlatformErrorKind; message: string };

/** Where a client's publish stands: answered, or waiting for the router to refresh a token. */
export type FlowResult = { kind: "done"; answer: Answer } | { kind: "refresh"; attemptId: string; lease: RefreshLease };

export type PublishNowResult = FlowResult & {
  keyAdmission?: Admission;
  /** Who asked, once the object authenticated them. */
  principal?: UserPrincipal;
};

/** One account's publishing window, as GET /v1/rate-limits shows it. */
export interface AccountWindow {
  accountId: string;
  platform: Platform;
  window: string;
  limit: number;
  used: number;
  remaining: number;
  resetAtMs: number | null;
  windowSeconds: number;
  platformReported: { remaining: number; resetAtMs: number; source: string } | null;
}

// --- analytics ----------------------------------------------------------------

export interface MetricEvent {
  postId: string;
  /** snapshot: the values as they stand; delta: changes to add. */
  type: "snapshot" | "delta";
  /** When the figures were observed (ms); the time of ingestion when absent. */
  atMs?: number;
  metrics: Partial<Record<MetricName, number>>;
}

export type IngestResult =
  | { kind: "applied"; accepted: number; posts: number; duplicate: boolean }
  | { kind: "unknown_posts"; indexes: number[] };

/** A post's figures as dashboards and D1 see them: counters plus the derived figures. */
export interface PostFigures extends MetricColumns {
  post_id: string;
  platform: Platform;
  account_id: string;
  published_at: string;
  engagement_rate: number | null;
  share_rate: number | null;
  viral_coefficient: number | null;
  engagement_velocity_1h: number | null;
  engagement_velocity_24h: number | null;
  engagement_velocity_7d: number | null;
  performance_score: number;
  performance_score_breakdown: Score["breakdown"];
  is_anomaly: boolean;
  anomaly_type: Anomaly["type"];
  z_score: number | null;
  updated_at: string;
}

export interface TenantObjectStatus {
  tenantId: string;
  schemaVersion: number;
  createdAt: string;
}

// --- the interface ------------------------------------------------------------

/**
 * What the router may call on a tenant's object (reached with src/objects.ts, which
 * hands out stubs typed by this interface alone). Every call is safe to repeat with
 * the same arguments: the router repeats a call the runtime says was cut short by a
 * reset of the object (retryOnReset).
 */
export interface TenantObjectContract {
  /** Proves the object answers: its tenant, schema version and first start (GET /v1/health). */
  status(): Promise<TenantObjectStatus>;

  // identity
  /** Checks a credential and, with `admit`, charges an API key's hourly limit; a refused known key is audited. */
  authenticate(presented: PresentedCredential, options: { admit: boolean; actor: AuditActor }): Promise<AuthResult>;
  /**
   * A credential changed through the API: forget it now. A change that ends access
   * also ends the sessions of `userId` (or of everyone), voids live tickets and closes sockets.
   */
  forgetCredentials(change: CredentialChange): Promise<void>;
  /** Reserves a password attempt at `email` from client address `ip`, or says how long to wait. */
  beginLogin(email: string, ip: string): Promise<AttemptGate>;
  /** Settles a reserved attempt; a sign-in's session when it signed in. */
  finishLogin(attemptId: number, email: string, ip: string, outcome: LoginOutcome): Promise<SessionGrant | null>;
  /**
   * Ends sessions (signing out, a password or MFA change, a reset link redeemed); how
   * many ended. Their unspent live tickets are voided and their live sockets closed.
   */
  endSessions(ending: SessionEnding): Promise<number>;
  /** Keeps the SHA-256 `digest` of a new reset link as `userId`'s only one; when it expires. */
  issuePasswordReset(userId: string, digest: string): Promise<{ expiresAtMs: number }>;
  /** Spends a reset link: its user, once, within its hour; null otherwise. */
  redeemPasswordReset(digest: string): Promise<string | null>;
  /** A TOTP code entered for `userId`, as the step it matched (null: none): once per step, throttled per user. */
  attemptTotp(userId: string, step: number | null): Promise<TotpAttempt>;
  /** Audit rows of a global change the tenant's shard refused: kept, and written on the alarm until it takes them. */
  keepAuditRows(rows: PendingAuditRow[]): Promise<void>;
  /** The tenant's key rotated or its settings changed: read the registry again. */
  forgetTenantRecord(): Promise<void>;

  // placement
  /** Starts moving the tenant's rows from shard `from` to `to` (the operator's route). */
  startMove(from: string, to: string): Promise<MoveStart>;
  /** The current or last move; null when the tenant never moved. */
  moveStatus(): Promise<MoveStatus | null>;

  // connecting accounts
  createOAuthState(pending: NewAuthorization): Promise<{ state: string; expiresAtMs: number }>;
  /**
   * A browser opens the state's start URL: on to the platform for the browser that
   * asked for it; a first other browser claims it and must confirm (consentOAuthState).
   */
  startOAuthState(
    state: string,
    platform: Platform,
    presentedHash: string | null,
    claimHash: string,
  ): Promise<StartOutcome>;
  /** The browser a forwarded start URL is bound to confirmed on this site's page: on to the platform. */
  consentOAuthState(state: string, platform: Platform, presentedHash: string | null): Promise<ConsentOutcome>;
  /** The callback: the pending authorization, only for the browser the state is bound to. */
  consumeOAuthState(state: string, presentedHash: string | null): Promise<CallbackOutcome>;
  /** An account was (re)connected or disconnected: forget its cached tokens; the count of scheduled posts dropped. */
  forgetAccount(accountId: string, disconnected?: boolean): Promise<number>;

  // publishing (objects/publishing/publish-flow.ts tells the whole story)
  /**
   * A client's publish in one call: the deferred credential check, admission, the
   * platform call and the record. When the account's token must be refreshed first,
   * the answer is `{ kind: "refresh", lease }` and the ROUTER does that step itself:
   * it calls the platform's token endpoint (src/platforms/refresh.ts) and reports the
   * outcome with resumePublish. Why the router: a refresh can rotate the refresh
   * token, and the platform call can take the whole platform deadline. Were the
   * object reset during it (evicted, redeployed), a refresh made inside the object
   * would lose the new tokens while the old refresh token may already be void. The
   * router's request outlives such a reset: it keeps the outcome and reports it to
   * the object's next instance. The lease is kept in the object's storage, so no
   * second refresh starts meanwhile. Scheduled posts refresh on the object's own
   * alarm, which a reset runs again.
   */
  publishNow(input: PublishInput, auth?: DeferredAuth): Promise<PublishNowResult>;
  /** Continues a client's publish with the refresh the router made for its lease (see publishNow). */
  resumePublish(attemptId: string, leaseId: string, outcome: RefreshOutcome): Promise<FlowResult>;
  /** Cancels a scheduled post; null when it is not waiting in the schedule. */
  cancelScheduled(requestId: string, actor: AuditActor): Promise<Answer | null>;
  /**
   * Schedules a held post again (docs/publishing.md, Held posts); null when it is not
   * held here. Refused (409) while the tenant is stopped or its author still removed.
   */
  releaseHeld(requestId: string, release: Release): Promise<Answer | null>;
  /**
   * The tenant's status changed (suspended, reactivated, deleted): read it again. On
   * reactivation the work paused while it was stopped (token upkeep, insight pulls)
   * resumes at once.
   */
  tenantStatusChanged(status: TenantStatus): Promise<void>;
  /** Each account's window: use, limit, and when a slot frees. */
  rateLimits(accounts: { accountId: string; platform: Platform }[]): Promise<AccountWindow[]>;
  /** Returns once D1 has every post this object answered for (the read barrier of routes that read posts). */
  settleRecords(): Promise<void>;

  // analytics
  /** Applies a client's batch of metric events (POST /v1/analytics/events). */
  ingestEvents(events: MetricEvent[], key: string | null, actor: AuditActor): Promise<IngestResult>;
  /** A post's live figures; null when this tenant published no such post. */
  postFigures(postId: string): Promise<PostFigures | null>;
  /** Writes changed counters to D1 now (the alarm does it on its own; benchmarks and tests ask). */
  flushAnalytics(): Promise<FlushReport>;
  /** ROI by campaign over a fixed window, from the object's running totals (GET /v1/analytics/roi). */
  campaignRoi(query: CampaignRoiQuery): Promise<CampaignRoiPage>;
  /** A conversion D1 has recorded, credited to its campaigns (POST /v1/conversions, after the commit). */
  creditConversion(credit: ConversionCredit): Promise<void>;
  /** Rebuilds the campaign totals from D1 (the daily repair; operators and tests ask too). */
  rebuildCampaignLedger(): Promise<CampaignLedgerRebuild>;
  /** A live-socket ticket for `holder` (POST /v1/live/ticket): once, for a minute; void when its session ends. */
  liveTicket(holder: LiveHolder): Promise<{ ticket: string; expiresAtMs: number }>;
  /**
   * Spends a live ticket (the socket gate): its holder, once, while user and tenant are
   * active and its session (if any) is live; null otherwise.
   */
  redeemLiveTicket(ticket: string): Promise<LiveHolder | null>;
}

/** The contract as the runtime's Durable Object types take it (namespaces, stubs). */
export type TenantObjectBinding = TenantObjectContract & Rpc.DurableObjectBranded;
export type TenantObjectStub = DurableObjectStub<TenantObjectBinding>;

/** The contract's methods by name, for the test that holds the class to them. */
export const TENANT_OBJECT_METHODS = [
  "status",
  "authenticate",
  "forgetCredentials",
  "beginLogin",
  "finishLogin",
  "endSessions",
  "issuePasswordReset",
  "redeemPasswordReset",
  "attemptTotp",
  "keepAuditRows",
  "forgetTenantRecord",
  "startMove",
  "moveStatus",
  "createOAuthState",
  "startOAuthState",
  "consentOAuthState",
  "consumeOAuthState",
  "forgetAccount",
  "publishNow",
  "resumePublish",
  "cancelScheduled",
  "releaseHeld",
  "tenantStatusChanged",
  "rateLimits",
  "settleRecords",
  "ingestEvents",
  "postFigures",
  "flushAnalytics",
  "campaignRoi",
  "creditConversion",
  "rebuildCampaignLedger",
  "liveTicket",
  "redeemLiveTicket",
] as const satisfies readonly (keyof TenantObjectContract)[];

type Unlisted = Exclude<keyof TenantObjectContract, (typeof TENANT_OBJECT_METHODS)[number]>;
/** Type-checks only while the list names every method of the interface (else: the missing name). */
export const EVERY_METHOD_LISTED: [Unlisted] extends [never] ? true : Unlisted = true;
