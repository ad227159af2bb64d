// Who is asking, and may they: the tenant's credentials (cached, checked here), each
// API key's exact hourly limit, the permission of a route that left its check to the
// object, and the audit rows of refusals. The TenantObject's RPC methods delegate here.
import { explainDenial } from "../../src/core/auth/explain-denial";
import { denial } from "../../src/core/auth/permissions";
import type { UserPrincipal } from "../../src/core/auth/principal";
import { stopsRequest } from "../../src/core/billing/subscription";
import type { Clock } from "../../src/core/clock";
import { writeApiKeyUsage } from "../../src/core/db/api-keys";
import type { AuditActor, AuditEvent } from "../../src/core/db/audit-logs";
import { chunk } from "../../src/core/db/chunk";
import { tenantScope } from "../../src/core/db/tenant-scope";
import type { TenantRecordCache } from "../publishing/tenant-record";
import { objectClock } from "../storage/object-clock";
import { SlidingLog } from "../storage/sliding-log";
import type { Timers } from "../storage/timers";
import type {
  AccessRefusal,
  Admission,
  AuthResult,
  CredentialChange,
  DeferredAuth,
  OAuthGrantView,
  PresentedCredential,
} from "../tenant-object/contract";
import { admitApiKeyRequest, dirtyKeyUsage, markKeyUsageFlushed } from "./api-key-window";
import type { AuditOutbox } from "./audit-outbox";
import { CredentialCache } from "./credentials";
import type { OAuthGrants } from "./oauth-grants";
import type { SessionStore } from "./sessions";

/** How long counted usage (API keys, publishing windows) may wait before it is written to D1. */
export const USAGE_FLUSH_DELAY_MS = 30_000;

export type DeferredCheck =
  | { kind: "ok"; principal: UserPrincipal; admission: Admission | null }
  /** `principal`: who was refused, when the credential was good (the router audits a 402 under them). */
  | { kind: "refused"; refusal: AccessRefusal; admission?: Admission; principal?: UserPrincipal };

