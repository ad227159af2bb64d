// /v1/oauth/{platform}/start?state=...: the authorize URL that connect hands out. The
// platform's own authorize URL is never given to the caller; a browser reaches it only
// through here, bound to the flow by a cookie (docs/publishing.md, "OAuth binding"):
// - its cookie is the one connect set (a page of this site asked): on to the platform;
// - no browser has opened it yet (an API client handed it to someone): this browser
//   claims it (the cookie) and is shown this site's page naming the tenant and the
//   member who asked. Only a POST of that page's form, with a token bound to the
//   cookie, goes on to the platform; a GET never does, here or on a later visit;
// - another browser claimed it: refused.
// Whoever the link reaches first can claim it (docs/publishing.md, "Residual risks" of the OAuth
// binding): the page is there so that they see where their account would go.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { tenantOfState } from "../../core/auth/oauth-state";
import { scopeOn, type TenantScope } from "../../core/db/tenant-scope";
import { findTenant, type TenantRow } from "../../core/db/tenants";
import { placementOf } from "../../core/placement/directory";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import {
  bindingHash,
  consentToken,
  isConsentToken,
  newBinding,
  presentedSecret,
  setBindingCookie,
} from "../http/oauth-binding";
import { consentPageHeaders, maskEmail, renderConsentPage } from "../http/oauth-consent-page";
import { starterRefused, starterStanding } from "../http/oauth-starter";
import { ProblemError } from "../http/problem";
import { PlatformParam } from "../http/publishing-schemas";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset, type TenantObjectClient, tenantObjectAt } from "../objects";

const StateField = z.string().min(1).max(200);
const StartQuery = z.object({ state: StateField });
const ConsentForm = z.object({ state: StateField, token: z.string().min(1).max(100) });

/**
 * The form's POST is URL-encoded and nothing else: refused before Hono's form parser,
 * which answers a malformed multipart body with a 400 naming no field.
 */
const formOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new ProblemError("unsupportedMediaType", "Send the consent page's form (application/x-www-form-urlencoded)");
  }
  await next();
};

const getRoute = createRoute({
  method: "get",
  path: "/v1/oauth/{platform}/start",
  operationId: "start_platform_authorization",
  security: [],
  tags: ["Social accounts"],
  summary: "Open in the user's browser: on to the platform, or first a page naming who asked and for which tenant",
  description:
    "The authorize_url of POST /v1/social-accounts/{platform}/connect. The browser that called connect from a page of this site goes on to the platform at once. Otherwise the first browser to open it claims it (an HttpOnly __Host- cookie) and gets an HTML page naming the tenant, the member who asked (masked) and the platform, whose form (POST to this path) continues. Any other browser is refused.",
  middleware: [consentPageHeaders],
  request: { params: PlatformParam, query: StartQuery },
  responses: {
    200: {
      description: "The consent page (HTML; with Set-Cookie when this browser claimed the state)",
      content: { "text/html": { schema: z.string() } },
    },
    302: { description: "On to the platform's authorize page (the browser that called connect)" },
    400: problemResponseSpec(
      "Unknown, used or expired state (or its tenant is unknown or stopped), or the connection was opened in another browser",
    ),
    403: problemResponseSpec("The member who asked may no longer connect accounts"),
  },
});

const postRoute = createRoute({
  method: "post",
  path: "/v1/oauth/{platform}/start",
  operationId: "confirm_platform_authorization",
  security: [],
  tags: ["Social accounts"],
  summary: "The consent page's form: this browser confirms, and goes on to the platform",
  description:
    "Only from the browser the state is bound to (its __Host- cookie) with the page's token; anything else is refused and changes nothing.",
  middleware: [consentPageHeaders, formOnly],
  request: {
    params: PlatformParam,
    body: { content: { "application/x-www-form-urlencoded": { schema: ConsentForm } }, required: true },
  },
  responses: {
    302: { description: "On to the platform's authorize page" },
    400: problemResponseSpec(
      "Unknown, used or expired state; no binding cookie, another browser's, or a token that is not this page's",
    ),
    403: problemResponseSpec("The member who asked may no longer connect accounts"),
    415: problemResponseSpec("Not the page's URL-encoded form"),
  },
});

