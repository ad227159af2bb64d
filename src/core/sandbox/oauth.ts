// The sandbox's OAuth: an authorize page that asks who signs in and whether to approve
// (consent-page.ts), code redemption with optional PKCE, and
// refresh that keeps or rotates refresh tokens the way each platform does.

import { REGISTERED_CLIENT } from "./client";
import { consentPage, signIn } from "./consent-page";
import { faulty, formOf, type SandboxContext } from "./context";
import { deadGrant } from "./dialects";
import { verifierMatches } from "./pkce-check";

/** How long a refresh token lives from its grant (LinkedIn's 365 days; X's rotate before then). */
const REFRESH_TTL_SECONDS = 365 * 86_400;

/** Lifetimes of access tokens per platform (seconds; null: no expiry). */
export const ACCESS_TTL = { linkedin: 60 * 86_400, twitter: 7200, facebook: null, instagram: 60 * 86_400 } as const;

/**
 * The one redirect URI registered for the sandbox client: this origin's callback, as
 * a real platform allows only the redirect URIs registered for the app.
 */
export function registeredRedirectUri(url: URL, platform: SandboxContext["platform"]): string {
  return `${url.origin}/v1/oauth/${platform}/callback`;
}

/** An authorize request's parameters: the query of the GET, the form of the page's POST. */
export async function authorizeParams(request: Request): Promise<URLSearchParams> {
  return request.method === "POST" ? formOf(request) : new URL(request.url).searchParams;
}

/**
 * Authorize, as a platform's page: the GET shows the sign-in and consent page
 * (consent-page.ts), with `login_hint` as the user's name filled in; its POST signs the
 * user in with the password given and, approved, redirects to the registered
 * redirect_uri with a code and the state; denied, with error=access_denied (RFC 6749
 * section 4.1.2.1). `params`: the request's, when the caller read them already.
 */
export async function authorize(
  ctx: SandboxContext,
  request: Request,
  requirePkce: boolean,
  given?: URLSearchParams,
): Promise<Response> {
  const url = new URL(request.url);
  const params = given ?? (await authorizeParams(request));
  const redirectUri = params.get("redirect_uri");
  if (params.get("client_id") !== REGISTERED_CLIENT.id || !redirectUri) {
    return new Response("Unknown client_id or missing redirect_uri", { status: 400 });
  }
  if (redirectUri !== registeredRedirectUri(url, ctx.platform)) {
    return new Response("redirect_uri is not registered for this client", { status: 400 });
  }
  const challenge = params.get("code_challenge");
  if (requirePkce && (!challenge || params.get("code_challenge_method") !== "S256")) {
    return new Response("PKCE (S256) is required", { status: 400 });
  }
  if (request.method !== "POST") return consentPage(ctx, params, url.pathname);
  // The answer to the app: the code (or the error), then the state it sent.
  const answer = (fields: Record<string, string>) => {
    const target = new URL(redirectUri);
    for (const [name, value] of Object.entries(fields)) target.searchParams.set(name, value);
    const state = params.get("state");
    if (state !== null) target.searchParams.set("state", state);
    return Response.redirect(target.toString(), 302);
  };
  const decision = params.get("decision");
  if (decision === "deny") {
    return answer({ error: "access_denied", error_description: "The user denied the app's request" });
  }
  if (decision !== "approve") return consentPage(ctx, params, url.pathname, "Approve or deny the request.", 400);
  const userId = (params.get("sandbox_user") ?? "").trim();
  const refused = await signIn(ctx, userId, params.get("sandbox_password") ?? "");
  if (refused) return consentPage(ctx, params, url.pathname, refused, 401);
  ctx.store.count("authorize", userId);
  // The user grants what the app asked for (LinkedIn and X separate scopes with
  // spaces, Meta with commas); every token issued from the code carries them.
  const scopes = grantedScopes(params.get("scope"));
  return answer({ code: ctx.store.issueCode(userId, redirectUri, challenge, scopes.join(" ")) });
}

/** A scope parameter as a list, whichever separator the platform uses. */
export function grantedScopes(value: string | null): string[] {
  return (value ?? "").split(/[ ,]+/).filter(Boolean);
}

function clientOk(form: URLSearchParams, request: Request): boolean {
  const basic = request.headers.get("Authorization");
  if (basic?.startsWith("Basic ")) {
    const [id, secret] = atob(basic.slice(6)).split(":").map(decodeURIComponent);
    return id === REGISTERED_CLIENT.id && secret === REGISTERED_CLIENT.secret;
  }
  return form.get("client_id") === REGISTERED_CLIENT.id && form.get("client_secret") === REGISTERED_CLIENT.secret;
}

