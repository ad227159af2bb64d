// The pre-flight check of scheduled posts (timer "preflight"; docs/publishing.md,
// "Pre-flight checks"): 15 minutes before a post's time, and again when it goes out
// (scheduler.ts, fireDue), the object asks whether it would fail as things stand:
// - the account is active, and granted the scopes publishing needs (publish-needs.ts);
// - its token is valid at the post's time, or the refresh it needs by then is expected
//   to work (src/core/platforms/token-outlook.ts);
// - the platform's API version is still served then (LinkedIn's pinned version and its
//   sunset: src/core/platforms/linkedin-version.ts), on the object's clock;
// - the account's window has room at the post's time (rate-windows.ts, and the posts
//   scheduled before it within the window);
// - the media URL answers with a type and size the platform takes (media-probe.ts: a
//   HEAD, https only, nothing downloaded).
// A post that would fail is marked at risk, with the reason, while there is time to fix
// it: in its D1 row (`at_risk`, shown by GET /v1/posts and /v1/posts/{id}), in the audit
// log ("post.at_risk"), on the live dashboards (a message on the socket) and as the
// webhook event post.at_risk. While at risk it is checked again every RECHECK_MS; a check
// that finds nothing wrong clears it ("post.at_risk_cleared"). The check predicts, it
// refuses nothing: the post goes out at its time and its publish says what happened.
import type { Clock } from "../../src/core/clock";
import { auditStatement } from "../../src/core/db/audit-logs";
import { type AtRiskCode, type AtRiskView, setAtRisk } from "../../src/core/db/post-checks";
import { getPublishRequest, toPost } from "../../src/core/db/publish-requests";
import { getAccount, type SocialAccountRow } from "../../src/core/db/social-accounts";
import { tenantScope } from "../../src/core/db/tenant-scope";
import { platformConfig } from "../../src/core/platforms/config";
import { linkedInVersionSunsetMs } from "../../src/core/platforms/linkedin-version";
import type { MediaField } from "../../src/core/platforms/media";
import { mediaFetcher, probeMedia } from "../../src/core/platforms/media-probe";
import { mediaPolicy, publishScopes } from "../../src/core/platforms/publish-needs";
import { tokenOutlook } from "../../src/core/platforms/token-outlook";
import type { Timers } from "../storage/timers";
import type { PublishInput } from "../tenant-object/contract";
import { emitPostAtRisk } from "../webhooks/post-events";
import type { WebhookEmitter } from "../webhooks/webhook-outbox";
import { windowFor, windowState } from "./rate-windows";
import type { TenantRecordCache } from "./tenant-record";

/** The first check, this long before a post's time. */
export const PREFLIGHT_AHEAD_MS = 15 * 60_000;
/** A post at risk is checked again this often until it goes out. */
export const RECHECK_MS = 5 * 60_000;
/** A token valid this long past the post's time is valid at it. */
const VALID_AT_MS = 60_000;
/** Posts one run checks (each may make a HEAD request); the rest on the next run. */
const BATCH = 20;

export type Risk = { code: AtRiskCode; reason: string };

type CheckRow = {
  request_id: string;
  ahead_at_ms: number | null;
  checked_at_ms: number;
  risk_code: AtRiskCode | null;
  risk_reason: string | null;
  detected_at_ms: number | null;
};

type DueRow = { request_id: string; due_at_ms: number; input: string };

const iso = (ms: number) => new Date(ms).toISOString();
const msOf = (value: string | null) => (value === null ? null : Date.parse(value));

