// Playing an MCP client and its member's browser through this site's OAuth server
// (docs/mcp.md, OAuth): registration, the sign-in and consent pages, the token endpoint.

import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { sha256, toBase64Url, utf8 } from "../../src/core/crypto/encoding";
import { type CallOptions, ORIGIN, requestOf } from "../support/http";
import { PASSWORD } from "../support/tenants";

export const REDIRECT = "http://127.0.0.1:33418/callback";

/** As ../support/http.ts's call, but a redirect is answered, not followed (a browser's next step is the test's). */
export function call(path: string, options: CallOptions = {}): Promise<Response> {
  return exports.default.fetch(new Request(requestOf(path, options), { redirect: "manual" }));
}
export const RESOURCE = `${ORIGIN}/mcp`;

export interface Client {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
}

/** Registers a client (RFC 7591); a public one unless `body` says otherwise. */
export async function register(body: Record<string, unknown> = {}): Promise<Client> {
  const res = await call("/oauth/register", {
    body: { client_name: "Test Agent", redirect_uris: [REDIRECT], token_endpoint_auth_method: "none", ...body },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Client;
}

/** A PKCE verifier and its S256 challenge. */
export async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = toBase64Url(crypto.getRandomValues(new Uint8Array(48)));
  return { verifier, challenge: toBase64Url(await sha256(utf8(verifier))) };
}

export function form(fields: Record<string, string | string[] | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, item);
  }
  return params.toString();
}

export function postForm(path: string, fields: Record<string, string | string[] | undefined>, headers = {}) {
  return call(path, {
    method: "POST",
    body: form(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
  });
}

/** The value of the page's hidden field `name`. */
export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no ${name} field in the page: ${html.slice(0, 500)}`);
  return match[1].replaceAll("&amp;", "&").replaceAll("&quot;", '"');
}

export interface AuthorizeOptions {
  tenantId: string;
  email: string;
  client: Client;
  challenge: string;
  scope?: string;
  /** The scopes ticked on the consent page (all offered when absent). */
  grant?: string[];
  state?: string;
  redirectUri?: string;
}

export function authorizeParams(options: AuthorizeOptions): Record<string, string> {
  return {
    response_type: "code",
    client_id: options.client.client_id,
    redirect_uri: options.redirectUri ?? REDIRECT,
    code_challenge: options.challenge,
    code_challenge_method: "S256",
    state: options.state ?? "xyz",
    resource: RESOURCE,
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
  };
}

/** The member signs in (password only) and is shown the consent page: its HTML. */
export async function signIn(options: AuthorizeOptions): Promise<string> {
  const query = new URLSearchParams(authorizeParams(options));
  const page = await call(`/oauth/authorize?${query}`);
  expect(page.status, await page.clone().text()).toBe(200);
  expect(page.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
  const res = await postForm("/oauth/authorize", {
    action: "sign_in",
    ...authorizeParams(options),
    tenant_id: options.tenantId,
    email: options.email,
    password: PASSWORD,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.text();
}

/** Approves the consent page: the code the browser is sent back with. */
export async function approve(consentPageHtml: string, grant?: string[]): Promise<URL> {
  const offered = [...consentPageHtml.matchAll(/name="grant" value="([^"]+)"/g)].map((m) => m[1] as string);
  const res = await postForm("/oauth/authorize", {
    action: "approve",
    ticket: hiddenField(consentPageHtml, "ticket"),
    grant: grant ?? offered,
  });
  expect(res.status, await res.clone().text()).toBe(303);
  return new URL(res.headers.get("Location") as string);
}

/** Registration to code: the code and the verifier that goes with it. */
export async function authorize(
  options: Omit<AuthorizeOptions, "challenge">,
): Promise<{ code: string; verifier: string; redirect: URL }> {
  const { verifier, challenge } = await pkce();
  const redirect = await approve(await signIn({ ...options, challenge }), options.grant);
  const code = redirect.searchParams.get("code");
  expect(code, redirect.toString()).toBeTruthy();
  return { code: code as string, verifier, redirect };
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
  token_type: string;
}

export async function exchange(
  client: Client,
  code: string,
  verifier: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return postForm("/oauth/token", {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
    client_id: client.client_id,
    resource: RESOURCE,
    ...extra,
  });
}

/** A member's tokens for `client`, from sign-in to the token endpoint. */
export async function tokensFor(options: Omit<AuthorizeOptions, "challenge">): Promise<Tokens> {
  const { code, verifier } = await authorize(options);
  const res = await exchange(options.client, code, verifier);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Tokens;
}

export function refresh(client: Client, refreshToken: string, extra: Record<string, string> = {}) {
  return postForm("/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: client.client_id,
    ...extra,
  });
}
