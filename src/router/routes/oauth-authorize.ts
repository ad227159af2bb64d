// /oauth/authorize: this site's authorization endpoint for MCP clients (docs/mcp.md,
// OAuth). GET checks the request (./../http/oauth-authorization.ts) and shows the sign-in
// page; its form posts here, in steps:
// - sign_in: tenant, e-mail and password, checked as POST /v1/auth/login checks them
//   (the same throttle, the same answer whatever was wrong) but starting no session;
// - totp: the member's current code, when MFA is on (the same per-user code throttle);
// - approve or deny on the consent page: the scopes ticked (never more than the member's
//   role allows: src/core/auth/oauth-rules.ts) become a single-use code bound to the
//   client, its redirect URI, the PKCE challenge and /mcp, kept by the tenant's object;
//   the browser goes back to the client's redirect URI with it (303, with state and iss).
// Each step after the first carries a signed ticket of what was checked before it.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { offeredScopes } from "../../core/auth/oauth-rules";
import { decoyPasswordHash, passwordIterations, verifyPassword } from "../../core/auth/passwords";
import { findOAuthClient } from "../../core/db/oauth-clients";
import { scopeOn } from "../../core/db/tenant-scope";
import { findTenant, type TenantRow } from "../../core/db/tenants";
import { findUserByEmail, getUser, type UserRow } from "../../core/db/users";
import { placementOfRow } from "../../core/placement/directory";
import { beginPasswordAttempt, finishPasswordAttempt } from "../auth/password-attempt";
import type { AppEnv } from "../http/app-env";
import { auditActor, commitAudited } from "../http/audit";
import {
  type AuthorizationParams,
  type AuthorizationRequest,
  checkAuthorization,
  issueTicket,
  readTicket,
  redirectTo,
  type Ticket,
} from "../http/oauth-authorization";
import { consentPage, pageHeaders, signInPage, totpPage } from "../http/oauth-authorize-page";
import { maskEmail } from "../http/oauth-consent-page";
import { createOAuthRouter, urlEncodedOnly } from "../http/oauth-server";
import { ProblemError } from "../http/problem";
import { problemResponseSpec } from "../http/schemas";
import { tenantObjectAt } from "../objects";
import { checkCredentials, totpAccepted } from "./auth";

const text = (max: number) => z.string().max(max);

const AuthorizeQuery = z.object({
  client_id: text(100),
  redirect_uri: text(2000),
  response_type: text(50).optional(),
  code_challenge: text(200).optional(),
  code_challenge_method: text(50).optional(),
  scope: text(2000).optional(),
  state: text(1000).optional(),
  resource: text(2000).optional(),
});

const AuthorizeForm = z.object({
  action: z.enum(["sign_in", "totp", "approve", "deny"]),
  // sign_in: the request's parameters (hidden fields) and the member's credentials.
  client_id: text(100).optional(),
  redirect_uri: text(2000).optional(),
  response_type: text(50).optional(),
  code_challenge: text(200).optional(),
  code_challenge_method: text(50).optional(),
  scope: text(2000).optional(),
  state: text(1000).optional(),
  resource: text(2000).optional(),
  tenant_id: text(100).optional(),
  email: text(320).optional(),
  password: text(256).optional(),
  // totp, approve, deny: the ticket of the step before.
  ticket: text(8000).optional(),
  totp: text(20).optional(),
  grant: z.union([text(100), z.array(text(100)).max(50)]).optional(),
});

const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });

const getRoute = createRoute({
  method: "get",
  path: "/oauth/authorize",
  operationId: "start_oauth_authorization",
  security: [],
  tags: ["MCP authorization"],
  summary: "An MCP client's authorization request (code, PKCE S256): the sign-in page",
  description:
    "RFC 6749 4.1.1 with PKCE (RFC 7636, S256 only) and a resource indicator (RFC 8707: this site's /mcp, the default). An unknown client_id or a redirect_uri the client did not register is answered 400 here; any other fault is sent to the redirect_uri (error, error_description, state, iss).",
  request: { query: AuthorizeQuery },
  responses: {
    200: html("The sign-in page"),
    302: { description: "Back to the client's redirect_uri with an error" },
    400: problemResponseSpec("Unknown client, or a redirect_uri it did not register (never redirected to)"),
  },
});

