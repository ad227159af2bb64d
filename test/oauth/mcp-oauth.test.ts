// OAuth 2.1 for MCP clients, as the MCP authorization specification describes it
// (docs/mcp.md, OAuth): discovery from a 401 at /mcp, dynamic registration, a member's
// sign-in (password, then TOTP) and consent on this site's page, PKCE, the code's
// exchange, tool calls on /mcp, refresh, revocation, and the bounds: the member's scopes,
// the tenant, the resource.
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { beforeAll, describe, expect, it } from "vitest";
import { totpAt } from "../../src/core/auth/totp";
import { MCP_PATH } from "../../src/router/mcp/mcp-routes";
import { callTool, postMcp, problemOf, rpc } from "../mcp/support";
import { json, ORIGIN } from "../support/http";
import { addUser, createTenant, login, type TestTenant, type TestUser } from "../support/tenants";
import {
  authorize,
  type Client,
  call,
  exchange,
  hiddenField,
  pkce,
  postForm,
  REDIRECT,
  RESOURCE,
  refresh,
  register,
  signIn,
  tokensFor,
} from "./support";

interface Problem {
  type: string;
  status: number;
  error?: string;
  error_description?: string;
}

async function problem(res: Response): Promise<Problem> {
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  return (await res.json()) as Problem;
}

const TEMPLATE = {
  name: "Product Launch",
  template_type: "social_post",
  platform: "linkedin",
  structure: { layout: "3-column", blocks: [{ kind: "image" }] },
  default_copy_blocks: [{ name: "headline", max_chars: 60 }],
};

