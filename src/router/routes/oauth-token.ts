// POST /oauth/token: this site's token endpoint for MCP clients (docs/mcp.md, OAuth).
// grant_type authorization_code (the code, its redirect_uri and the PKCE code_verifier)
// or refresh_token (rotated at each use). The client authenticates as it registered: a
// public client by its client_id alone (PKCE proves it), a confidential one with its
// secret (HTTP Basic or in the body). The code or refresh token names its tenant, whose
// object checks and spends it (objects/identity/oauth-grants.ts); a stopped tenant's or a
// removed member's is refused. Tokens are bound to /mcp (RFC 8707).
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { OAuthTokenOutcome } from "../../../objects/tenant-object/contract";
import { parseScope } from "../../core/auth/oauth-rules";
import { digestOAuthSecret, OAUTH_CLIENT_ID, tenantOfOAuthSecret } from "../../core/auth/oauth-tokens";
import { fromBase64, fromUtf8, timingSafeEqual, utf8 } from "../../core/crypto/encoding";
import { findOAuthClient, type OAuthClient } from "../../core/db/oauth-clients";
import { scopeOn } from "../../core/db/tenant-scope";
import { findTenant } from "../../core/db/tenants";
import { placementOfRow } from "../../core/placement/directory";
import type { AppEnv } from "../http/app-env";
import { auditActor, commitAudited } from "../http/audit";
import {
  createOAuthRouter,
  invalidClient,
  mcpResourceOf,
  noStore,
  oauthRefusal,
  urlEncodedOnly,
} from "../http/oauth-server";
import { jsonResponse } from "../http/openapi-parts";
import { problemResponseSpec } from "../http/schemas";
import { tenantObjectAt } from "../objects";

const text = (max: number) => z.string().max(max);

const TokenForm = z
  .object({
    grant_type: text(100),
    code: text(200).optional(),
    redirect_uri: text(2000).optional(),
    code_verifier: text(200).optional(),
    refresh_token: text(200).optional(),
    client_id: text(100).optional(),
    client_secret: text(200).optional(),
    scope: text(2000).optional(),
    resource: text(2000).optional(),
  })
  .openapi("OAuthTokenRequest");

const TokenAnswer = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    refresh_token: z.string(),
    scope: z.string(),
  })
  .openapi("OAuthTokenResponse");

const route = createRoute({
  method: "post",
  path: "/oauth/token",
  operationId: "create_oauth_token",
  security: [],
  tags: ["MCP authorization"],
  summary: "Exchange a code (with its PKCE verifier) or a refresh token for tokens bound to /mcp",
  description:
    "RFC 6749 4.1.3 and 6, PKCE (RFC 7636), resource indicators (RFC 8707). The access token lives an hour; the refresh token is replaced at each use, and a replaced one presented again revokes the grant. Refusals carry error (invalid_request, invalid_grant, invalid_client, unsupported_grant_type, invalid_scope, invalid_target) and error_description.",
  middleware: [noStore, urlEncodedOnly("the token request")],
  request: {
    body: { content: { "application/x-www-form-urlencoded": { schema: TokenForm } }, required: true },
  },
  responses: {
    200: jsonResponse("Tokens", TokenAnswer),
    400: problemResponseSpec(
      "Refused: error invalid_request, invalid_grant (unknown, spent, expired or revoked; wrong redirect_uri or code_verifier), unsupported_grant_type, invalid_scope or invalid_target",
    ),
    401: problemResponseSpec("invalid_client: unknown client, or a confidential client without its secret"),
    415: problemResponseSpec("Not URL-encoded"),
  },
});

/** The client's id and secret, from HTTP Basic (RFC 6749 2.3.1) or the body. */
function presentedClient(c: Context<AppEnv>, form: z.infer<typeof TokenForm>) {
  const header = c.req.header("Authorization");
  const basic = header ? /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header)?.[1] : undefined;
  if (basic) {
    let decoded: string;
    try {
      decoded = fromUtf8(fromBase64(basic));
    } catch {
      throw invalidClient("the Basic credential is not valid", true);
    }
    const colon = decoded.indexOf(":");
    if (colon < 0) throw invalidClient("the Basic credential is not valid", true);
    const decode = (part: string) => {
      try {
        return decodeURIComponent(part.replace(/\+/g, " "));
      } catch {
        throw invalidClient("the Basic credential is not valid", true);
      }
    };
    return { clientId: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)), basic: true };
  }
  return { clientId: form.client_id ?? "", secret: form.client_secret ?? null, basic: false };
}