export class Preflight {
  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly tenant: TenantRecordCache,
    private readonly timers: Timers<"preflight">,
    private readonly webhooks: WebhookEmitter,
    /** Sends a message to the tenant's live dashboards (the object's sockets). */
    private readonly broadcast: (message: string) => void,
    private readonly clock: Clock,
  ) {}

  /** The timer's run: each post within 15 minutes of its time not yet checked, and each at risk due a re-check. */
  async run(): Promise<number> {
    const nowMs = this.clock();
    this.sql.exec(
      "DELETE FROM preflight_checks WHERE request_id NOT IN (SELECT request_id FROM scheduled_posts WHERE held_reason IS NULL)",
    );
    const due = this.sql
      .exec<DueRow>(
        `SELECT s.request_id, s.due_at_ms, s.input FROM scheduled_posts s
         LEFT JOIN preflight_checks p ON p.request_id = s.request_id
         WHERE s.held_reason IS NULL AND s.due_at_ms <= ?
           AND (p.ahead_at_ms IS NULL OR (p.risk_code IS NOT NULL AND p.checked_at_ms <= ?))
         ORDER BY s.due_at_ms LIMIT ?`,
        nowMs + PREFLIGHT_AHEAD_MS,
        nowMs - RECHECK_MS,
        BATCH,
      )
      .toArray();
    for (const row of due) {
      const input = JSON.parse(row.input) as PublishInput;
      await this.settle(row.request_id, await this.check(input, row.due_at_ms, nowMs), "ahead", nowMs);
    }
    await this.arm();
    return due.length;
  }

  /**
   * The check at send time (scheduler.ts, before the publish): recorded as the others,
   * never in the publish's way (a failure here is logged, and the post goes out).
   */
  async atSend(requestId: string, input: PublishInput): Promise<void> {
    try {
      const nowMs = this.clock();
      await this.settle(requestId, await this.check(input, nowMs, nowMs), "send", nowMs);
    } catch (error) {
      console.error(`TenantObject ${this.tenantId}: the pre-flight check of ${requestId} at send time failed`, error);
    }
  }

  /** Arms the timer: the next post to reach 15 minutes before its time, or the next re-check. */
  async arm(): Promise<void> {
    const { ahead } = this.sql
      .exec<{ ahead: number | null }>(
        `SELECT MIN(s.due_at_ms) AS ahead FROM scheduled_posts s
         LEFT JOIN preflight_checks p ON p.request_id = s.request_id
         WHERE s.held_reason IS NULL AND p.ahead_at_ms IS NULL`,
      )
      .one();
    const { recheck } = this.sql
      .exec<{ recheck: number | null }>(
        `SELECT MIN(p.checked_at_ms) AS recheck FROM preflight_checks p
         JOIN scheduled_posts s ON s.request_id = p.request_id
         WHERE p.risk_code IS NOT NULL AND s.held_reason IS NULL`,
      )
      .one();
    const next = Math.min(
      ahead === null ? Number.POSITIVE_INFINITY : ahead - PREFLIGHT_AHEAD_MS,
      recheck === null ? Number.POSITIVE_INFINITY : recheck + RECHECK_MS,
    );
    if (Number.isFinite(next)) await this.timers.scheduleAtMost("preflight", Math.max(next, this.clock()));
  }

  /** Whether the post would fail if it went out at `dueAtMs`, as things stand at `nowMs`: the first risk found. */
  async check(input: PublishInput, dueAtMs: number, nowMs: number): Promise<Risk | null> {
    const scope = await tenantScope(this.env, this.tenantId);
    const account = await getAccount(scope, input.accountId);
    if (!account) return { code: "account_inactive", reason: "the social account no longer exists" };
    return (
      accountRisk(account) ??
      scopeRisk(account, input) ??
      tokenRisk(account, dueAtMs, nowMs) ??
      this.versionRisk(account, dueAtMs) ??
      (await this.windowRisk(account, input, dueAtMs)) ??
      (await this.mediaRisk(account, input))
    );
  }

  /**
   * The API version this deployment will ask for at the post's time is still served
   * then: LinkedIn's pinned LINKEDIN_VERSION (in development, unpinned, the month before
   * that time, which never lapses).
   */
  private versionRisk(account: SocialAccountRow, dueAtMs: number): Risk | null {
    if (account.platform !== "linkedin") return null;
    return apiVersionRisk(platformConfig(this.env, "linkedin", undefined, () => dueAtMs).apiVersion ?? "", dueAtMs);
  }

  /** The account's window has a slot at the post's time, counting the posts scheduled before it within the window. */
  private async windowRisk(account: SocialAccountRow, input: PublishInput, dueAtMs: number): Promise<Risk | null> {
    const spec = windowFor(account.platform, (await this.tenant.get()).windows[account.platform]);
    const state = windowState(this.sql, account.account_id, spec, dueAtMs);
    const ahead = this.sql
      .exec<{ n: number }>(
        `SELECT COUNT(*) AS n FROM scheduled_posts WHERE account_id = ? AND held_reason IS NULL
           AND request_id <> ? AND due_at_ms > ? AND (due_at_ms < ? OR (due_at_ms = ? AND request_id < ?))`,
        account.account_id,
        input.attemptId,
        dueAtMs - spec.windowMs,
        dueAtMs,
        dueAtMs,
        input.attemptId,
      )
      .one().n;
    if (state.remaining - ahead > 0) return null;
    return {
      code: "window_full",
      reason: `the account's ${spec.name} window (${spec.limit} posts) will be full at the post's time: ${state.limit - state.remaining} taken, ${ahead} more scheduled before it; it would wait for a slot`,
    };
  }

  /** Each media URL answers with a type and size the platform takes. */
  private async mediaRisk(account: SocialAccountRow, input: PublishInput): Promise<Risk | null> {
    const fields: [MediaField, string | null][] = [
      ["image_url", input.draft.imageUrl],
      ["video_url", input.draft.videoUrl],
    ];
    const fetcher = mediaFetcher(this.env, account.platform);
    for (const [field, url] of fields) {
      if (!url) continue;
      const finding = await probeMedia(fetcher, url, field, mediaPolicy(account.platform, field));
      if (finding) return finding;
    }
    return null;
  }

  /**
   * Records what a check found. Its row here says what the last check found; D1, the
   * audit log, the dashboards and the webhook learn of a risk found (or found again at
   * send time) and of a risk cleared, not of a re-check finding the same.
   */
  private async settle(requestId: string, risk: Risk | null, phase: "ahead" | "send", nowMs: number): Promise<void> {
    const before =
      this.sql.exec<CheckRow>("SELECT * FROM preflight_checks WHERE request_id = ?", requestId).toArray()[0] ?? null;
    const same = before?.risk_code === (risk?.code ?? null) && before?.risk_reason === (risk?.reason ?? null);
    const detectedAtMs = risk ? (before?.risk_code === risk.code ? (before.detected_at_ms ?? nowMs) : nowMs) : null;
    const tell = risk ? !same || phase === "send" : (before?.risk_code ?? null) !== null;
    if (tell) await this.publish(requestId, risk, detectedAtMs, nowMs);
    this.sql.exec(
      `INSERT INTO preflight_checks (request_id, ahead_at_ms, checked_at_ms, risk_code, risk_reason, detected_at_ms)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(request_id) DO UPDATE SET ahead_at_ms = COALESCE(preflight_checks.ahead_at_ms, excluded.ahead_at_ms),
         checked_at_ms = excluded.checked_at_ms, risk_code = excluded.risk_code, risk_reason = excluded.risk_reason,
         detected_at_ms = excluded.detected_at_ms`,
      requestId,
      phase === "ahead" ? nowMs : null,
      nowMs,
      risk?.code ?? null,
      risk?.reason ?? null,
      detectedAtMs,
    );
  }

  /** D1's row and its audit row, then the webhook event and the dashboards. */
  private async publish(requestId: string, risk: Risk | null, detectedAtMs: number | null, nowMs: number) {
    const scope = await tenantScope(this.env, this.tenantId);
    const view: AtRiskView | null = risk
      ? { ...risk, detected_at: iso(detectedAtMs ?? nowMs), checked_at: iso(nowMs) }
      : null;
    const now = iso(nowMs);
    const actor = {
      tenantId: this.tenantId,
      userId: null,
      ip: null,
      userAgent: null,
      requestId: `preflight:${requestId}`,
    };
    await scope.db.batch([
      setAtRisk(scope, requestId, view, now),
      auditStatement(
        scope.db,
        actor,
        risk
          ? {
              action: "post.at_risk",
              resourceType: "post",
              resourceId: requestId,
              metadata: { code: risk.code },
              success: false,
              errorMessage: risk.reason,
            }
          : { action: "post.at_risk_cleared", resourceType: "post", resourceId: requestId },
        now,
      ),
    ]);
    const row = await getPublishRequest(scope, requestId);
    if (row?.status !== "scheduled") return;
    const post = toPost(row);
    if (risk) emitPostAtRisk(this.webhooks, post, { reason: risk.code, detail: risk.reason });
    this.broadcast(
      JSON.stringify({
        type: "at_risk",
        // No text: a dashboard reads texts through GET /v1/posts, if its key may.
        post: { id: post.id, platform: post.platform, scheduled_at: post.scheduled_at, at_risk: post.at_risk },
      }),
    );
  }
}

