// The TenantObject's contract (ARCHITECTURE.md, One contract): everything the router may call
// on a tenant's object, every type that crosses that RPC seam, and whether each call
// may be repeated after a reset of the object (REPEAT, below). It is the only module
// of objects/ that src/ imports (test/architecture/import-graph.test.ts), the class
// implements it, and what the runtime lets a caller reach over RPC is exactly these
// methods plus the runtime's own entry points (test/architecture/object-surface.test.ts).
// The steps of a publish that run inside the object (admission, the platform call, the
// record) stay private to it: objects/publishing/publish-flow.ts tells that story.
//
// Types only, apart from REPEAT (the table src/router/objects.ts retries by), the list of
// method names drawn from it, and the two headers the live-socket gate hands the object.

import type { CampaignRoiPage, CampaignRoiQuery, ConversionCredit } from "../../src/core/analytics/campaign-types";
import type { PostFigures } from "../../src/core/analytics/post-figures";
import type { MetricName } from "../../src/core/analytics/post-metrics";
import type { PostReport, PostReportQuery } from "../../src/core/analytics/post-reports";
import type { Drafter } from "../../src/core/auth/approvals";
import type { Permission } from "../../src/core/auth/permissions";
import type { UserPrincipal } from "../../src/core/auth/principal";
import type { SubscriptionGate } from "../../src/core/billing/subscription";
import type { AuditActor, PendingAuditRow } from "../../src/core/db/audit-logs";
import type { HoldReason, PostStatus, PostView } from "../../src/core/db/publish-requests";
import type { SubscriptionStatus, TenantStatus } from "../../src/core/db/tenants";
import type { RefreshLease, RefreshOutcome } from "../../src/core/platforms/refresh";
import type { PostDraft } from "../../src/core/platforms/rules";
import type { Platform } from "../../src/core/platforms/types";
import type { FieldError } from "../../src/core/problem";

export type * from "../../src/core/analytics/campaign-types";
export type { PostFigures } from "../../src/core/analytics/post-figures";
export type { RefreshLease, RefreshOutcome } from "../../src/core/platforms/refresh";

// --- live sockets -------------------------------------------------------------

/**
 * The user whose ticket opened the socket, handed to the object on the upgrade request
 * (objects/analytics/live-access.ts tags the socket with it). Only the gate
 * (src/router/party-gate.ts) sets it,
 * always overwriting whatever the client sent.
 */
export const LIVE_USER_HEADER = "x-dify-live-user";

/**
 * The session the ticket was asked for with, handed on the same way (the socket is
 * tagged with it too, and closes when the session ends). Only this gate sets it; a
 * ticket of an API key has none, and the gate then removes whatever the client sent.
 */
export const LIVE_SESSION_HEADER = "x-dify-live-session";

// --- identity -----------------------------------------------------------------

/** What a request presented, for its tenant's object to check. */
export type PresentedCredential =
  | { kind: "api_key"; prefix: string; digest: string }
  /** `sessionId`: the token's jti, a live session of this object's (objects/identity/sessions.ts). */
  | { kind: "session"; userId: string; sessionId: string }
  /**
   * An MCP tool call of a caller that came with an OAuth access token: the grant, named by
   * a dispatch credential the router verified (src/core/auth/mcp-dispatch.ts).
   */
  | { kind: "oauth"; grantId: string };

// --- OAuth grants (objects/identity/oauth-grants.ts; docs/mcp.md, OAuth) ---------

/** A member's consent to a client, for which a code is issued. */
export interface NewOAuthCode {
  userId: string;
  clientId: string;
  clientName: string;
  /** The exact redirect URI the authorization request named (the exchange must repeat it). */
  redirectUri: string;
  /** PKCE S256 challenge. */
  codeChallenge: string;
  scopes: string[];
  /** The resource its tokens are bound to (RFC 8707): this site's /mcp. */
  resource: string;
}

/** A token request exchanging a code (RFC 6749 4.1.3, RFC 7636). */
export interface OAuthCodeExchange {
  code: string;
  clientId: string;
  redirectUri: string;
  codeVerifier: string;
  /** The resource asked for, when the request names one. */
  resource: string | null;
}