export class TenantIdentity {
  private readonly credentials: CredentialCache;
  private readonly keyLog: SlidingLog;
  /** The object's clock, as every part reads it (objects/storage/object-clock.ts). */
  private readonly clock: Clock;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly timers: Timers<"flush-key-usage">,
    private readonly tenant: TenantRecordCache,
    private readonly auditOutbox: AuditOutbox,
    private readonly sessions: SessionStore,
    private readonly oauth: OAuthGrants,
  ) {
    this.clock = objectClock(sql, env);
    this.credentials = new CredentialCache(tenantId, tenant, this.clock);
    this.keyLog = new SlidingLog(sql, { table: "api_key_hits", keyColumn: "key_id" });
  }

  /**
   * Checks a credential of this tenant and, for an API key, charges its hourly limit
   * (`admit`). A refused key that names one of the tenant's keys is audited.
   */
  async authenticate(
    presented: PresentedCredential,
    options: { admit: boolean; actor: AuditActor },
  ): Promise<AuthResult> {
    // A session token is good only while its session is live here: signed out, or
    // ended by a password, MFA or status change, it is refused on the next request.
    if (presented.kind === "session" && !this.sessions.isLive(presented.sessionId, presented.userId)) {
      return { ok: false, status: 401 };
    }
    // An MCP tool call of an OAuth caller: its grant must still be there (not revoked).
    if (presented.kind === "oauth") {
      const grant = this.oauth.byId(presented.grantId);
      const principal = grant ? await this.oauthPrincipal(grant) : null;
      return principal ? { ok: true, principal, admission: null } : { ok: false, status: 401 };
    }
    const check = await this.credentials.check(presented);
    if (!check.ok) {
      if (check.knownKey) {
        const reason = check.reason;
        await this.audit(
          { ...options.actor, userId: check.knownKey.user_id },
          {
            action: "auth.api_key_rejected",
            resourceType: "api_key",
            resourceId: check.knownKey.key_id,
            metadata: { reason },
            success: false,
            errorMessage: `401: ${reason}`,
          },
        ).catch((error) => console.error("audit row for a rejected API key was not written", error));
      }
      return { ok: false, status: 401 };
    }
    if (!options.admit || !check.key) return { ok: true, principal: check.principal, admission: null };
    const admission = await this.admitApiKey(check.key.keyId, check.key.limitPerHour);
    if (!admission.allowed) return { ok: false, status: 429, admission, principal: check.principal };
    return { ok: true, principal: check.principal, admission };
  }

  /** Authentication, hourly limit and permission of a route that left them to this object. */
  async authorizeDeferred(auth: DeferredAuth, actor: AuditActor): Promise<DeferredCheck> {
    const result = await this.authenticate(auth.presented, { admit: true, actor });
    if (!result.ok) {
      if (result.status === 429) {
        return {
          kind: "refused",
          refusal: { kind: "key_limited", admission: result.admission },
          admission: result.admission,
        };
      }
      return { kind: "refused", refusal: { kind: "unauthenticated" } };
    }
    const why = denial(auth.permission, result.principal.role, result.principal.credential);
    if (why) {
      const detail = explainDenial(auth.permission, why, result.principal.role);
      await this.audit(
        { ...actor, userId: result.principal.userId },
        {
          action: auth.audit.action,
          resourceType: auth.audit.resourceType,
          success: false,
          errorMessage: `403: ${detail}`,
        },
      );
      return {
        kind: "refused",
        refusal: { kind: "forbidden", detail, permission: auth.permission },
        admission: result.admission ?? undefined,
      };
    }
    // What the subscription stops, on this object's clock (docs/billing.md): refused
    // before any slot or key is taken. The route audits the 402 (publish-answers.ts).
    if (stopsRequest(result.principal.subscription, { permission: auth.permission, ...auth.gated })) {
      return {
        kind: "refused",
        refusal: { kind: "payment_required", gate: result.principal.subscription },
        admission: result.admission ?? undefined,
        principal: result.principal,
      };
    }
    return { kind: "ok", principal: result.principal, admission: result.admission };
  }

  /**
   * The member a live OAuth grant acts for, bounded by its scopes; null when the member or
   * the tenant is not active (their role is read now, as for a session).
   */
  async oauthPrincipal(grant: OAuthGrantView): Promise<UserPrincipal | null> {
    const check = await this.credentials.check({ kind: "session", userId: grant.userId, sessionId: "" });
    if (!check.ok) return null;
    return {
      ...check.principal,
      sessionId: null,
      credential: {
        kind: "oauth",
        scopes: grant.scopes,
        grantId: grant.grantId,
        clientId: grant.clientId,
        clientName: grant.clientName,
      },
    };
  }

  /** Whether `userId` and the tenant are active now (a session's check, without a session). */
  async isActiveUser(userId: string): Promise<boolean> {
    return this.credentials.isActiveUser(userId);
  }

  /** A credential changed through the API (revoked, suspended, deleted): forget it now. */
  forget(change: CredentialChange): void {
    this.credentials.forget(change);
    if (change.all) this.tenant.forget();
  }

  /** Admits one request on an API key against its exact hourly limit. */
  async admitApiKey(keyId: string, limitPerHour: number): Promise<Admission> {
    const admission = admitApiKeyRequest(this.sql, this.keyLog, keyId, limitPerHour, this.clock());
    if (admission.allowed) await this.timers.scheduleAtMost("flush-key-usage", this.clock() + USAGE_FLUSH_DELAY_MS);
    return admission;
  }

  /** Writes key usage counted here to D1; how many keys. */
  async flushKeyUsage(): Promise<number> {
    const usage = dirtyKeyUsage(this.sql);
    const scope = await tenantScope(this.env, this.tenantId);
    for (const part of chunk(usage, 50)) {
      await scope.db.batch(
        part.map((u) =>
          writeApiKeyUsage(scope, {
            keyId: u.keyId,
            useCount: u.useCount,
            lastUsedAt: new Date(u.lastUsedMs).toISOString(),
          }),
        ),
      );
      markKeyUsageFlushed(this.sql, part);
    }
    return usage.length;
  }

  private audit(actor: AuditActor, event: AuditEvent): Promise<void> {
    return this.auditOutbox.record(actor, event);
  }
}
