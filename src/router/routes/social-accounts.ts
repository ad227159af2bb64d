// Social accounts: start an OAuth connection, list, read, disconnect. Tokens are
// stored encrypted and never appear in any response.

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { newState } from "../../core/auth/oauth-state";
import { isoNow } from "../../core/clock";
import { idPattern } from "../../core/db/ids";
import { cancelAccountSchedules } from "../../core/db/publish-requests";
import {
  disconnectAccount,
  getAccount,
  listAccounts,
  type SocialAccountRow,
  toSocialAccount,
} from "../../core/db/social-accounts";
import { platformAdapter } from "../../core/platforms";
import { linkedInPostAnalyticsOn } from "../../core/platforms/config";
import { notConfiguredMessage, platformReach } from "../../core/platforms/mode";
import { codeChallenge, generateCodeVerifier } from "../../core/platforms/pkce";
import { PLATFORMS } from "../../core/platforms/types";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { newBinding, setBindingCookie } from "../http/oauth-binding";
import { ProblemError } from "../http/problem";
import { PlatformParam, SocialAccountSchema } from "../http/publishing-schemas";
import { caller, callerObject } from "../http/request-context";
import { RETURN_TO_MAX_LENGTH, sameSitePath } from "../http/return-to";
import { problemResponseSpec } from "../http/schemas";

const security = [{ bearerAuth: [] }];
const errors = {
  400: problemResponseSpec("Invalid input"),
  401: problemResponseSpec("No valid credential"),
  403: problemResponseSpec("Role or scope does not allow it"),
};
const AccountParams = z.object({
  id: z
    .string()
    .regex(idPattern("socialAccount"), "a social account id (acc_...)")
    .openapi({ param: { name: "id", in: "path" } }),
});

const ConnectBody = z
  .object({
    return_to: z
      .string()
      .max(RETURN_TO_MAX_LENGTH)
      .refine((value) => sameSitePath(value) !== null, "a path on this site, starting with a single /")
      .optional()
      .openapi({
        description:
          "Where the browser goes after the callback: a path on this site (normalised, then checked); otherwise the callback answers JSON",
      }),
    login_hint: z.string().min(1).max(64).optional().openapi({
      description:
        "Sandbox only: the sandbox user the sandbox's sign-in page fills in (signing in as it still takes its password)",
    }),
  })
  .openapi("ConnectAccount");