/** The registered client, authenticated as it registered; invalid_client otherwise. */
async function authenticateClient(c: Context<AppEnv>, form: z.infer<typeof TokenForm>): Promise<OAuthClient> {
  const presented = presentedClient(c, form);
  const client = OAUTH_CLIENT_ID.test(presented.clientId) ? await findOAuthClient(c.env.DB, presented.clientId) : null;
  if (!client) throw invalidClient("unknown client", presented.basic);
  if (client.secretHash === null) return client;
  if (!presented.secret) throw invalidClient("this client authenticates with its secret", presented.basic);
  const digest = await digestOAuthSecret(presented.secret);
  if (!timingSafeEqual(utf8(digest), utf8(client.secretHash))) throw invalidClient("wrong secret", presented.basic);
  return client;
}

/** The tenant's object that keeps `secret` (a code or a refresh token), while the tenant is active. */
async function objectOf(c: Context<AppEnv>, tenantId: string | null) {
  const tenant = tenantId ? await findTenant(c.env.DB, tenantId) : null;
  const placement = tenant ? placementOfRow(tenant) : null;
  if (tenant?.status !== "active" || !placement) return null;
  return { object: await tenantObjectAt(c.env, placement), placement };
}

function answer(c: Context<AppEnv>, outcome: OAuthTokenOutcome) {
  if (!outcome.ok) throw oauthRefusal(outcome.error, outcome.description);
  return c.json(
    {
      access_token: outcome.accessToken,
      token_type: "Bearer" as const,
      expires_in: outcome.expiresInSeconds,
      refresh_token: outcome.refreshToken,
      scope: outcome.scopes.join(" "),
    },
    200,
  );
}

export const oauthTokenRoutes = createOAuthRouter().openapi(route, async (c) => {
  const form = c.req.valid("form");
  if (form.grant_type !== "authorization_code" && form.grant_type !== "refresh_token") {
    throw oauthRefusal("unsupported_grant_type", "grant_type: authorization_code or refresh_token");
  }
  const client = await authenticateClient(c, form);
  const resource = form.resource ?? null;
  if (resource !== null && resource !== mcpResourceOf(c)) {
    throw oauthRefusal("invalid_target", `resource must be ${mcpResourceOf(c)}`);
  }
  if (form.grant_type === "authorization_code") {
    if (!form.code || !form.redirect_uri || !form.code_verifier) {
      throw oauthRefusal("invalid_request", "code, redirect_uri and code_verifier are required");
    }
    const found = await objectOf(c, tenantOfOAuthSecret("mcp_ac", form.code));
    if (!found) throw oauthRefusal("invalid_grant", "unknown, used or expired code");
    const outcome = await found.object.redeemOAuthCode({
      code: form.code,
      clientId: client.clientId,
      redirectUri: form.redirect_uri,
      codeVerifier: form.code_verifier,
      resource,
    });
    if (outcome.ok) {
      const scope = scopeOn(c.env, found.placement);
      await commitAudited(
        c,
        scope.db,
        [],
        {
          action: "oauth.grant",
          resourceType: "oauth_grant",
          resourceId: outcome.grantId,
          metadata: { client_id: client.clientId, client_name: client.clientName, scopes: outcome.scopes },
        },
        { ...auditActor(c), tenantId: scope.tenantId, userId: outcome.userId },
      );
    }
    return answer(c, outcome);
  }
  if (!form.refresh_token) throw oauthRefusal("invalid_request", "refresh_token is required");
  const { scopes, unknown } = parseScope(form.scope);
  if (unknown.length > 0) throw oauthRefusal("invalid_scope", `unknown scope: ${unknown.join(" ")}`);
  const found = await objectOf(c, tenantOfOAuthSecret("mcp_rt", form.refresh_token));
  if (!found) throw oauthRefusal("invalid_grant", "unknown, revoked or expired token");
  const outcome = await found.object.refreshOAuthGrant({
    refreshToken: form.refresh_token,
    clientId: client.clientId,
    scopes: form.scope === undefined ? null : scopes,
    resource,
  });
  return answer(c, outcome);
});
