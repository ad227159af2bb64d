// An authorization request to this site's OAuth server (RFC 6749 4.1.1 with PKCE, RFC
// 7636, and a resource indicator, RFC 8707; docs/mcp.md, OAuth), checked as OAuth 2.1
// says: an unknown client or a redirect URI it did not register is answered here and
// never redirected to; any other fault goes back to the client's redirect URI as an
// error. And the tickets that carry a checked request through the sign-in page's steps.
import type { Context } from "hono";
import { sign, verify } from "hono/jwt";
import { parseScope, redirectUriMatches } from "../../core/auth/oauth-rules";
import { CODE_CHALLENGE, OAUTH_CLIENT_ID } from "../../core/auth/oauth-tokens";
import { findOAuthClient } from "../../core/db/oauth-clients";
import type { AppEnv } from "./app-env";
import { issuerOf, mcpResourceOf } from "./oauth-server";
import { ProblemError } from "./problem";

/** The request's parameters as a client sends them (query, or the sign-in form's hidden fields). */
export interface AuthorizationParams {
  client_id: string;
  redirect_uri: string;
  response_type?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  scope?: string;
  state?: string;
  resource?: string;
}

/** A checked request. */
export interface AuthorizationRequest {
  clientId: string;
  clientName: string;
  redirectUri: string;
  codeChallenge: string;
  /** The scopes asked for (none: the default set is offered: src/core/auth/oauth-rules.ts). */
  scopes: string[];
  resource: string;
  state: string | null;
}

/** A fault to send back to the client's redirect URI (RFC 6749 4.1.2.1). */
export interface RedirectedError {
  redirect: string;
}

function badParameter(field: string, message: string, where: "query" | "body"): ProblemError {
  const detail = `${where} field "${field}": ${message}`;
  return new ProblemError("validation", detail, {
    errors: [{ in: where, field, message }],
    error: "invalid_request",
    error_description: detail,
  });
}

/** The client's redirect URI with `params` and the issuer (RFC 9207) added. */
export function redirectTo(c: Context<AppEnv>, redirectUri: string, params: Record<string, string | null>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.set(name, value);
  url.searchParams.set("iss", issuerOf(c));
  return url.toString();
}

/**
 * Checks a request: throws a 400 for an unknown client or an unregistered redirect URI;
 * answers the redirect of any other fault; or the checked request.
 */
export async function checkAuthorization(
  c: Context<AppEnv>,
  params: AuthorizationParams,
  where: "query" | "body",
): Promise<AuthorizationRequest | RedirectedError> {
  const client = OAUTH_CLIENT_ID.test(params.client_id) ? await findOAuthClient(c.env.DB, params.client_id) : null;
  if (!client) throw badParameter("client_id", "no such client; register it first (POST /oauth/register)", where);
  if (!redirectUriMatches(client.redirectUris, params.redirect_uri)) {
    throw badParameter("redirect_uri", "not a redirect URI this client registered", where);
  }
  const state = params.state ?? null;
  const fail = (error: string, description: string): RedirectedError => ({
    redirect: redirectTo(c, params.redirect_uri, { error, error_description: description, state }),
  });
  if (params.response_type !== "code") return fail("unsupported_response_type", "response_type must be code");
  if (!params.code_challenge || !CODE_CHALLENGE.test(params.code_challenge)) {
    return fail("invalid_request", "code_challenge is required (PKCE, S256: 43 base64url characters)");
  }
  if (params.code_challenge_method !== "S256") {
    return fail("invalid_request", "code_challenge_method must be S256");
  }
  const { scopes, unknown } = parseScope(params.scope);
  if (unknown.length > 0) return fail("invalid_scope", `unknown scope: ${unknown.join(" ")}`);
  const resource = mcpResourceOf(c);
  if (params.resource !== undefined && params.resource !== resource) {
    return fail("invalid_target", `resource must be ${resource}`);
  }
  return {
    clientId: client.clientId,
    clientName: client.clientName,
    redirectUri: params.redirect_uri,
    codeChallenge: params.code_challenge,
    scopes,
    resource,
    state,
  };
}

// --- the sign-in page's tickets -------------------------------------------------

/** How long a ticket lasts: time to type a code, or to read the consent page. */
export const TICKET_TTL_SECONDS = 600;
const AUDIENCE = "dify-agent:oauth-authorize";

/**
 * What the page's next step needs, signed (HS256, SESSION_SECRET, its own audience): the
 * checked request, the tenant and member who proved their password, and for consent the
 * scopes they may grant. `mfa`: their code is still to come; `consent`: signed in.
 */
export interface Ticket {
  stage: "mfa" | "consent";
  tenantId: string;
  userId: string;
  request: AuthorizationRequest;
  /** The scopes the member may consent to (consent only). */
  offered: string[];
}

export async function issueTicket(c: Context<AppEnv>, ticket: Ticket): Promise<string> {
  const now = Math.floor(c.var.clock() / 1000);
  return sign({ ...ticket, aud: AUDIENCE, iat: now, exp: now + TICKET_TTL_SECONDS }, c.env.SESSION_SECRET, "HS256");
}

/** The ticket of `stage`, or a 400 naming the field (unknown, tampered, expired, another step's). */
export async function readTicket(c: Context<AppEnv>, token: string, stage: Ticket["stage"]): Promise<Ticket> {
  try {
    const payload = (await verify(token, c.env.SESSION_SECRET, { alg: "HS256", aud: AUDIENCE })) as unknown as Ticket;
    if (payload.stage === stage && typeof payload.userId === "string" && payload.request) return payload;
  } catch {
    // Answered below, as any ticket that is not this step's.
  }
  throw badParameter("ticket", "expired or not valid; start the authorization again", "body");
}