describe("discovery", () => {
  it("leads from a 401 at /mcp to the resource's metadata and its authorization server", async () => {
    const res = await postMcp({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(res.status).toBe(401);
    const challenge = res.headers.get("WWW-Authenticate") ?? "";
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
    expect(metadataUrl).toBe(`${ORIGIN}/.well-known/oauth-protected-resource/mcp`);
    // No credential came: no error code (RFC 6750 3.1). The scopes to ask for first.
    expect(challenge).not.toContain("invalid_token");
    expect(challenge).toContain('scope="read:accounts read:posts read:analytics read:content read:brand"');
    const resource = await json<{ resource: string; authorization_servers: string[]; scopes_supported: string[] }>(
      await call(new URL(metadataUrl as string).pathname),
    );
    expect(resource.resource).toBe(`${ORIGIN}${MCP_PATH}`);
    expect(resource.authorization_servers).toEqual([ORIGIN]);
    expect(resource.scopes_supported).toContain("read:posts");
    const root = await json<{ resource: string }>(await call("/.well-known/oauth-protected-resource"));
    expect(root.resource).toBe(resource.resource);
    const server = await json<Record<string, unknown>>(await call("/.well-known/oauth-authorization-server"));
    expect(server).toMatchObject({
      issuer: ORIGIN,
      authorization_endpoint: `${ORIGIN}/oauth/authorize`,
      token_endpoint: `${ORIGIN}/oauth/token`,
      registration_endpoint: `${ORIGIN}/oauth/register`,
      code_challenge_methods_supported: ["S256"],
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
    });
    // A token that is not one: the challenge says invalid_token.
    const bad = await postMcp({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { token: "mcp_at_nothing" });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });
});

describe("registration", () => {
  it("takes https and loopback redirect URIs, exactly, and refuses others", async () => {
    const client = await register({ redirect_uris: [REDIRECT, "https://agent.example/cb"] });
    expect(client.client_id).toMatch(/^ocl_/);
    expect(client.client_secret).toBeUndefined();
    for (const uri of ["http://agent.example/cb", "https://agent.example/cb#frag", "ftp://x/y", "not a url"]) {
      const res = await call("/oauth/register", { body: { redirect_uris: [uri], token_endpoint_auth_method: "none" } });
      expect(res.status, uri).toBe(400);
      expect((await problem(res)).error, uri).toBe("invalid_redirect_uri");
    }
    const confidential = await register({ token_endpoint_auth_method: "client_secret_basic" });
    expect(confidential.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const invalid = await call("/oauth/register", { body: { redirect_uris: [] } });
    expect(invalid.status).toBe(400);
    expect((await problem(invalid)).error).toBe("invalid_request");
  });
});

describe("the OAuth flow to a tool call", () => {
  let tenant: TestTenant;
  let member: TestUser;
  let client: Client;

  beforeAll(async () => {
    tenant = await createTenant();
    member = await addUser(tenant, "member");
    client = await register();
  });

  it("registers, signs in, consents, exchanges with PKCE and calls tools on /mcp; refreshes", async () => {
    const { code, verifier, redirect } = await authorize({
      tenantId: tenant.tenantId,
      email: member.email,
      client,
      scope: "read:accounts read:posts",
      state: "s-1",
    });
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT);
    expect(redirect.searchParams.get("state")).toBe("s-1");
    expect(redirect.searchParams.get("iss")).toBe(ORIGIN);
    const res = await exchange(client, code, verifier);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const tokens = await json<{ access_token: string; refresh_token: string; scope: string; expires_in: number }>(res);
    expect(tokens.scope).toBe("read:accounts read:posts");
    expect(tokens.expires_in).toBe(3600);
    // The code is single-use.
    const again = await exchange(client, code, verifier);
    expect(again.status).toBe(400);
    expect((await problem(again)).error).toBe("invalid_grant");

    const init = await rpc(tokens.access_token, "initialize", {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: "oauth-test", version: "1" },
    });
    expect(init.error).toBeUndefined();
    const list = await rpc(tokens.access_token, "tools/list");
    expect(((list.result?.tools ?? []) as { name: string }[]).map((tool) => tool.name)).toContain("list_posts");
    const posts = await callTool(tokens.access_token, "list_posts", {});
    expect(posts.isError ?? false, JSON.stringify(posts)).toBe(false);

    // Refresh: new tokens, the old access token's grant the same, the replaced refresh token dead.
    const refreshed = await refresh(client, tokens.refresh_token);
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
    const next = await json<{ access_token: string; refresh_token: string }>(refreshed);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect((await callTool(next.access_token, "list_posts", {})).isError ?? false).toBe(false);
    // The access token it replaced is refused at once.
    const old = await postMcp({ jsonrpc: "2.0", id: 9, method: "tools/list" }, { token: tokens.access_token });
    expect(old.status).toBe(401);
    // Presenting the replaced refresh token again revokes the whole grant (a stolen token).
    const reused = await refresh(client, tokens.refresh_token);
    expect((await problem(reused)).error).toBe("invalid_grant");
    const afterReuse = await postMcp({ jsonrpc: "2.0", id: 10, method: "tools/list" }, { token: next.access_token });
    expect(afterReuse.status).toBe(401);
  });

  it("audits every tool call with the OAuth client that made it", async () => {
    const tokens = await tokensFor({ tenantId: tenant.tenantId, email: member.email, client, scope: "read:posts" });
    await callTool(tokens.access_token, "list_posts", {});
    await callTool(tokens.access_token, "list_accounts", {});
    const owner = await login(tenant.tenantId, tenant.ownerEmail);
    const rows = await json<{ data: { action: string; user_id: string; metadata: Record<string, unknown> }[] }>(
      await call("/v1/audit-logs?action=mcp.tool_call&limit=50", { token: owner }),
    );
    const mine = rows.data.filter(
      (row) => (row.metadata.agent as { clientId?: string } | undefined)?.clientId === client.client_id,
    );
    expect(mine.map((row) => row.metadata.tool).sort()).toEqual(
      expect.arrayContaining(["list_accounts", "list_posts"]),
    );
    for (const row of mine) {
      expect(row.user_id, JSON.stringify(row)).toBe(member.userId);
      expect(row.metadata.agent, JSON.stringify(row)).toMatchObject({ kind: "oauth_client", clientName: "Test Agent" });
    }
    // The grant itself is audited when its code was exchanged.
    const grants = await json<{ data: { metadata: Record<string, unknown> }[] }>(
      await call("/v1/audit-logs?action=oauth.grant&limit=50", { token: owner }),
    );
    expect(grants.data.some((row) => row.metadata.client_id === client.client_id)).toBe(true);
  });

  it("bounds the tools by the scopes consented to", async () => {
    const tokens = await tokensFor({
      tenantId: tenant.tenantId,
      email: member.email,
      client,
      scope: "read:accounts read:posts",
      grant: ["read:accounts"],
    });
    expect(tokens.scope).toBe("read:accounts");
    expect((await callTool(tokens.access_token, "list_accounts", {})).isError ?? false).toBe(false);
    const refused = problemOf(await callTool(tokens.access_token, "list_posts", {}));
    expect(refused.status).toBe(403);
    const draft = problemOf(await callTool(tokens.access_token, "draft_post", { text: "hello", platform: "linkedin" }));
    // Refused before anything is drafted: the scope (403), or no account to draft on.
    expect([400, 403, 404], JSON.stringify(draft)).toContain(draft.status);
  });

  it("offers no more than the member's role allows", async () => {
    const viewer = await addUser(tenant, "viewer");
    const { challenge, verifier } = await pkce();
    const page = await signIn({
      tenantId: tenant.tenantId,
      email: viewer.email,
      client,
      challenge,
      scope: "read:posts publish",
    });
    const offered = [...page.matchAll(/name="grant" value="([^"]+)"/g)].map((m) => m[1]);
    expect(offered).toEqual(["read:posts"]);
    // A ticked scope the page did not offer is not granted.
    const res = await postForm("/oauth/authorize", {
      action: "approve",
      ticket: hiddenField(page, "ticket"),
      grant: ["read:posts", "publish"],
    });
    expect(res.status).toBe(303);
    const code = new URL(res.headers.get("Location") as string).searchParams.get("code") as string;
    const tokens = await json<{ scope: string }>(await exchange(client, code, verifier));
    expect(tokens.scope).toBe("read:posts");
  });

  it("refuses a wrong PKCE verifier, another redirect_uri, and a resource other than /mcp", async () => {
    const first = await authorize({ tenantId: tenant.tenantId, email: member.email, client });
    const wrong = await exchange(client, first.code, (await pkce()).verifier);
    expect((await problem(wrong)).error).toBe("invalid_grant");
    // The code was spent by the failed attempt: the right verifier comes too late.
    expect((await problem(await exchange(client, first.code, first.verifier))).error).toBe("invalid_grant");

    const second = await authorize({ tenantId: tenant.tenantId, email: member.email, client });
    const otherRedirect = await exchange(client, second.code, second.verifier, {
      redirect_uri: "http://127.0.0.1:33418/other",
    });
    expect((await problem(otherRedirect)).error).toBe("invalid_grant");

    const third = await authorize({ tenantId: tenant.tenantId, email: member.email, client });
    const otherResource = await exchange(client, third.code, third.verifier, { resource: `${ORIGIN}/v1` });
    expect((await problem(otherResource)).error).toBe("invalid_target");

    // An authorization request naming a redirect_uri the client did not register is
    // answered here and never redirected.
    const { challenge } = await pkce();
    const query = new URLSearchParams({
      response_type: "code",
      client_id: client.client_id,
      redirect_uri: "https://attacker.example/cb",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const refused = await call(`/oauth/authorize?${query}`);
    expect(refused.status).toBe(400);
    expect(refused.headers.get("Location")).toBeNull();
    // Without PKCE, or with plain: sent back to the client as an error.
    const plain = await call(
      `/oauth/authorize?${new URLSearchParams({ response_type: "code", client_id: client.client_id, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: "plain", state: "p" })}`,
    );
    expect(plain.status).toBe(302);
    const location = new URL(plain.headers.get("Location") as string);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("state")).toBe("p");
  });

  it("exchanges a code once and rotates a refresh token once, with a hundred tries in flight", async () => {
    const { code, verifier } = await authorize({ tenantId: tenant.tenantId, email: member.email, client });
    const exchanges = await Promise.all(Array.from({ length: 100 }, () => exchange(client, code, verifier)));
    const issued = exchanges.filter((res) => res.status === 200);
    expect(issued.length).toBe(1);
    for (const res of exchanges) expect([200, 400], `exchange answered ${res.status}`).toContain(res.status);
    const tokens = await json<{ refresh_token: string }>(issued[0] as Response);
    const refreshes = await Promise.all(Array.from({ length: 100 }, () => refresh(client, tokens.refresh_token)));
    expect(refreshes.filter((res) => res.status === 200).length).toBe(1);
    for (const res of refreshes) expect([200, 400], `refresh answered ${res.status}`).toContain(res.status);
  });

  it("keeps an access token to /mcp: the API refuses it", async () => {
    const tokens = await tokensFor({ tenantId: tenant.tenantId, email: member.email, client, scope: "read:posts" });
    const res = await call("/v1/posts", { token: tokens.access_token });
    expect(res.status).toBe(401);
  });

  it("lists and revokes grants; a revoked token is refused at once", async () => {
    const tokens = await tokensFor({ tenantId: tenant.tenantId, email: member.email, client, scope: "read:posts" });
    const session = await login(tenant.tenantId, member.email);
    const listed = await json<{ data: { id: string; client_id: string; user_id: string; scopes: string[] }[] }>(
      await call("/v1/oauth/grants", { token: session }),
    );
    const grant = listed.data.find((row) => row.client_id === client.client_id);
    expect(grant, JSON.stringify(listed)).toBeDefined();
    expect(grant?.user_id).toBe(member.userId);
    expect(JSON.stringify(listed)).not.toContain(tokens.access_token);
    // Another member sees none of it, and cannot revoke it.
    const other = await addUser(tenant, "member");
    const otherSession = await login(tenant.tenantId, other.email);
    const theirs = await json<{ data: unknown[] }>(await call("/v1/oauth/grants", { token: otherSession }));
    expect(theirs.data).toEqual([]);
    const notTheirs = await call(`/v1/oauth/grants/${grant?.id}`, { method: "DELETE", token: otherSession });
    expect(notTheirs.status).toBe(404);
    // The owner sees every member's.
    const all = await json<{ data: { id: string }[] }>(
      await call("/v1/oauth/grants", { token: await login(tenant.tenantId, tenant.ownerEmail) }),
    );
    expect(all.data.map((row) => row.id)).toContain(grant?.id);

    expect((await callTool(tokens.access_token, "list_posts", {})).isError ?? false).toBe(false);
    const revoked = await call(`/v1/oauth/grants/${grant?.id}`, { method: "DELETE", token: session });
    expect(revoked.status, await revoked.clone().text()).toBe(200);
    const after = await postMcp({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { token: tokens.access_token });
    expect(after.status).toBe(401);
    expect((await problem(await refresh(client, tokens.refresh_token))).error).toBe("invalid_grant");
  });

  it("ends a member's grants when they are suspended", async () => {
    const suspended = await addUser(tenant, "member");
    const tokens = await tokensFor({ tenantId: tenant.tenantId, email: suspended.email, client, scope: "read:posts" });
    const res = await call(`/v1/users/${suspended.userId}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { status: "suspended" },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const after = await postMcp({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { token: tokens.access_token });
    expect(after.status).toBe(401);
  });
});

describe("a second factor", () => {
  it("asks a member with MFA on for their code before the consent page", async () => {
    const tenant = await createTenant();
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    const enrolled = await json<{ secret: string }>(
      await call("/v1/me/mfa/enroll", { method: "POST", token: session }),
    );
    const now = () => Math.floor(Date.now() / 1000);
    const on = await call("/v1/me/mfa/verify", {
      token: session,
      body: { code: await totpAt(enrolled.secret, now()) },
    });
    expect(on.status).toBe(200);
    const client = await register();
    const { verifier, challenge } = await pkce();
    const page = await signIn({ tenantId: tenant.tenantId, email: tenant.ownerEmail, client, challenge });
    expect(page).toContain('name="totp"');
    expect(page).not.toContain('name="grant"');
    const ticket = hiddenField(page, "ticket");
    const wrong = await postForm("/oauth/authorize", { action: "totp", ticket, totp: "000000" });
    expect(wrong.status).toBe(200);
    expect(await wrong.text()).toContain('id="error"');
    // The password step's ticket is not a consent: approving with it is refused.
    const skipped = await postForm("/oauth/authorize", { action: "approve", ticket, grant: "read:posts" });
    expect(skipped.status).toBe(400);
    const right = await postForm("/oauth/authorize", {
      action: "totp",
      ticket,
      totp: await totpAt(enrolled.secret, now() + 30),
    });
    expect(right.status, await right.clone().text()).toBe(200);
    const consent = await right.text();
    expect(consent).toContain('name="grant"');
    const approved = await postForm("/oauth/authorize", {
      action: "approve",
      ticket: hiddenField(consent, "ticket"),
      grant: "read:posts",
    });
    expect(approved.status).toBe(303);
    const code = new URL(approved.headers.get("Location") as string).searchParams.get("code") as string;
    expect((await exchange(client, code, verifier)).status).toBe(200);
  });

  it("shows the sign-in page again on a wrong password, and grants nothing", async () => {
    const tenant = await createTenant();
    const client = await register();
    const { challenge } = await pkce();
    const res = await postForm("/oauth/authorize", {
      action: "sign_in",
      response_type: "code",
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      code_challenge: challenge,
      code_challenge_method: "S256",
      tenant_id: tenant.tenantId,
      email: tenant.ownerEmail,
      password: "not the password",
    });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('id="error"');
    expect(page).not.toContain('name="ticket"');
  });
});

describe("tenancy", () => {
  it("keeps a token to its own tenant's data", async () => {
    const a = await createTenant();
    const b = await createTenant();
    await call("/v1/templates", { token: b.ownerKey, body: TEMPLATE });
    const client = await register();
    const tokens = await tokensFor({
      tenantId: a.tenantId,
      email: a.ownerEmail,
      client,
      scope: "read:content read:brand",
    });
    const templates = await callTool(tokens.access_token, "list_templates", {});
    expect(templates.isError ?? false, JSON.stringify(templates)).toBe(false);
    expect(JSON.stringify(templates.structuredContent)).not.toContain("Product Launch");
    // B's grant is invisible to A's owner, and cannot be revoked by them.
    const bTokens = await tokensFor({ tenantId: b.tenantId, email: b.ownerEmail, client, scope: "read:posts" });
    const bGrants = await json<{ data: { id: string }[] }>(
      await call("/v1/oauth/grants", { token: await login(b.tenantId, b.ownerEmail) }),
    );
    const bGrant = bGrants.data[0]?.id as string;
    const aOwner = await login(a.tenantId, a.ownerEmail);
    expect((await call(`/v1/oauth/grants/${bGrant}`, { method: "DELETE", token: aOwner })).status).toBe(404);
    expect(
      (await json<{ data: { id: string }[] }>(await call("/v1/oauth/grants", { token: aOwner }))).data,
    ).not.toEqual(expect.arrayContaining([expect.objectContaining({ id: bGrant })]));
    // A token whose tenant part is rewritten to A's names no grant there.
    const forged = bTokens.access_token.replace(b.tenantId, a.tenantId);
    const res = await postMcp({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { token: forged });
    expect(res.status).toBe(401);
    // A code of one client cannot be redeemed by another.
    const other = await register();
    const { code, verifier } = await authorize({ tenantId: a.tenantId, email: a.ownerEmail, client });
    expect((await problem(await exchange(other, code, verifier))).error).toBe("invalid_grant");
  });
});

describe("a confidential client", () => {
  it("authenticates with its secret at the token endpoint", async () => {
    const tenant = await createTenant();
    const client = await register({ token_endpoint_auth_method: "client_secret_basic" });
    const { code, verifier } = await authorize({ tenantId: tenant.tenantId, email: tenant.ownerEmail, client });
    const wrongBasic = `Basic ${btoa(`${client.client_id}:wrong`)}`;
    const refused = await postForm(
      "/oauth/token",
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier },
      { Authorization: wrongBasic },
    );
    expect(refused.status).toBe(401);
    expect((await problem(refused)).error).toBe("invalid_client");
    const basic = `Basic ${btoa(`${client.client_id}:${client.client_secret}`)}`;
    const res = await postForm(
      "/oauth/token",
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier, resource: RESOURCE },
      { Authorization: basic },
    );
    expect(res.status, await res.clone().text()).toBe(200);
  });
});
