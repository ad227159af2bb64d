// GET /v1/oauth/{platform}/callback: where the platform sends the user's browser
// back. It carries no credential but the state, which names the tenant and is good
// once, for ten minutes, and only in the browser the flow is bound to (its cookie,
// src/router/http/oauth-binding.ts): from any other browser it is refused and the state is
// left alone, as it is when that browser claimed a forwarded start URL and never
// confirmed its page. The member who asked for the connection must still be allowed
// to connect accounts (src/router/http/oauth-starter.ts), else nothing is exchanged or
// stored. The code is exchanged, the identity read, and each account stored with its
// tokens encrypted under the tenant's key.

import { createRoute, z } from "@hono/zod-openapi";
import { tenantOfState } from "../../core/auth/oauth-state";
import { isoNow } from "../../core/clock";
import { utf8 } from "../../core/crypto/encoding";
import { tenantCipher } from "../../core/crypto/tenant-cipher";
import { pendingAuditRow } from "../../core/db/audit-logs";
import { newId } from "../../core/db/ids";
import { findAccountByIdentity, getAccount, toSocialAccount, upsertAccount } from "../../core/db/social-accounts";
import { scopeOn } from "../../core/db/tenant-scope";
import { findTenant } from "../../core/db/tenants";
import { placementOf } from "../../core/placement/directory";
import { platformAdapter } from "../../core/platforms";
import { linkedInPostAnalyticsOn } from "../../core/platforms/config";
import { isPlatformError } from "../../core/platforms/errors";
import type { ConnectedIdentity } from "../../core/platforms/types";
import { createRouter } from "../http/app-env";
import { auditActor, auditInTenantShard, commitAudited } from "../http/audit";
import { countGuard, overQuota } from "../http/count-quotas";
import { clearBindingCookie, presentedBinding } from "../http/oauth-binding";
import { starterRefused, starterStanding } from "../http/oauth-starter";
import { ProblemError } from "../http/problem";
import { PlatformParam, SocialAccountSchema } from "../http/publishing-schemas";
import { sameSitePath, withQuery } from "../http/return-to";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset, tenantObjectAt } from "../objects";

