// Turns the Authorization header into a principal and the tenant scope.
//
// Bearer credentials are API keys ("dify_..."), session tokens (JWTs from
// POST /v1/auth/login) or, on operator routes only, the ADMIN_TOKEN. Anything
// missing, malformed, unknown, revoked or expired answers 401 the same way; a key
// over its hourly limit answers 429. The tenant comes from the credential alone.
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { Admission } from "../../objects/parts/api-key-window";
import { timingSafeEqual, utf8 } from "../crypto/encoding";
import { auditStatement } from "../db/audit-logs";
import { findKeyCredential, findSessionCredential, type KeyCredentialRow } from "../db/credentials";
import { tenantScope } from "../db/tenant-scope";
import { nowIso } from "../db/time";
import type { AppEnv } from "../http/app-env";
import { auditActor } from "../http/audit";
import { ProblemError } from "../http/problem";
import { tenantObject } from "../objects";
import { apiKeyPrefix, digestApiKey, looksLikeApiKey } from "./api-key-format";
import type { UserPrincipal } from "./principal";
import { looksLikeSessionToken, verifySessionToken } from "./session-token";

const CHALLENGE = 'Bearer realm="dify-agent"';

function unauthenticated(detail: string): ProblemError {
  return new ProblemError("unauthenticated", detail, {}, { "WWW-Authenticate": CHALLENGE });
}

function bearerToken(c: Context<AppEnv>): string {
  const header = c.req.header("Authorization");
  if (!header) throw unauthenticated("Send a credential: Authorization: Bearer <API key or session token>");
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw unauthenticated("The Authorization header must be 'Bearer <credential>'");
  return match[1];
}

/** True when `token` is the operator's ADMIN_TOKEN (constant time). */
export function isOperatorToken(env: Env, token: string): boolean {
  return env.ADMIN_TOKEN.length > 0 && timingSafeEqual(utf8(token), utf8(env.ADMIN_TOKEN));
}

/** A rejected key of a known tenant leaves a trace in that tenant's audit trail. */
async function auditRejectedKey(c: Context<AppEnv>, row: KeyCredentialRow, reason: string): Promise<void> {
  const scope = tenantScope(c.env, row.tenant_id);
  try {
    await scope.db.batch([
      auditStatement(
        scope.db,
        { ...auditActor(c), tenantId: row.tenant_id, userId: row.user_id },
        {
          action: "auth.api_key_rejected",
          resourceType: "api_key",
          resourceId: row.key_id,
          metadata: { reason },
          success: false,
          errorMessage: `401: ${reason}`,
        },
        nowIso(),
      ),
    ]);
  } catch (error) {
    console.error("audit row for a rejected API key was not written", error);
  }
}

const INVALID = "The credential is not valid";

/**
 * Applies the key's hourly limit now, or, when the route makes its own TenantObject
 * call anyway (`deferAdmission`), leaves it to that call: one round trip, not two.
 */
async function fromApiKey(c: Context<AppEnv>, token: string, deferAdmission: boolean): Promise<UserPrincipal> {
  const prefix = apiKeyPrefix(token);
  if (!prefix) throw unauthenticated(INVALID);
  const row = await findKeyCredential(c.env.DB, prefix);
  if (!row) throw unauthenticated(INVALID);
  const digest = await digestApiKey(token);
  if (!timingSafeEqual(utf8(digest), utf8(row.key_hash))) {
    await auditRejectedKey(c, row, "wrong secret");
    throw unauthenticated(INVALID);
  }
  const expired = row.expires_at !== null && Date.parse(row.expires_at) <= Date.now();
  if (row.key_status !== "active" || expired) {
    await auditRejectedKey(c, row, expired || row.key_status === "expired" ? "expired" : row.key_status);
    throw unauthenticated(INVALID);
  }
  if (row.user_status !== "active" || row.tenant_status !== "active") throw unauthenticated(INVALID);

  const stub = await tenantObject(c.env, row.tenant_id);
  c.set("tenantObject", stub);
  if (deferAdmission) {
    c.set("keyAdmission", { keyId: row.key_id, limitPerHour: row.rate_limit_per_hour });
  } else {
    const admission = await stub.admitApiKey(row.key_id, row.rate_limit_per_hour);
    setRateLimitHeaders(c, admission);
    if (!admission.allowed) {
      throw new ProblemError(
        "rateLimited",
        `This API key is limited to ${admission.limit} requests per hour`,
        { window: "api_key_hour", limit: admission.limit, reset_at: new Date(admission.resetAtMs).toISOString() },
        { "Retry-After": String(admission.retryAfterSeconds) },
      );
    }
  }
  return {
    kind: "user",
    tenantId: row.tenant_id,
    userId: row.user_id,
    role: row.role,
    credential: { kind: "api_key", scopes: JSON.parse(row.scopes) as string[] },
    keyId: row.key_id,
    tenantKey: { kmsKeyId: row.kms_key_id, encryptionVersion: row.encryption_version },
  };
}

async function fromSession(c: Context<AppEnv>, token: string): Promise<UserPrincipal> {
  const claims = await verifySessionToken(c.env.SESSION_SECRET, token);
  if (!claims) throw unauthenticated(INVALID);
  const row = await findSessionCredential(c.env.DB, claims.tenantId, claims.userId);
  if (row?.user_status !== "active" || row.tenant_status !== "active") throw unauthenticated(INVALID);
  return {
    kind: "user",
    tenantId: row.tenant_id,
    userId: row.user_id,
    role: row.role,
    credential: { kind: "session" },
    keyId: null,
    tenantKey: { kmsKeyId: row.kms_key_id, encryptionVersion: row.encryption_version },
  };
}

/** RateLimit-* headers of an API key's hourly window. */
export function setRateLimitHeaders(c: Context<AppEnv>, admission: Admission): void {
  c.header("RateLimit-Limit", String(admission.limit));
  c.header("RateLimit-Remaining", String(admission.remaining));
  c.header("RateLimit-Reset", String(Math.max(0, Math.ceil((admission.resetAtMs - Date.now()) / 1000))));
}

/** Authenticates a tenant's user; sets `user` and `scope`. */
export function authenticateUser(options: { deferKeyAdmission?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(c);
    let user: UserPrincipal;
    if (looksLikeApiKey(token)) user = await fromApiKey(c, token, options.deferKeyAdmission ?? false);
    else if (looksLikeSessionToken(token)) user = await fromSession(c, token);
    else throw unauthenticated(INVALID);
    c.set("user", user);
    c.set("scope", tenantScope(c.env, user.tenantId));
    await next();
  });
}

/** Authenticates the platform operator (ADMIN_TOKEN). */
export function authenticateOperator(): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(c);
    if (!isOperatorToken(c.env, token)) throw unauthenticated(INVALID);
    c.set("operator", { kind: "operator" });
    await next();
  });
}