export interface IssuedTokens {
  userId: string;
  /** The scopes the tokens carry (what the user granted at authorize). */
  scopes: string[];
  access: { token: string; expiresIn: number | null };
  refresh: { token: string; expiresIn: number | null } | null;
}

function ttlFor(ctx: SandboxContext, userId: string): number | null {
  return ctx.store.user(userId)?.token_ttl_seconds ?? ACCESS_TTL[ctx.platform];
}

/** Redeems an authorization code (checking the PKCE verifier when one was used). */
export async function redeem(
  ctx: SandboxContext,
  request: Request,
  form: URLSearchParams,
  options: { withRefresh: boolean; accessKind?: string },
): Promise<{ tokens: IssuedTokens } | { error: Response }> {
  if (!clientOk(form, request)) {
    return {
      error: Response.json(
        { error: "invalid_client", error_description: "Client authentication failed" },
        { status: 401 },
      ),
    };
  }
  const code = form.get("code") ?? new URL(request.url).searchParams.get("code") ?? "";
  const redirectUri = form.get("redirect_uri") ?? new URL(request.url).searchParams.get("redirect_uri") ?? "";
  const redeemed = ctx.store.redeemCode(code, redirectUri);
  if (!redeemed) {
    return {
      error: Response.json(
        { error: "invalid_grant", error_description: "The code is invalid or used" },
        { status: 400 },
      ),
    };
  }
  if (redeemed.codeChallenge && !(await verifierMatches(form.get("code_verifier") ?? "", redeemed.codeChallenge))) {
    return {
      error: Response.json({ error: "invalid_grant", error_description: "PKCE verification failed" }, { status: 400 }),
    };
  }
  const ttl = ttlFor(ctx, redeemed.userId);
  return {
    tokens: {
      userId: redeemed.userId,
      scopes: grantedScopes(redeemed.scopes),
      access: ctx.store.issueToken(options.accessKind ?? "access", redeemed.userId, ttl, redeemed.scopes),
      refresh: options.withRefresh
        ? ctx.store.issueToken("refresh", redeemed.userId, REFRESH_TTL_SECONDS, redeemed.scopes)
        : null,
    },
  };
}

/**
 * The token endpoint's refresh grant. `rotates`: the platform always issues a new
 * refresh token and kills the old one (X); otherwise the same one comes back.
 */
export function refreshGrant(
  ctx: SandboxContext,
  request: Request,
  form: URLSearchParams,
  rotates: boolean,
  render: (tokens: IssuedTokens) => Response,
): Promise<Response> {
  const presented = form.get("refresh_token") ?? "";
  const owner = ctx.store.tokenUser(presented);
  return faulty(ctx, "refresh", owner, () => {
    if (!clientOk(form, request)) return Response.json({ error: "invalid_client" }, { status: 401 });
    if (ctx.store.takeFault("refresh", owner, ["invalid_grant"])) {
      ctx.store.revokeToken(presented);
      return deadGrant(ctx.platform);
    }
    const check = ctx.store.checkToken(presented, ["refresh"]);
    if ("error" in check) return deadGrant(ctx.platform);
    // A refresh keeps the grant: the new tokens carry the scopes of the old.
    const scopes = ctx.store.tokenScopes(presented).join(" ");
    const rotate = rotates || ctx.store.takeFault("refresh", check.userId, ["rotate_refresh"]) !== null;
    const omit = ctx.store.takeFault("refresh", check.userId, ["omit_refresh_token"]) !== null;
    // A refresh token that is kept keeps the life of its first grant: LinkedIn's
    // "Refresh Tokens with OAuth 2.0" (day 59: the refresh token has 306 days left, day
    // 360: 5), so refreshing never extends it; where the platform rotates (X), the new
    // token starts a life of its own.
    const left = ctx.store.tokenExpiresAtMs(presented);
    const remaining = left === null ? null : Math.max(1, Math.floor((left - ctx.store.processingNow()) / 1000));
    let refresh: IssuedTokens["refresh"] = { token: presented, expiresIn: remaining };
    // An omitted refresh token leaves the old one alive, as platforms do.
    if (rotate && !omit) {
      ctx.store.revokeToken(presented);
      refresh = ctx.store.issueToken("refresh", check.userId, rotates ? REFRESH_TTL_SECONDS : remaining, scopes);
    }
    // Nor does an access token outlive the grant it was refreshed from (day 360: both in 5 days).
    const ttl = ttlFor(ctx, check.userId);
    const accessTtl = rotates || remaining === null || ttl === null ? ttl : Math.min(ttl, remaining);
    return render({
      userId: check.userId,
      scopes: grantedScopes(scopes),
      access: ctx.store.issueToken("access", check.userId, accessTtl, scopes),
      refresh: omit ? null : refresh,
    });
  });
}