function unknownState(where: "query" | "body"): ProblemError {
  return new ProblemError(
    "validation",
    `${where} field "state": unknown, used or expired; start the connection again`,
    {
      errors: [{ in: where, field: "state", message: "unknown, used or expired" }],
    },
  );
}

function otherBrowser(where: "query" | "body"): ProblemError {
  return new ProblemError(
    "validation",
    "This connection was opened in another browser; ask for a new link, or start the connection again from this one",
    { errors: [{ in: where, field: "state", message: "bound to another browser" }] },
  );
}

interface Flow {
  tenant: TenantRow;
  scope: TenantScope;
  object: TenantObjectClient;
}

/**
 * The tenant the state names, placed and active. A state naming no tenant, or one
 * that is unknown or stopped, is a state nobody can use: 400 like any unknown state.
 */
async function flowOf(c: Context<AppEnv>, state: string, where: "query" | "body"): Promise<Flow> {
  const tenantId = tenantOfState(state);
  const placement = tenantId ? await placementOf(c.env, tenantId) : null;
  if (!tenantId || !placement) throw unknownState(where);
  const tenant = await findTenant(c.env.DB, tenantId);
  if (tenant?.status !== "active") throw unknownState(where);
  return { tenant, scope: scopeOn(c.env, placement), object: await tenantObjectAt(c.env, placement) };
}

function toPlatform(c: Context<AppEnv>, authorizeUrl: string): Response {
  c.header("Cache-Control", "no-store");
  return c.redirect(authorizeUrl, 302);
}

export const oauthStartRoutes = createRouter()
  .openapi(getRoute, async (c) => {
    const { platform } = c.req.valid("param");
    const { state } = c.req.valid("query");
    const { tenant, scope, object } = await flowOf(c, state, "query");
    const presented = await presentedSecret(c, state);
    const presentedHash = presented ? await bindingHash(presented) : null;
    const claim = await newBinding();
    const outcome = await retryOnReset(object, "startOAuthState", state, platform, presentedHash, claim.hash);
    if (outcome.kind === "unknown") throw unknownState("query");
    if (outcome.kind === "refused") throw otherBrowser("query");
    if (outcome.kind === "bound") return toPlatform(c, outcome.authorizeUrl);
    const standing = await starterStanding(scope, outcome.starter, c.var.clock());
    if (!standing.ok) throw starterRefused(standing);
    const secret = outcome.claimed ? claim.secret : (presented as string);
    if (outcome.claimed) await setBindingCookie(c, state, claim.secret, outcome.expiresAtMs);
    c.header("Cache-Control", "no-store");
    const page = renderConsentPage({
      platform,
      tenantName: tenant.name,
      askedBy: maskEmail(standing.email),
      state,
      token: await consentToken(secret, state),
      nonce: c.get("secureHeadersNonce") ?? "",
    });
    return c.html(page, 200);
  })
  .openapi(postRoute, async (c) => {
    const { platform } = c.req.valid("param");
    const { state, token } = c.req.valid("form");
    // A browser says where a request comes from; this page's own form is same-origin.
    const site = c.req.header("Sec-Fetch-Site");
    if (site !== undefined && site !== "same-origin") {
      throw new ProblemError("validation", "Confirm on this site's own page", {
        errors: [{ in: "header", field: "Sec-Fetch-Site", message: "not same-origin" }],
      });
    }
    const { scope, object } = await flowOf(c, state, "body");
    const secret = await presentedSecret(c, state);
    if (!secret) throw otherBrowser("body");
    if (!(await isConsentToken(secret, state, token))) {
      throw new ProblemError("validation", 'body field "token": not the token of this browser\'s page', {
        errors: [{ in: "body", field: "token", message: "not the token of this browser's page" }],
      });
    }
    const hash = await bindingHash(secret);
    const outcome = await retryOnReset(object, "consentOAuthState", state, platform, hash);
    if (outcome.kind === "unknown") throw unknownState("body");
    if (outcome.kind === "refused") throw otherBrowser("body");
    const standing = await starterStanding(scope, outcome.starter, c.var.clock());
    if (!standing.ok) throw starterRefused(standing);
    return toPlatform(c, outcome.authorizeUrl);
  });