const postRoute = createRoute({
  method: "post",
  path: "/oauth/authorize",
  operationId: "confirm_oauth_authorization",
  security: [],
  tags: ["MCP authorization"],
  summary: "The sign-in page's form: sign in, the TOTP code, then allow or deny",
  middleware: [urlEncodedOnly("the sign-in page's form")],
  description:
    "action sign_in (the request's parameters, tenant_id, email, password), totp (ticket, totp) or approve / deny (ticket, grant: the scopes ticked). A wrong password or code shows the page again. Approving sends the browser to the redirect_uri with a single-use code (five minutes).",
  request: {
    body: { content: { "application/x-www-form-urlencoded": { schema: AuthorizeForm } }, required: true },
  },
  responses: {
    200: html("The page of the next step, or the same one again with what was wrong"),
    303: { description: "Back to the client's redirect_uri: code (approved) or error (denied), with state and iss" },
    400: problemResponseSpec(
      "Unknown client or unregistered redirect_uri, a missing field, or a ticket that is not valid",
    ),
    415: problemResponseSpec("Not the page's URL-encoded form"),
    429: problemResponseSpec("Too many failed sign-in attempts; see Retry-After"),
  },
});

const WRONG = "The tenant, e-mail, password or code is not correct";

function frameOf(request: AuthorizationRequest) {
  return { clientName: request.clientName, redirectUri: request.redirectUri };
}

/** The consent page of a member who proved who they are. */
async function consent(c: Context<AppEnv>, tenant: TenantRow, user: UserRow, request: AuthorizationRequest) {
  const offered = offeredScopes(user.role, request.scopes);
  if (offered.length === 0) {
    return c.redirect(
      redirectTo(c, request.redirectUri, {
        error: "invalid_scope",
        error_description: "the member can grant none of the scopes asked",
        state: request.state,
      }),
      303,
    );
  }
  const ticket = await issueTicket(c, {
    stage: "consent",
    tenantId: tenant.tenant_id,
    userId: user.user_id,
    request,
    offered,
  });
  const nonce = pageHeaders(c, request.redirectUri);
  return c.html(
    consentPage(
      nonce,
      { ...frameOf(request), tenantName: tenant.name, memberEmail: maskEmail(user.email) },
      ticket,
      offered,
      null,
    ),
    200,
  );
}

/** The tenant a ticket names, while it is active (a stopped tenant grants nothing). */
async function activeTenant(c: Context<AppEnv>, tenantId: string) {
  const tenant = await findTenant(c.env.DB, tenantId);
  const placement = tenant ? placementOfRow(tenant) : null;
  if (tenant?.status !== "active" || !placement) return null;
  return { tenant, placement };
}

async function signIn(c: Context<AppEnv>, form: z.infer<typeof AuthorizeForm>) {
  const params: AuthorizationParams = {
    client_id: form.client_id ?? "",
    redirect_uri: form.redirect_uri ?? "",
    response_type: form.response_type,
    code_challenge: form.code_challenge,
    code_challenge_method: form.code_challenge_method,
    scope: form.scope,
    state: form.state,
    resource: form.resource,
  };
  const checked = await checkAuthorization(c, params, "body");
  if ("redirect" in checked) return c.redirect(checked.redirect, 303);
  const again = (error: string) => {
    const nonce = pageHeaders(c, checked.redirectUri);
    return c.html(
      signInPage(nonce, frameOf(checked), params, { tenantId: form.tenant_id, email: form.email, error }),
      200,
    );
  };
  const email = form.email ?? "";
  const password = form.password ?? "";
  const found = form.tenant_id ? await activeTenant(c, form.tenant_id) : null;
  if (!found || email === "" || password === "") {
    // Same work and the same answer as a wrong password.
    await verifyPassword(password || "-", decoyPasswordHash(passwordIterations(c.env)));
    return again(WRONG);
  }
  const { tenant, placement } = found;
  const object = await tenantObjectAt(c.env, placement);
  const attempt = await beginPasswordAttempt(c, object, email);
  const user = await findUserByEmail(scopeOn(c.env, placement), email);
  let outcome: Awaited<ReturnType<typeof checkCredentials>> = null;
  try {
    outcome = await checkCredentials(c, user, tenant, { tenant_id: tenant.tenant_id, email, password });
  } finally {
    // "proven": the failures of this address are forgotten, and no session starts.
    await finishPasswordAttempt(object, attempt, outcome ? { kind: "proven" } : { kind: "failed" });
  }
  if (!outcome) return again(WRONG);
  if (outcome.mfaMissing) {
    const ticket = await issueTicket(c, {
      stage: "mfa",
      tenantId: tenant.tenant_id,
      userId: outcome.user.user_id,
      request: checked,
      offered: [],
    });
    return c.html(totpPage(pageHeaders(c, checked.redirectUri), frameOf(checked), ticket, null), 200);
  }
  return consent(c, tenant, outcome.user, checked);
}