/** A token request with a refresh token (RFC 6749 section 6). */
export interface OAuthRefresh {
  refreshToken: string;
  clientId: string;
  /** Narrower scopes, when asked; null keeps the grant's. */
  scopes: string[] | null;
  resource: string | null;
}

export type OAuthTokenOutcome =
  | {
      ok: true;
      accessToken: string;
      refreshToken: string;
      expiresInSeconds: number;
      scopes: string[];
      grantId: string;
      userId: string;
    }
  | { ok: false; error: "invalid_grant" | "invalid_target" | "invalid_scope"; description: string };

/** A grant as the API lists it: never a token or its digest. */
export interface OAuthGrantView {
  grantId: string;
  userId: string;
  clientId: string;
  clientName: string;
  scopes: string[];
  resource: string;
  createdAtMs: number;
  lastUsedAtMs: number | null;
  /** When its refresh token lapses unless used. */
  expiresAtMs: number | null;
}

/** An access token checked at /mcp: the member it acts for, with the grant's scopes. */
export type OAuthAccess = { ok: true; principal: UserPrincipal; grant: OAuthGrantView } | { ok: false };

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
  /** What the tenant's subscription may stop (src/core/billing/subscription.ts, GatedRequest). */
  gated: { mutation: boolean; publishes: boolean };
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
  /** From newState (src/core/auth/oauth-state.ts): names this tenant. */
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
  /** The post configuration the client named; absent or null: the tenant's default, when it has one. */
  configurationId?: string | null;
  /** scheduled_at "best": the object schedules the post at its configuration's next best posting time. */
  bestTime?: boolean;
  /**
   * Set by the object once admission applied the configuration: `configurationId` then
   * names the one applied (null: none), the draft carries its call to action and
   * `scheduledAtMs` the best time chosen. A scheduled post keeps it, so its firing checks
   * that configuration's rules again and changes nothing in the text
   * (objects/publishing/post-configuration.ts).
   */
  configured?: boolean;
  /**
   * The post came through the MCP server: its drafter counts as an agent whatever its
   * credential (src/core/auth/approvals.ts), and the tenant's approval rules apply.
   */
  via?: "mcp";
  /**
   * Who drafts it, for a caller that authenticated the request itself and calls
   * publishNow without a DeferredAuth: without either, the approval rules are not
   * applied (the object's own callers, the tests). With a DeferredAuth the object's
   * checked principal decides and this is ignored.
   */
  drafter?: Drafter;
}

// --- approvals (docs/approvals.md) -----------------------------------------------

/** An approver lets a waiting post go (POST /v1/posts/{id}/approve). */
export interface Approval {
  /** The approver's request: the approval is audited under them, the post keeps its author. */
  actor: AuditActor;
  /** A new time (ms since the epoch); null: the post's own (one gone by meanwhile: at once). */
  scheduledAtMs: number | null;
  /** scheduled_at "best": the configuration's next best posting time, chosen now. */
  bestTime: boolean;
}

/** An approver refuses a waiting post, saying why (POST /v1/posts/{id}/reject). */
export interface Rejection {
  actor: AuditActor;
  reason: string;
}

/** An edit of a waiting post (PATCH /v1/posts/{id}): each field given replaces the draft's. */
export interface PendingEdit {
  actor: AuditActor;
  text?: string;
  hashtags?: string[];
  imageUrl?: string | null;
  videoUrl?: string | null;
  /** A time (ms since the epoch), "best", or null: at once once approved. Absent: unchanged. */
  scheduledAt?: number | "best" | null;
  /** How the edit is classified in its revision, as feedback on generated content is. */
  classification: "defect" | "preference";
  note: string | null;
}

/** Why a waiting post cannot be decided on or edited now (409). */
export type ApprovalConflict =
  /** It is not waiting (any more): decided, cancelled, or not a post that waits. */
  | { kind: "not_pending"; detail: string }
  /** An approval of it is under way (its publish has not ended yet). */
  | { kind: "approval_busy"; detail: string };

/** A held post scheduled again (POST /v1/posts/{id}/release). */
export interface Release {
  /** The new time (ms since the epoch), in the future. */
  dueAtMs: number;
  /** The owner or admin releasing it. */
  actor: AuditActor;
  /** The releaser answers for a post whose author is still suspended or removed, in their place. */
  overrideAuthorRemoved: boolean;
}