const Connection = z
  .object({
    authorize_url: z.string().openapi({
      description:
        "Send the user's browser here: this site's start URL (GET /v1/oauth/{platform}/start). The browser that called connect from a page of this site goes on to the platform; any other browser that opens it first claims the flow and is shown a page naming the tenant and who asked, which it must confirm",
    }),
    state: z.string(),
    expires_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("AccountConnection");

/** What this deployment may read of platforms that need an approval (an account's unavailable_metrics). */
function metricReads(env: Env): { linkedInPostAnalytics: boolean } {
  return { linkedInPostAnalytics: linkedInPostAnalyticsOn(env) };
}

async function visibleAccount(c: Context<AppEnv>, id: string): Promise<SocialAccountRow> {
  const row = await getAccount(caller(c).scope, id);
  if (!row) throw new ProblemError("notFound", "No such social account");
  return row;
}

const connectRoute = createRoute({
  method: "post",
  path: "/v1/social-accounts/{platform}/connect",
  operationId: "connect_account",
  tags: ["Social accounts"],
  summary: "Start connecting an account: a start URL for the user's browser, with a single-use state valid 10 minutes",
  description:
    "The answer also sets an HttpOnly __Host- cookie binding the flow to the calling browser. A page of this site calling it (Sec-Fetch-Site: same-origin) is bound at once; otherwise the first browser that opens authorize_url claims the flow and must confirm on this site's page, which names the tenant and the member who asked. The callback completes only in the bound browser, and only while the member (and the key) that asked may still connect accounts.",
  security,
  middleware: guard("accounts.manage", { action: "social_account.connect_start", resource: "social_account" }),
  request: {
    params: PlatformParam,
    body: { content: { "application/json": { schema: ConnectBody } }, required: false },
  },
  responses: {
    201: { description: "Authorize here", content: { "application/json": { schema: Connection } } },
    409: problemResponseSpec("The platform is not configured in this deployment (platform-not-configured)"),
    ...errors,
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/social-accounts",
  operationId: "list_accounts",
  tags: ["Social accounts"],
  summary: "The tenant's social accounts",
  security,
  middleware: guard("accounts.read", { action: "social_account.list", resource: "social_account" }),
  request: {
    query: PageQuery.extend({
      platform: z.enum(PLATFORMS).optional(),
      status: z.enum(["active", "expired", "revoked", "error"]).optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of accounts",
      content: { "application/json": { schema: pageSchema(SocialAccountSchema, "SocialAccountPage") } },
    },
    ...errors,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/social-accounts/{id}",
  operationId: "get_account",
  tags: ["Social accounts"],
  summary: "One social account",
  security,
  middleware: guard("accounts.read", { action: "social_account.read", resource: "social_account", idParam: "id" }),
  request: { params: AccountParams },
  responses: {
    200: { description: "The account", content: { "application/json": { schema: SocialAccountSchema } } },
    404: problemResponseSpec("No such account in this tenant"),
    ...errors,
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/v1/social-accounts/{id}",
  operationId: "disconnect_account",
  tags: ["Social accounts"],
  summary: "Disconnect: tokens erased, scheduled posts of the account cancelled",
  security,
  middleware: guard("accounts.manage", {
    action: "social_account.disconnect",
    resource: "social_account",
    idParam: "id",
  }),
  request: { params: AccountParams },
  responses: {
    200: { description: "Disconnected", content: { "application/json": { schema: SocialAccountSchema } } },
    404: problemResponseSpec("No such account in this tenant"),
    ...errors,
  },
});

const AccountCursor = z.object({ id: z.string() });

export const socialAccountsRoutes = createRouter()
  .openapi(connectRoute, async (c) => {
    const { user } = caller(c);
    const { platform } = c.req.valid("param");
    const body = c.req.valid("json") ?? {};
    const reach = platformReach(c.env, platform);
    if (reach.kind === "not_configured") {
      throw new ProblemError("platformNotConfigured", notConfiguredMessage(platform), { platform });
    }
    const origin = new URL(c.req.url).origin;
    const adapter = platformAdapter(c.env, platform, origin);
    const verifier = adapter.usesPkce ? generateCodeVerifier() : null;
    const redirectUri = `${origin}/v1/oauth/${platform}/callback`;
    const object = await callerObject(c);
    const state = newState(user.tenantId);
    const authorize = new URL(
      adapter.authorizeUrl({ state, redirectUri, codeChallenge: verifier ? await codeChallenge(verifier) : null }),
    );
    if (body.login_hint && reach.kind === "sandbox") authorize.searchParams.set("login_hint", body.login_hint);
    const binding = await newBinding();
    const { expiresAtMs } = await object.createOAuthState({
      state,
      platform,
      userId: user.userId,
      // The callback checks this member, and this key, are still allowed (src/router/http/oauth-starter.ts).
      keyId: user.keyId,
      redirectUri,
      returnTo: body.return_to ? sameSitePath(body.return_to) : null,
      codeVerifier: verifier,
      authorizeUrl: authorize.toString(),
      bindingHash: binding.hash,
      // A page of this site (browsers send Sec-Fetch-Site) is bound at once. Claiming
      // for a caller that only pretends to be one locks out nobody but that caller.
      claimed: c.req.header("Sec-Fetch-Site") === "same-origin",
    });
    // An API client's cookie goes nowhere: the first browser to open the start URL claims it.
    await setBindingCookie(c, state, binding.secret, expiresAtMs);
    const start = new URL(`/v1/oauth/${platform}/start`, origin);
    start.searchParams.set("state", state);
    return c.json({ authorize_url: start.toString(), state, expires_at: new Date(expiresAtMs).toISOString() }, 201);
  })
  .openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const page = await listAccounts(caller(c).scope, {
      afterId: decodeCursor(query.cursor, AccountCursor)?.id,
      limit: query.limit,
      platform: query.platform,
      status: query.status,
    });
    return c.json(
      pageOf(
        page.rows.map((row) => toSocialAccount(row, metricReads(c.env), c.var.clock())),
        page.hasMore,
        (last) => ({ id: last.id }),
      ),
      200,
    );
  })
  .openapi(getRoute, async (c) =>
    c.json(toSocialAccount(await visibleAccount(c, c.req.valid("param").id), metricReads(c.env), c.var.clock()), 200),
  )
  .openapi(deleteRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const row = await visibleAccount(c, id);
    const now = isoNow(c.var.clock);
    // The schedule goes first: a post must not fire on an account being disconnected.
    const object = await callerObject(c);
    await object.accountDisconnected(id);
    await commitAudited(c, scope.db, [disconnectAccount(scope, id, now), cancelAccountSchedules(scope, id, now)], {
      action: "social_account.disconnect",
      resourceType: "social_account",
      resourceId: id,
      metadata: { platform: row.platform },
    });
    await object.accountDisconnected(id);
    const disconnected = { ...row, status: "revoked" as const, last_error: "disconnected", updated_at: now };
    return c.json(toSocialAccount(disconnected, metricReads(c.env), c.var.clock()), 200);
  });