async function secondFactor(c: Context<AppEnv>, form: z.infer<typeof AuthorizeForm>) {
  const token = form.ticket ?? "";
  const ticket = await readTicket(c, token, "mfa");
  const found = await activeTenant(c, ticket.tenantId);
  const user = found ? await getUser(scopeOn(c.env, found.placement), ticket.userId) : null;
  const code = /^\d{6}$/.test(form.totp ?? "") ? (form.totp as string) : null;
  if (!found || !user || user.status !== "active" || user.mfa_enabled !== 1) {
    throw new ProblemError("unauthenticated", WRONG);
  }
  if (!code || !(await totpAccepted(c, found.tenant, user, code))) {
    const nonce = pageHeaders(c, ticket.request.redirectUri);
    return c.html(totpPage(nonce, frameOf(ticket.request), token, WRONG), 200);
  }
  return consent(c, found.tenant, user, ticket.request);
}

async function decide(c: Context<AppEnv>, form: z.infer<typeof AuthorizeForm>, approve: boolean) {
  const ticket: Ticket = await readTicket(c, form.ticket ?? "", "consent");
  const { request } = ticket;
  if (!approve) {
    return c.redirect(
      redirectTo(c, request.redirectUri, {
        error: "access_denied",
        error_description: "the member denied the request",
        state: request.state,
      }),
      303,
    );
  }
  const ticked = form.grant === undefined ? [] : Array.isArray(form.grant) ? form.grant : [form.grant];
  const scopes = ticket.offered.filter((scope) => ticked.includes(scope));
  const found = await activeTenant(c, ticket.tenantId);
  const client = await findOAuthClient(c.env.DB, request.clientId);
  if (!found || !client) throw new ProblemError("unauthenticated", WRONG);
  if (scopes.length === 0) {
    const user = await getUser(scopeOn(c.env, found.placement), ticket.userId);
    if (!user) throw new ProblemError("unauthenticated", WRONG);
    const nonce = pageHeaders(c, request.redirectUri);
    return c.html(
      consentPage(
        nonce,
        { ...frameOf(request), tenantName: found.tenant.name, memberEmail: maskEmail(user.email) },
        form.ticket as string,
        ticket.offered,
        "Tick at least one, or deny.",
      ),
      200,
    );
  }
  const object = await tenantObjectAt(c.env, found.placement);
  const { code } = await object.issueOAuthCode({
    userId: ticket.userId,
    clientId: client.clientId,
    clientName: client.clientName,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    scopes,
    resource: request.resource,
  });
  const scope = scopeOn(c.env, found.placement);
  await commitAudited(
    c,
    scope.db,
    [],
    {
      action: "oauth.consent",
      resourceType: "oauth_client",
      resourceId: client.clientId,
      metadata: { client_name: client.clientName, scopes, resource: request.resource },
    },
    { ...auditActor(c), tenantId: ticket.tenantId, userId: ticket.userId },
  );
  return c.redirect(redirectTo(c, request.redirectUri, { code, state: request.state }), 303);
}

export const oauthAuthorizeRoutes = createOAuthRouter()
  .openapi(getRoute, async (c) => {
    const params = c.req.valid("query");
    const checked = await checkAuthorization(c, params, "query");
    if ("redirect" in checked) return c.redirect(checked.redirect, 302);
    const nonce = pageHeaders(c, checked.redirectUri);
    return c.html(signInPage(nonce, frameOf(checked), params, { error: null }), 200);
  })
  .openapi(postRoute, async (c) => {
    const form = c.req.valid("form");
    if (form.action === "sign_in") return signIn(c, form);
    if (form.action === "totp") return secondFactor(c, form);
    return decide(c, form, form.action === "approve");
  });