/** Why a held post was not released (releaseHeld); the router answers 409 with the reason. */
export type ReleaseRefusal =
  /** Its tenant is still stopped: its posts stay held until it is active again. */
  | { kind: "tenant_stopped"; heldReason: HoldReason | null; tenantStatus: TenantStatus }
  /** The member who answers for it is still suspended or removed, and the releaser did not take it over. */
  | { kind: "author_removed"; heldReason: HoldReason | null; authorId: string | null }
  /** D1 no longer has it held (released or cancelled meanwhile). */
  | { kind: "not_held"; status: PostStatus }
  /** The subscription stops publishing now (past_due after its grace, or canceled): 402. */
  | { kind: "payment_required"; heldReason: HoldReason | null; gate: SubscriptionGate };

/**
 * What releasing a held post did: scheduled again (the post as it is now), or refused,
 * by the hold's reasons (ReleaseRefusal) or as a publish would be (PublishRefusal).
 */
export type ReleaseOutcome = { kind: "released"; post: PostView } | ReleaseRefusal | CheckRefusal;

/** The refusals of the checks made before any key or slot is taken (the account, the platform, the post). */
export type CheckRefusal = Extract<
  PublishRefusal,
  { kind: "not_found" | "account_unavailable" | "platform_not_configured" | "invalid" | "configuration_refused" }
>;
/**
 * A publish that reached the platform (or may have), or was scheduled: what its attempt
 * and its Idempotency-Key keep, and answer again to a repeat.
 */
export type RecordedOutcome =
  /** The platform published it (HTTP 201). */
  | { kind: "published"; post: PostView }
  /** Scheduled for later, or sent with an outcome not known yet: "unknown" or "processing" (202). */
  | { kind: "accepted"; post: PostView }
  /** The platform refused the post; its record says so (422). */
  | { kind: "platform_refused"; detail: string; post: PostView };

/**
 * A publish that published nothing, and why. `detail` is the sentence the client reads,
 * and a scheduled post that fails for good keeps as its error (scheduler.ts).
 */
export type PublishRefusal =
  /** A publishing window is full: the account's own, or what the platform reported (429). */
  | {
      kind: "window_full";
      detail: string;
      window: string;
      limit: number;
      resetAtMs: number;
      retryAfterSeconds: number;
    }
  /** The platform, or a token for it, is not available now; retry later (503). */
  | { kind: "platform_unavailable"; detail: string; platform: Platform; retryAfterSeconds: number }
  /** This deployment has no app credentials for the platform (409, ARCHITECTURE.md, Fail closed). */
  | { kind: "platform_not_configured"; detail: string; platform: Platform }
  /** The account cannot publish until it is reconnected (409). */
  | { kind: "account_unavailable"; detail: string; accountId: string }
  /** No such social account, or no such publish attempt (404). */
  | { kind: "not_found"; detail: string }
  /** The post breaks its platform's rules, names unknown content, or its media was refused (400). */
  | { kind: "invalid"; detail: string; errors: FieldError[] }
  /** The same Idempotency-Key is still being processed (409). */
  | { kind: "key_in_progress"; detail: string }
  /** The Idempotency-Key was used for another request (422). */
  | { kind: "key_mismatch"; detail: string }
  /** The tenant's rows are being moved between shards (503). */
  | { kind: "tenant_moving"; detail: string; retryAfterSeconds: number }
  | ConfigurationRefusal
  /**
   * The plan's posts for this calendar month (UTC) are used up: `used` of `limit`
   * counted, until the next month starts at `resetsAtMs` (429, docs/billing.md).
   */
  | {
      kind: "quota_exceeded";
      detail: string;
      quota: "posts_per_month";
      limit: number;
      used: number;
      resetsAtMs: number;
      retryAfterSeconds: number;
    };

/**
 * A rule of the post's configuration refuses it (422), named by `rule`, the
 * configuration's field: where it may go, or a quality gate of the content it names.
 */
export type ConfigurationRefusal = { kind: "configuration_refused"; detail: string; configurationId: string } & (
  | { rule: "platforms"; platform: Platform; allowed: Platform[] }
  | { rule: "require_guard_pass"; contentId: string; failingGuards: string[] }
  | { rule: "min_brand_voice_score"; contentId: string; score: number | null; minimum: number }
);

