// The OAuth authorization server for MCP clients (docs/mcp.md, OAuth): its public
// operations (discovery, registration, the authorize page and its form, the token
// endpoint), described by a valid call for the fuzzer and the coverage check, and the
// tenant's grants (list, revoke), which the security matrix walks.
import { pkce, REDIRECT, register, tokensFor } from "../../oauth/support";
import { tenantDb } from "../../support/databases";
import { call } from "../../support/http";
import { PASSWORD, type TestTenant } from "../../support/tenants";
import type { RouteCase } from "../route-case";
import type { Actor, World } from "../world";
import { unmatrixed } from "./public";

const ALL = ["owner", "admin", "member", "viewer"] as const;

async function emailOf(tenantId: string, userId: string): Promise<string> {
  const row = await (await tenantDb(tenantId))
    .prepare("SELECT email FROM users WHERE user_id = ?")
    .bind(userId)
    .first<{ email: string }>();
  if (!row) throw new Error(`no user ${userId}`);
  return row.email;
}

/** A fresh grant of `userId` in `tenant` (a new client each time): its id. */
async function grantOf(tenant: TestTenant, userId: string, session: string): Promise<string> {
  const client = await register();
  await tokensFor({
    tenantId: tenant.tenantId,
    email: await emailOf(tenant.tenantId, userId),
    client,
    scope: "read:posts",
  });
  const res = await call("/v1/oauth/grants", { token: session });
  const { data } = (await res.json()) as { data: { id: string; client_id: string }[] };
  const grant = data.find((row) => row.client_id === client.client_id);
  if (!grant) throw new Error(`no grant listed: ${JSON.stringify(data)}`);
  return grant.id;
}

/** The query of an authorization request a registered client makes. */
async function authorizeQuery(): Promise<string> {
  const client = await register();
  const { challenge } = await pkce();
  return new URLSearchParams({
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "s",
  }).toString();
}

export const OAUTH_PUBLIC_ROUTES: RouteCase[] = [
  unmatrixed({
    name: "GET /.well-known/oauth-protected-resource/mcp",
    method: "GET",
    path: () => "/.well-known/oauth-protected-resource/mcp",
  }),
  unmatrixed({
    name: "GET /.well-known/oauth-protected-resource",
    method: "GET",
    path: () => "/.well-known/oauth-protected-resource",
  }),
  unmatrixed({
    name: "GET /.well-known/oauth-authorization-server",
    method: "GET",
    path: () => "/.well-known/oauth-authorization-server",
  }),
  // Open, as the MCP authorization specification expects: a client is a name and redirect URIs.
  unmatrixed({
    name: "POST /oauth/register",
    method: "POST",
    path: () => "/oauth/register",
    body: { client_name: "Fuzzed Agent", redirect_uris: [REDIRECT], token_endpoint_auth_method: "none" },
  }),
  unmatrixed({
    name: "GET /oauth/authorize",
    method: "GET",
    path: async () => `/oauth/authorize?${await authorizeQuery()}`,
  }),
  // The sign-in page's form (URL-encoded): a wrong password shows the page again.
  unmatrixed({
    name: "POST /oauth/authorize",
    method: "POST",
    path: () => "/oauth/authorize",
    body: async (world: World) => ({
      action: "sign_in",
      ...Object.fromEntries(new URLSearchParams(await authorizeQuery())),
      tenant_id: world.tenant.tenantId,
      email: world.tenant.ownerEmail,
      password: `${PASSWORD}-wrong`,
    }),
  }),
  // The code is the credential (with its client and PKCE verifier): an unknown one is refused.
  unmatrixed({
    name: "POST /oauth/token",
    method: "POST",
    path: () => "/oauth/token",
    body: async () => ({
      grant_type: "authorization_code",
      code: "mcp_ac_unknown",
      redirect_uri: REDIRECT,
      code_verifier: (await pkce()).verifier,
      client_id: (await register()).client_id,
    }),
  }),
];

export const OAUTH_ROUTES: RouteCase[] = [
  {
    name: "GET /v1/oauth/grants",
    method: "GET",
    path: () => "/v1/oauth/grants",
    roles: ALL,
    scope: "manage:api_keys",
    mutation: false,
    ok: 200,
  },
  {
    name: "DELETE /v1/oauth/grants/{id}",
    method: "DELETE",
    // A grant of the actor's own (every role may consent to reading posts).
    path: async (world: World, actor: Actor) =>
      `/v1/oauth/grants/${await grantOf(world.tenant, actor.userId, actor.session)}`,
    roles: ALL,
    scope: "manage:api_keys",
    mutation: true,
    ok: 200,
    invalid: { path: () => "/v1/oauth/grants/nope", field: "id" },
    foreign: async (world: World) => {
      const res = await call("/v1/auth/login", {
        body: { tenant_id: world.other.tenantId, email: world.other.ownerEmail, password: PASSWORD },
      });
      const { token } = (await res.json()) as { token: string };
      return `/v1/oauth/grants/${await grantOf(world.other, world.other.ownerId, token)}`;
    },
  },
];