/** LinkedIn `version` at `dueAtMs` (the object's clock): a risk once its sunset is not after it. */
export function apiVersionRisk(version: string, dueAtMs: number): Risk | null {
  const sunsetMs = linkedInVersionSunsetMs(version);
  if (sunsetMs !== null && sunsetMs > dueAtMs) return null;
  return {
    code: "api_version_sunset",
    reason:
      sunsetMs === null
        ? `LINKEDIN_VERSION is "${version}", not a LinkedIn version (YYYYMM): set it (docs/publishing.md)`
        : `LinkedIn serves API version ${version} until ${iso(sunsetMs)}, before the post's time (${iso(dueAtMs)}): move LINKEDIN_VERSION forward (docs/publishing.md)`,
  };
}

/** The account must be active: a revoked one needs reconnecting, an expired or failing one too. */
function accountRisk(account: SocialAccountRow): Risk | null {
  if (account.status === "active") return null;
  if (account.status === "revoked") {
    return { code: "reconnect_needed", reason: "the account was revoked or disconnected: reconnect it" };
  }
  return {
    code: "account_inactive",
    reason: `the account is ${account.status}${account.last_error ? ` (${account.last_error})` : ""}: reconnect it`,
  };
}

/** The account granted what publishing needs (a member may grant less than was asked). */
function scopeRisk(account: SocialAccountRow, input: PublishInput): Risk | null {
  const granted = new Set<string>(account.scopes ? (JSON.parse(account.scopes) as string[]) : []);
  const needs = publishScopes(account.platform, Boolean(input.draft.imageUrl || input.draft.videoUrl));
  const missing = needs.filter((scope) => !granted.has(scope));
  if (missing.length === 0) return null;
  return {
    code: "missing_scopes",
    reason: `the account did not grant ${missing.join(", ")}, which publishing needs: reconnect it and grant them`,
  };
}

/** The access token is valid at the post's time, or the refresh it needs by then is expected to work. */
function tokenRisk(account: SocialAccountRow, dueAtMs: number, nowMs: number): Risk | null {
  const expiresMs = msOf(account.expires_at);
  if (expiresMs === null || expiresMs > dueAtMs + VALID_AT_MS) return null;
  const outlook = tokenOutlook(
    {
      platform: account.platform,
      status: account.status,
      expiresAt: account.expires_at,
      refreshTokenExpiresAt: account.refresh_token_expires_at,
      hasRefreshToken: account.refresh_token_encrypted !== null,
      issuedAt: account.last_refresh_at ?? account.created_at,
    },
    nowMs,
  );
  if (outlook.refresh_expected === "ok") return null;
  return {
    code: "token_expired",
    reason: `the access token lapses at ${iso(expiresMs)}, before the post's time, and cannot be renewed: ${outlook.reason}`,
  };
}
