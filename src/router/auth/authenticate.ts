// Turns the Authorization header into a principal and the tenant scope.
//
// Bearer credentials are API keys ("dify_..."), session tokens (JWTs from
// POST /v1/auth/login), an MCP tool call's dispatch credential (an OAuth caller's grant:
// src/core/auth/mcp-dispatch.ts) or, on operator routes only, the ADMIN_TOKEN. An OAuth
// access token itself is bound to /mcp and is no credential here (docs/mcp.md, OAuth). The tenant comes
// from the credential alone: a key's prefix names it (src/core/auth/key-directory), a
// session token carries it, signed. The tenant's TenantObject then decides whether
// the credential is good (a key live, a session not ended: objects/identity/sessions.ts)
// and charges an API key's hourly limit. Anything missing, malformed, unknown, revoked,
// ended or expired answers 401 the same way; a key over its limit answers 429.

import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { Admission, AuthResult, PresentedCredential } from "../../../objects/tenant-object/contract";
import { apiKeyPrefix, digestApiKey, looksLikeApiKey } from "../../core/auth/api-key-format";
import { tenantOfKeyPrefix } from "../../core/auth/key-directory";
import { verifyMcpDispatch } from "../../core/auth/mcp-dispatch";
import type { Permission } from "../../core/auth/permissions";
import type { UserPrincipal } from "../../core/auth/principal";
import { looksLikeSessionToken, verifySessionToken } from "../../core/auth/session-token";
import { timingSafeEqual, utf8 } from "../../core/crypto/encoding";
import { scopeOn } from "../../core/db/tenant-scope";
import { placementOf, rememberPlacement } from "../../core/placement/directory";
import { regionOfShard } from "../../core/placement/shards";
import type { AppEnv } from "../http/app-env";
import { auditActor } from "../http/audit";
import { isMutation } from "../http/methods";
import { ProblemError } from "../http/problem";
import { tenantObjectAt } from "../objects";

const CHALLENGE = 'Bearer realm="dify-agent"';
const INVALID = "The credential is not valid";

export function unauthenticated(detail = INVALID): ProblemError {
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

/** The tenant a credential claims, and what to show its TenantObject. */
async function presented(
  c: Context<AppEnv>,
  token: string,
): Promise<{ tenantId: string; credential: PresentedCredential }> {
  if (looksLikeApiKey(token)) {
    const prefix = apiKeyPrefix(token);
    const tenantId = prefix ? await tenantOfKeyPrefix(c.env, prefix) : null;
    if (!prefix || !tenantId) throw unauthenticated();
    return { tenantId, credential: { kind: "api_key", prefix, digest: await digestApiKey(token) } };
  }
  if (looksLikeSessionToken(token)) {
    const claims = await verifySessionToken(c.env.SESSION_SECRET, token);
    if (!claims) {
      // An MCP tool call of an OAuth caller (src/core/auth/mcp-dispatch.ts): its grant.
      const dispatch = await verifyMcpDispatch(c.env.SESSION_SECRET, token);
      if (dispatch) return { tenantId: dispatch.tenantId, credential: { kind: "oauth", grantId: dispatch.grantId } };
      throw unauthenticated();
    }
    return {
      tenantId: claims.tenantId,
      credential: { kind: "session", userId: claims.userId, sessionId: claims.sessionId },
    };
  }
  throw unauthenticated();
}

/** RateLimit-* headers of an API key's hourly window. */
export function setRateLimitHeaders(c: Context<AppEnv>, admission: Admission): void {
  c.header("RateLimit-Limit", String(admission.limit));
  c.header("RateLimit-Remaining", String(admission.remaining));
  c.header("RateLimit-Reset", String(Math.max(0, Math.ceil((admission.resetAtMs - c.var.clock()) / 1000))));
}

export function keyLimitProblem(admission: Admission): ProblemError {
  return new ProblemError(
    "rateLimited",
    `This API key is limited to ${admission.limit} requests per hour`,
    { window: "api_key_hour", limit: admission.limit, reset_at: new Date(admission.resetAtMs).toISOString() },
    { "Retry-After": String(admission.retryAfterSeconds) },
  );
}

/** Applies the TenantObject's verdict to the request: the principal, or a 401 / 429. */
export function acceptAuth(c: Context<AppEnv>, result: AuthResult): void {
  if (result.ok) {
    acceptPrincipal(c, result.principal);
    if (result.admission) setRateLimitHeaders(c, result.admission);
    return;
  }
  if (result.status === 429) {
    acceptPrincipal(c, result.principal);
    setRateLimitHeaders(c, result.admission);
    throw keyLimitProblem(result.admission);
  }
  throw unauthenticated();
}

/**
 * Sets the request's principal, and its scope on the shard the tenant's object knows
 * (the object's word is fresher than this isolate's directory entry, which it renews).
 */
export function acceptPrincipal(c: Context<AppEnv>, principal: UserPrincipal): void {
  c.set("user", principal);
  if (c.var.scope?.shard === principal.shard) return;
  c.set("scope", scopeOn(c.env, principal));
  const region = regionOfShard(principal.shard);
  if (region) rememberPlacement({ tenantId: principal.tenantId, region, shard: principal.shard });
}

/**
 * Authenticates a tenant's user; sets `user` and `scope`. With `deferTo`, a route that
 * calls its TenantObject anyway leaves the check, the hourly charge and the permission
 * to that call (one round trip, not two): only the tenant is settled here, and
 * `deferredAuth` holds the rest (see settleDeferredAuth for the error path).
 */
export function authenticateUser(
  options: { deferTo?: { permission: Permission; action: string; resourceType: string; publishes: boolean } } = {},
): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { tenantId, credential } = await presented(c, bearerToken(c));
    const placement = await placementOf(c.env, tenantId);
    // A credential naming a tenant the directory does not place is no credential.
    if (!placement) throw unauthenticated();
    const stub = await tenantObjectAt(c.env, placement);
    c.set("tenantObject", stub);
    c.set("scope", scopeOn(c.env, placement));
    if (options.deferTo) {
      const { permission, action, resourceType, publishes } = options.deferTo;
      c.set("deferredAuth", {
        presented: credential,
        permission,
        audit: { action, resourceType },
        gated: { mutation: isMutation(c.req.method), publishes },
      });
    } else {
      acceptAuth(c, await stub.authenticate(credential, { admit: true, actor: auditActor(c) }));
    }
    await next();
  });
}

/** Authenticates the platform operator (ADMIN_TOKEN). */
export function authenticateOperator(): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(c);
    if (!isOperatorToken(c.env, token)) throw unauthenticated();
    c.set("operator", { kind: "operator" });
    await next();
  });
}