/**
 * How a publish ended, as the object decided it (objects/publishing/outcome.ts). The
 * router makes the HTTP answer of each (src/router/http/publish-answers.ts).
 */
export type PublishOutcome =
  | RecordedOutcome
  /** A repeat of a finished request with the same Idempotency-Key: its first outcome. */
  | { kind: "replayed"; first: RecordedOutcome }
  | PublishRefusal;

/** The credential publishNow checked for the route (DeferredAuth), refused. */
export type AccessRefusal =
  | { kind: "unauthenticated" }
  | { kind: "forbidden"; detail: string; permission: Permission }
  /** The API key is over its hourly limit (429). */
  | { kind: "key_limited"; admission: Admission }
  /** The subscription stops it: past_due after its grace, or canceled (402; docs/billing.md). */
  | { kind: "payment_required"; gate: SubscriptionGate };

/** The account's token must be refreshed first, by the router (see publishNow). */
export interface TokenHandOff {
  kind: "refresh_needed";
  attemptId: string;
  lease: RefreshLease;
}

/** Where a client's publish stands: how it ended, or waiting for the router to refresh a token. */
export type FlowResult = PublishOutcome | TokenHandOff;

export type PublishNowResult = (FlowResult | AccessRefusal) & {
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

/** The plan's posts this month, as the object counts them (GET /v1/tenant/usage). */
export interface MonthlyPosts {
  /** The calendar month (UTC, the object's clock), "YYYY-MM". */
  month: string;
  limit: number;
  /** Posts published or scheduled this month, less those given back. */
  used: number;
  /** When the next month starts (ms since the epoch). */
  resetsAtMs: number;
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

export interface TenantObjectStatus {
  /** The object's name: its tenant's id (or the health probe's name, src/router/objects.ts). */
  tenantId: string;
  /** The last object migration applied (objects/schema/tenant-migrations.ts). */
  schemaVersion: number;
}

// --- privacy (docs/privacy.md) -----------------------------------------------

/** Where a tenant's export stands; "expired" once it can no longer be downloaded. */
export type ExportStatus = "running" | "ready" | "failed" | "expired";

export interface TenantExportView {
  exportId: string;
  status: ExportStatus;
  /** The user who asked for it. */
  requestedBy: string;
  createdAtMs: number;
  finishedAtMs: number | null;
  expiresAtMs: number;
  progress: { filesDone: number; filesTotal: number; rows: number; currentFile: string | null };
  error: string | null;
}

export type ExportStart =
  | { started: true; export: TenantExportView }
  /** Another export of the tenant is running: one at a time. */
  | { started: false; running: TenantExportView };

/** A live session of a person, for their data (its id stays: a session token carries it). */
export interface PersonSession {
  startedAtMs: number;
  expiresAtMs: number;
}

// --- the interface ------------------------------------------------------------

/**
 * What the router may call on a tenant's object (reached with src/router/objects.ts, which
 * hands out handles typed by this interface alone). Not every call is safe to repeat:
 * REPEAT below says, method by method, whether the router may make a call again after
 * a reset of the object cut it short (src/router/objects.ts, retryOnReset), and why.
 */
export interface TenantObjectContract {
  /** Proves the object answers: its name and schema version (GET /v1/health). Writes nothing. */
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
  // OAuth for MCP clients (objects/identity/oauth-grants.ts)
  /** A single-use code (five minutes) for a member's consent to a client. */
  issueOAuthCode(grant: NewOAuthCode): Promise<{ code: string; expiresAtMs: number }>;
  /** Exchanges a code with its PKCE verifier for an access and a refresh token; the code is spent either way. */
  redeemOAuthCode(exchange: OAuthCodeExchange): Promise<OAuthTokenOutcome>;
  /** Rotates a grant's tokens; a replaced refresh token presented again revokes the grant. */
  refreshOAuthGrant(refresh: OAuthRefresh): Promise<OAuthTokenOutcome>;
  /**
   * The member an access token (by its digest) acts for, if it is live, bound to
   * `resource`, and its member and tenant are active; marks the grant used.
   */
  authenticateOAuth(accessDigest: string, resource: string): Promise<OAuthAccess>;
  /** The grants of `userId`, or of every member (null), newest first. */
  listOAuthGrants(userId: string | null): Promise<OAuthGrantView[]>;
  /** Revokes a grant (of `userId` only, unless null): its tokens are refused from now; null if none. */
  revokeOAuthGrant(grantId: string, userId: string | null): Promise<OAuthGrantView | null>;
  /** Keeps the SHA-256 `digest` of a new reset link as `userId`'s only one; when it expires. */
  issuePasswordReset(userId: string, digest: string): Promise<{ expiresAtMs: number }>;
  /** Spends a reset link: its user, once, within its hour; null otherwise. */
  redeemPasswordReset(digest: string): Promise<string | null>;
  /** A TOTP code entered for `userId`, as the step it matched (null: none): once per step, throttled per user. */
  attemptTotp(userId: string, step: number | null): Promise<TotpAttempt>;
  /** Audit rows of a global change the tenant's shard refused: kept, and written on the alarm until it takes them. */
  keepAuditRows(rows: PendingAuditRow[]): Promise<void>;
  /**
   * The tenant's key rotated, or its settings or tier changed (the plan's quotas with
   * them): read the registry again. Whoever changes the directory row calls it.
   */
  forgetTenantRecord(): Promise<void>;

  // placement
  /** Starts moving the tenant's rows from shard `from` to `to` (the operator's route). */
  startMove(from: string, to: string): Promise<MoveStart>;
  /** The current or last move; null when the tenant never moved. */
  moveStatus(): Promise<MoveStatus | null>;

  // privacy (objects/privacy/)
  /**
   * Starts the tenant's export `exportId` (made by the router) for user `requestedBy`;
   * it runs on the object's alarm. Refused while another export runs.
   */
  startExport(exportId: string, requestedBy: string): Promise<ExportStart>;
  /** Where an export stands; null when the tenant has no such export. */
  exportStatus(exportId: string): Promise<TenantExportView | null>;
  /** A person's live sessions (GET /v1/users/{id}/export). */
  personSessions(userId: string): Promise<PersonSession[]>;
  /**
   * A person was erased (POST /v1/users/{id}/erase): their sessions end, their live
   * tickets are voided and sockets closed, and what the object keeps of them (reset
   * link, second-factor step, sign-in throttle rows naming `email`) is forgotten. Their
   * stored requests (scheduled and held posts, publishes in flight, posts waiting for an
   * approver, audit rows waiting for the shard) name their pseudonym instead and lose
   * their address and browser; what waits for D1 is written before it answers; and the
   * job the erasure recorded in the shard (their archived audit days) starts on the alarm.
   * Repeatable: a repeat changes nothing the first left.
   */
  erasePerson(userId: string, email: string): Promise<{ sessionsEnded: number }>;

  // erasure
  /**
   * The tenant's erasure (docs/privacy.md, "A tenant's erasure"): the object's alarm and
   * every row of its storage are deleted, and its live sockets closed. Called once the
   * directory no longer places the tenant, so no later call reaches the object to make
   * it apply a fresh schema (src/core/erasure/object.ts).
   */
  eraseStorage(): Promise<void>;

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
  /**
   * An account was connected or reconnected (the OAuth callback stored its tokens): its
   * cached tokens are forgotten, and its token upkeep starts (a minute from now).
   */
  accountConnected(accountId: string): Promise<void>;
  /**
   * An account is being disconnected: its cached tokens are forgotten and its posts
   * waiting in the schedule are dropped; how many were dropped.
   */
  accountDisconnected(accountId: string): Promise<number>;

  // publishing (objects/publishing/publish-flow.ts tells the whole story)
  /**
   * A client's POST /v1/posts in one call: the deferred credential check, admission,
   * then either the platform call and the record, or, for a post with `scheduledAtMs`,
   * its place in the schedule (answered 202; the alarm publishes it when it comes due).
   * When the account's token must be refreshed first,
   * the answer is `{ kind: "refresh_needed", lease }` and the ROUTER does that step itself:
   * it calls the platform's token endpoint (src/core/platforms/refresh.ts) and reports the
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
  /**
   * Cancels a scheduled or held post, or withdraws one waiting for approval: the post as
   * cancelled; null when it is neither in the schedule nor waiting.
   */
  cancelScheduled(requestId: string, actor: AuditActor): Promise<PostView | null>;
  /**
   * Schedules a held post again (docs/publishing.md, Held posts); null when it is not
   * held here. Refused while the tenant is stopped or its author still removed
   * (ReleaseRefusal), and as a publish would be (CheckRefusal) by the account or the post.
   */
  releaseHeld(requestId: string, release: Release): Promise<ReleaseOutcome | null>;
  /**
   * The tenant's status changed (suspended, reactivated, deleted): read it again. On
   * reactivation the work paused while it was stopped (token upkeep, insight pulls)
   * resumes at once.
   */
  tenantStatusChanged(status: TenantStatus): Promise<void>;
  /**
   * The tenant's tier or subscription changed (Stripe's webhook, the operator:
   * docs/billing.md): read the record again. Active again, the work paused while the
   * subscription was canceled (token upkeep, insight pulls) resumes at once; posts held
   * meanwhile stay held until released.
   */
  billingChanged(subscription: SubscriptionStatus): Promise<void>;
  /** Each account's window: use, limit, and when a slot frees. */
  rateLimits(accounts: { accountId: string; platform: Platform }[]): Promise<AccountWindow[]>;
  /** The plan's posts this month: limit, used, and when it resets (objects/publishing/post-quota.ts). */
  monthlyPosts(): Promise<MonthlyPosts>;
  /** Returns once D1 has every post this object answered for (the read barrier of routes that read posts). */
  settleRecords(): Promise<void>;

  // approvals (objects/publishing/approvals.ts, docs/approvals.md)
  /**
   * Approves a waiting post: from here it goes as POST /v1/posts would take it
   * (admission with its windows, the plan's posts a month and its configuration, then
   * the schedule or the platform; a token to refresh is handed back to the router as
   * publishNow's is, and the router goes on with resumePublish). A refusal before
   * anything was scheduled or sent leaves it waiting. While one approval is under way,
   * another is answered approval_busy; once it went, not_pending.
   */
  approvePost(requestId: string, approval: Approval): Promise<FlowResult | ApprovalConflict>;
  /** Rejects a waiting post with its reason: the post as rejected. */
  rejectPost(requestId: string, rejection: Rejection): Promise<PostView | ApprovalConflict>;
  /**
   * Edits a waiting post: checked as a draft is (its account, its platform's rules and
   * its configuration's), each version kept as a revision. The post as it is now.
   */
  editPending(requestId: string, edit: PendingEdit): Promise<PostView | ApprovalConflict | CheckRefusal>;

  // outgoing webhooks
  /**
   * The tenant's webhook endpoints changed (created, changed, deleted): the object reads
   * which endpoints want which events again before its next event (objects/webhooks/).
   */
  webhooksChanged(): Promise<void>;

  // analytics
  /** Applies a client's batch of metric events (POST /v1/analytics/events). */
  ingestEvents(events: MetricEvent[], key: string | null, actor: AuditActor): Promise<IngestResult>;
  /** A post's live figures; null when this tenant published no such post. */
  postFigures(postId: string): Promise<PostFigures | null>;
  /** ROI by campaign over a fixed window, from the object's running totals (GET /v1/analytics/roi). */
  campaignRoi(query: CampaignRoiQuery): Promise<CampaignRoiPage>;
  /** The top posts or the anomalies of the last days, from the live figures (GET /v1/analytics/top-posts, /anomalies). */
  postReport(query: PostReportQuery): Promise<PostReport>;
  /** A conversion D1 has recorded, credited to its campaigns (POST /v1/conversions, after the commit). */
  creditConversion(credit: ConversionCredit): Promise<void>;
  /** A live-socket ticket for `holder` (POST /v1/live/ticket): once, for a minute; void when its session ends. */
  liveTicket(holder: LiveHolder): Promise<{ ticket: string; expiresAtMs: number }>;
  /**
   * Spends a live ticket (the socket gate): its holder, once, while user and tenant are
   * active and its session (if any) is live; null otherwise.
   */
  redeemLiveTicket(ticket: string): Promise<LiveHolder | null>;
}

/** The contract as the runtime's Durable Object types take it (the namespace in src/env.d.ts). */
export type TenantObjectBinding = TenantObjectContract & Rpc.DurableObjectBranded;

// --- repeating a call -----------------------------------------------------------

/** A method of the contract, by name. */
export type TenantObjectMethod = keyof TenantObjectContract;
type ArgsOf<M extends TenantObjectMethod> = Parameters<TenantObjectContract[M]>;

/**
 * Whether the router may make a call again after the runtime said a reset of the
 * object (evicted, redeployed) cut it short, when the caller cannot know whether the
 * first call ran, in part or in full:
 *
 * - "safe": a repeat does no harm: nothing is sent, charged or counted twice, and no
 *   session or credential is granted twice. Where the first call's effect stands, the
 *   repeat answers as a later caller would (a single-use value the first call spent
 *   answers as spent, and the request fails closed).
 * - "unsafe": never repeated: a repeat would do part of the work a second time.
 * - `safeWhen`: safe for the arguments it accepts, unsafe for the others.
 * - `repeatAs`: safe when repeated with the arguments it gives, which tell the object
 *   that the call is a repeat.
 */
export type RepeatRule<M extends TenantObjectMethod> =
  | "safe"
  | "unsafe"
  | { readonly safeWhen: (...args: ArgsOf<M>) => boolean }
  | { readonly repeatAs: (...args: ArgsOf<M>) => ArgsOf<M> };

/**
 * Every method of the contract, classified (a method left out, or one the contract
 * does not have, fails to compile). src/router/objects.ts's retryOnReset repeats a call by
 * this table alone, and refuses an "unsafe" method outright. Each entry says why, from
 * the method's implementation: change the entry with the implementation.
 */
export const REPEAT = {
  // Reads the object's name and schema version; writes nothing.
  status: "safe",

  // identity
  // With `admit`, each call charges the API key's hourly limit, and each refusal of a
  // known key writes an audit row: a repeat would charge or audit again.
  authenticate: "unsafe",
  // Forgets cached credentials; ends sessions, tickets and sockets: a repeat finds them ended.
  forgetCredentials: "safe",
  // Reserves an attempt and counts a failure until finishLogin clears it: a repeat
  // would count one more against the address and the account (login-throttle.ts).
  beginLogin: "unsafe",
  // A sign-in starts a session per call: a repeat would start a second one.
  finishLogin: "unsafe",
  // Ended sessions stay ended: a repeat ends none more (and counts 0).
  endSessions: "safe",
  // A repeat stores a second code; the browser is sent one, the other expires unused in
  // five minutes (oauth-grants.ts).
  issueOAuthCode: "safe",
  // Spends the code: a repeat finds it spent and answers invalid_grant, while the first
  // call's tokens were lost with its answer (the client authorizes again).
  redeemOAuthCode: "unsafe",
  // Rotates the refresh token: a repeat presents the replaced one, which revokes the grant.
  refreshOAuthGrant: "unsafe",
  // Reads the grant and marks it used: a repeat marks it again, at a later time.
  authenticateOAuth: "safe",
  // Reads only.
  listOAuthGrants: "safe",
  // Deletes the grant: a repeat finds none and answers null.
  revokeOAuthGrant: "safe",
  // Keeps `digest` as the user's only link: a repeat keeps the same link, its hour
  // counted from the repeat (password-resets.ts).
  issuePasswordReset: "safe",
  // Single use: a repeat after the first spent the link answers null (fails closed).
  redeemPasswordReset: "safe",
  // An accepted code's step is used: a repeat would count it as a wrong code against
  // the user's throttle (totp-attempts.ts).
  attemptTotp: "unsafe",
  // Kept by log id, a row already kept is not kept twice (audit-outbox.ts).
  keepAuditRows: "safe",
  // Drops a cache.
  forgetTenantRecord: "safe",

  // placement
  // A repeat finds the move under way and starts none: it answers started: false
  // (tenant-move.ts).
  startMove: "safe",
  // Reads.
  moveStatus: "safe",

  // privacy
  // The id is the router's: a repeat finds the export it started and starts no other.
  startExport: "safe",
  // Reads.
  exportStatus: "safe",
  // Reads.
  personSessions: "safe",
  // Ends sessions and deletes rows: a repeat finds them gone (and counts 0).
  erasePerson: "safe",

  // erasure
  // Deletes the alarm and everything stored: a repeat finds nothing left to delete (on a
  // fresh instance it deletes the schema that instance just applied).
  eraseStorage: "safe",

  // connecting accounts
  // Inserts the state under its own key: a repeat after the first stored it fails on that key.
  createOAuthState: "unsafe",
  // The claim carries the claiming browser's hash: the same claim again is recognised
  // and answered as the first (oauth-states.ts).
  startOAuthState: "safe",
  // Records the consent once; a repeat finds it recorded.
  consentOAuthState: "safe",
  // Single use: a repeat after the first took the state out answers unknown (fails closed).
  consumeOAuthState: "safe",
  // Forgets cached tokens and sets the token upkeep's timer no later than a minute on.
  accountConnected: "safe",
  // Forgets cached tokens and deletes the account's scheduled posts: a repeat drops none more.
  accountDisconnected: "safe",

  // publishing
  // Repeated with `retry`: the object then looks for the attempt it admitted
  // (objects/publishing/admission.ts) and never sends a post twice: one whose platform call
  // began is answered as interrupted, a finished one with its outcome, and an
  // Idempotency-Key the first call claimed answers as in progress or replays. What a
  // repeat does again: the deferred credential check charges the API key's hourly
  // limit once more, and a post for later (scheduledAtMs) cut short after D1 stored it
  // is not recognised: it is stored again (a second post.schedule audit row), or the
  // repeat fails on its schedule row.
  publishNow: { repeatAs: (input, auth) => [{ ...input, retry: true }, auth] },
  // The lease's refresh is stored, then the attempt goes on only while it still waits
  // for its token (publish-flow.ts resume): a repeat never sends twice. It stores the
  // same tokens again, with another social_account.token_refresh audit row; repeating
  // is why the router makes the refresh (see publishNow).
  resumePublish: "safe",
  // Takes the post out of the schedule: a repeat finds it gone and answers null.
  cancelScheduled: "safe",
  // Schedules the held post again: a repeat finds it no longer held and answers null.
  releaseHeld: "safe",
  // Forgets the tenant's record and, on reactivation, sets timers no later than now.
  tenantStatusChanged: "safe",
  // As tenantStatusChanged: forgets the record and, active, sets timers no later than now.
  billingChanged: "safe",
  // Reads.
  rateLimits: "safe",
  // Reads (the tenant's record, when it is not kept, from the directory).
  monthlyPosts: "safe",
  // The outbox writes absolute rows by upsert (ARCHITECTURE.md, Idempotent flushes).
  settleRecords: "safe",

  // approvals
  // A repeat finds the post approved (not_pending), or its approval under way: its attempt
  // then decides as publishNow's repeat does (never sent twice: approvals.ts).
  approvePost: "safe",
  // A repeat finds the post rejected and answers not_pending.
  rejectPost: "safe",
  // A repeat finds the fields as the first call left them: nothing changes, no revision is added.
  editPending: "safe",

  // outgoing webhooks
  // Forgets a cache.
  webhooksChanged: "safe",

  // analytics
  // With an Idempotency-Key a batch is applied once and its repeat answered duplicate;
  // without one, deltas would be added twice (tenant-analytics.ts).
  ingestEvents: { safeWhen: (_events, key) => key !== null },
  // Reads.
  postFigures: "safe",
  // Reads; builds the ledger from D1 when it was never built (the same totals however
  // often) and sets the ledger's timer.
  campaignRoi: "safe",
  // Reads.
  postReport: "safe",
  // Credited once per conversion id (campaign-ledger.ts).
  creditConversion: "safe",
  // A repeat issues another ticket; the first, never handed out, expires unspent in its minute.
  liveTicket: "safe",
  // Single use: a repeat after the first spent the ticket answers null (fails closed).
  redeemLiveTicket: "safe",
} as const satisfies { readonly [M in TenantObjectMethod]: RepeatRule<M> };

/** The methods the router may make again after a reset: all but the "unsafe" ones. */
export type RepeatableMethod = {
  [M in TenantObjectMethod]: (typeof REPEAT)[M] extends "unsafe" ? never : M;
}[TenantObjectMethod];

/** The contract's methods by name (REPEAT classifies every one), for the surface test. */
export const TENANT_OBJECT_METHODS = Object.keys(REPEAT) as readonly TenantObjectMethod[];