const CallbackQuery = z.object({
  state: z.string().min(1).max(200),
  code: z.string().min(1).max(2000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});

const Connected = z.object({ accounts: z.array(SocialAccountSchema) }).openapi("ConnectedAccounts");

const route = createRoute({
  method: "get",
  path: "/v1/oauth/{platform}/callback",
  operationId: "finish_platform_authorization",
  security: [],
  tags: ["Social accounts"],
  summary: "OAuth redirect target: stores the connected accounts (the state is the credential)",
  request: { params: PlatformParam, query: CallbackQuery },
  responses: {
    201: { description: "Connected", content: { "application/json": { schema: Connected } } },
    303: { description: "Connected; on to the return_to given at connect time" },
    400: problemResponseSpec(
      "Unknown, used or expired state; a browser other than the one the connection is bound to, or one that never confirmed the start page; or the user refused",
    ),
    403: problemResponseSpec(
      "The member who asked for the connection may no longer connect accounts (removed, suspended, demoted, or their key revoked or expired), or the plan's connected accounts are all in use (quota-social-accounts): nothing is connected",
    ),
    409: problemResponseSpec("The platform is not configured in this deployment (platform-not-configured)"),
    422: problemResponseSpec("The platform refused the code"),
    503: problemResponseSpec("The platform is not available"),
  },
});

export const oauthCallbackRoutes = createRouter().openapi(route, async (c) => {
  const { platform } = c.req.valid("param");
  const query = c.req.valid("query");
  const badState = () =>
    new ProblemError("validation", 'query field "state": unknown, used or expired; start the connection again', {
      errors: [{ in: "query", field: "state", message: "unknown, used or expired" }],
    });
  const tenantId = tenantOfState(query.state);
  const placement = tenantId ? await placementOf(c.env, tenantId) : null;
  if (!tenantId || !placement) throw badState();
  const object = await tenantObjectAt(c.env, placement);
  const presented = await presentedBinding(c, query.state);
  const outcome = await retryOnReset(object, "consumeOAuthState", query.state, presented);
  if (outcome.kind === "unbound") {
    throw new ProblemError(
      "validation",
      "This browser did not start this connection; finish it in the browser that opened the authorize URL",
      { errors: [{ in: "cookie", field: "state", message: "not bound to this browser" }] },
    );
  }
  if (outcome.kind === "unconfirmed") {
    throw new ProblemError(
      "validation",
      "This connection was not confirmed on this site's page; open the start URL again in this browser and continue from there",
      { errors: [{ in: "query", field: "state", message: "not confirmed on the start page" }] },
    );
  }
  if (outcome.kind !== "ok" || outcome.pending.platform !== platform) throw badState();
  const pending = outcome.pending;
  await clearBindingCookie(c, query.state);
  if (query.error || !query.code) {
    throw new ProblemError(
      "validation",
      `The authorization was not granted: ${query.error_description ?? query.error ?? "no code"}`,
      {
        errors: [{ in: "query", field: "code", message: query.error ?? "missing" }],
      },
    );
  }
  const tenant = await findTenant(c.env.DB, tenantId);
  if (tenant?.status !== "active") throw badState();
  const scope = scopeOn(c.env, placement);
  // Before the code is exchanged: a member who may no longer connect accounts gets nothing connected.
  const standing = await starterStanding(scope, pending, c.var.clock());
  if (!standing.ok) {
    const refusal = starterRefused(standing);
    const event = {
      action: "social_account.connect",
      resourceType: "social_account",
      metadata: { platform, reason: refusal.problem.reason },
      success: false,
      errorMessage: `403: ${refusal.message}`,
    };
    // The refusal is audited like any refused attempt (src/router/http/audit.ts); the trail
    // failing must not change the answer.
    await auditInTenantShard(c.env, tenantId, [
      pendingAuditRow({ ...auditActor(c), tenantId, userId: pending.userId }, event, isoNow(c.var.clock)),
    ]).catch((error) => console.error(`audit row of a refused connection was not written: ${String(error)}`));
    throw refusal;
  }

  let identities: ConnectedIdentity[];
  try {
    identities = await platformAdapter(c.env, platform, new URL(c.req.url).origin).connect(
      query.code,
      pending.redirectUri,
      pending.codeVerifier,
    );
  } catch (error) {
    if (!isPlatformError(error)) throw error;
    if (error.kind === "not_configured") throw new ProblemError("platformNotConfigured", error.message, { platform });
    if (error.kind === "unavailable" || error.kind === "timeout" || error.kind === "rate_limited") {
      throw new ProblemError("platformUnavailable", error.message, {}, { "Retry-After": "30" });
    }
    throw new ProblemError("platformRejected", error.message);
  }

  const cipher = tenantCipher(c.env, tenantId, {
    kmsKeyId: tenant.kms_key_id,
    encryptionVersion: tenant.encryption_version,
  });
  const now = isoNow(c.var.clock);
  const statements: D1PreparedStatement[] = [];
  const accountIds: string[] = [];
  // Accounts this connection adds to those the plan counts (new, or disconnected before).
  let added = 0;
  for (const identity of identities) {
    // Reconnecting keeps the account's id (its posts and analytics hang off it).
    const existing = await findAccountByIdentity(scope, platform, identity.platformUserId);
    if (!existing || existing.status === "revoked") added += 1;
    const accountId = existing?.account_id ?? newId("socialAccount");
    const { tokens } = identity;
    const refresh = tokens.refreshToken
      ? await cipher.encryptBytes("social_accounts", "refresh_token_encrypted", accountId, utf8(tokens.refreshToken))
      : null;
    statements.push(
      upsertAccount(scope, {
        accountId,
        platform,
        platformUserId: identity.platformUserId,
        name: identity.name,
        handle: identity.handle,
        accessToken: await cipher.encryptBytes(
          "social_accounts",
          "access_token_encrypted",
          accountId,
          utf8(tokens.accessToken),
        ),
        refreshToken: refresh,
        expiresAt: tokens.expiresAt?.toISOString() ?? null,
        refreshTokenExpiresAt: tokens.refreshTokenExpiresAt?.toISOString() ?? null,
        scopes: tokens.scopes,
        now,
      }),
    );
    accountIds.push(accountId);
  }
  // The plan's connected accounts (docs/billing.md, Tiers and quotas), checked after the
  // upserts in the same batch; a reconnection that adds none is never refused.
  const quota = await countGuard(c, scope, "social_accounts", tenant);
  const actor = { ...auditActor(c), tenantId, userId: pending.userId };
  try {
    await commitAudited(
      c,
      scope.db,
      added > 0 ? [...statements, quota.check] : statements,
      {
        action: "social_account.connect",
        resourceType: "social_account",
        resourceId: accountIds.join(","),
        metadata: { platform, accounts: accountIds.length },
      },
      actor,
    );
  } catch (error) {
    const refused = await overQuota(quota, error);
    if (refused instanceof ProblemError) {
      // No credential, so no pending audit row: the refusal is audited here, as the starter's is.
      const event = {
        action: "social_account.connect",
        resourceType: "social_account",
        metadata: { platform, reason: refused.problem.quota },
        success: false,
        errorMessage: `403: ${refused.message}`,
      };
      await auditInTenantShard(c.env, tenantId, [pendingAuditRow(actor, event, isoNow(c.var.clock))]).catch(
        (auditError) => console.error(`audit row of a refused connection was not written: ${String(auditError)}`),
      );
    }
    throw refused;
  }
  for (const accountId of accountIds) await retryOnReset(object, "accountConnected", accountId);

  // Checked again: a state stored before the check was tightened may hold anything.
  const returnTo = pending.returnTo ? sameSitePath(pending.returnTo) : null;
  if (returnTo) return c.redirect(withQuery(returnTo, { connected: accountIds.join(",") }), 303);
  const rows = await Promise.all(accountIds.map((id) => getAccount(scope, id)));
  const reads = { linkedInPostAnalytics: linkedInPostAnalyticsOn(c.env) };
  const nowMs = c.var.clock();
  return c.json({ accounts: rows.filter((row) => row !== null).map((row) => toSocialAccount(row, reads, nowMs)) }, 201);
});
