// The pages of this site's OAuth authorize endpoint (docs/mcp.md, OAuth): a member signs
// in (password, then their TOTP code when MFA is on) and consents to named scopes for the
// client that asked. Like the platform consent page (./oauth-consent-page.ts): every
// interpolated value is escaped, no script runs, the style is allowed by nonce, forms go
// only to this site and, after the consent's redirect, to the client's redirect URI's
// origin (browsers apply form-action to the redirect that follows a POST), and no one
// may frame it (clickjacking a consent).
import type { Context } from "hono";
import { randomBytes, toBase64 } from "../../core/crypto/encoding";
import type { AppEnv } from "./app-env";
import type { AuthorizationParams } from "./oauth-authorization";
import { escapeHtml } from "./oauth-consent-page";

const STYLE = [
  "body{font-family:system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}",
  "h1{font-size:1.3rem}label{display:block;margin:.6rem 0 .2rem}",
  "input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font:inherit}",
  ".who{background:#f3f3f3;border-radius:6px;padding:.75rem 1rem}.error{color:#a00}",
  "ul{list-style:none;padding:0}li{margin:.3rem 0}",
  "button{font:inherit;padding:.6rem 1.2rem;border-radius:6px;border:1px solid #0a4;background:#0a5;color:#fff;margin:.8rem .5rem 0 0}",
  "button.deny{background:#fff;color:#1b1b1b;border-color:#888}",
].join("");

/** What each scope lets the client do, as a member reads it. */
const SCOPE_TEXT: Record<string, string> = {
  "read:accounts": "see the tenant's connected social accounts",
  "read:posts": "read posts and their status",
  "draft:posts": "draft posts (they wait for approval when the tenant requires it)",
  "write:posts": "create posts",
  publish: "publish and schedule posts on the tenant's accounts",
  "read:analytics": "read posts' analytics and reports",
  "read:content": "read templates, knowledge and generated content",
  "read:brand": "read the brand profile",
};

export interface PageFrame {
  clientName: string;
  /** Where the client's redirect URI points, shown so the member knows who gets the code. */
  redirectUri: string;
}

function page(nonce: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style nonce="${escapeHtml(nonce)}">${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function hidden(name: string, value: string | undefined | null): string {
  return value === undefined || value === null
    ? ""
    : `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

function clientLine(frame: PageFrame): string {
  const host = new URL(frame.redirectUri).host;
  return `<div class="who"><p>Application: <strong id="client">${escapeHtml(frame.clientName)}</strong><br>
It will be sent to: <strong id="redirect-host">${escapeHtml(host)}</strong></p></div>`;
}

function errorLine(error: string | null): string {
  return error ? `<p class="error" id="error">${escapeHtml(error)}</p>` : "";
}

/** Step one: tenant, e-mail and password. The request's parameters ride along as hidden fields. */
export function signInPage(
  nonce: string,
  frame: PageFrame,
  params: AuthorizationParams,
  fill: { tenantId?: string; email?: string; error: string | null },
): string {
  const carried = (
    [
      "client_id",
      "redirect_uri",
      "response_type",
      "code_challenge",
      "code_challenge_method",
      "scope",
      "state",
      "resource",
    ] as const
  )
    .map((name) => hidden(name, params[name]))
    .join("\n");
  return page(
    nonce,
    `Sign in to connect ${frame.clientName}`,
    `<h1>Sign in to connect ${escapeHtml(frame.clientName)}</h1>
${clientLine(frame)}
${errorLine(fill.error)}
<form method="post" action="/oauth/authorize">
<input type="hidden" name="action" value="sign_in">
${carried}
<label for="tenant_id">Tenant id</label>
<input type="text" id="tenant_id" name="tenant_id" required value="${escapeHtml(fill.tenantId ?? "")}">
<label for="email">E-mail</label>
<input type="email" id="email" name="email" required autocomplete="username" value="${escapeHtml(fill.email ?? "")}">
<label for="password">Password</label>
<input type="password" id="password" name="password" required autocomplete="current-password">
<button type="submit">Sign in</button>
</form>`,
  );
}

/** Step two, when MFA is on: the current code. */
export function totpPage(nonce: string, frame: PageFrame, ticket: string, error: string | null): string {
  return page(
    nonce,
    "Enter your code",
    `<h1>Enter the code from your authenticator app</h1>
${clientLine(frame)}
${errorLine(error)}
<form method="post" action="/oauth/authorize">
<input type="hidden" name="action" value="totp">
${hidden("ticket", ticket)}
<label for="totp">Six-digit code</label>
<input type="text" id="totp" name="totp" required inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}">
<button type="submit">Continue</button>
</form>`,
  );
}

/** Step three: which scopes, for this client; approve or deny. */
export function consentPage(
  nonce: string,
  frame: PageFrame & { tenantName: string; memberEmail: string },
  ticket: string,
  offered: readonly string[],
  error: string | null,
): string {
  const items = offered
    .map(
      (scope) =>
        `<li><label><input type="checkbox" name="grant" value="${escapeHtml(scope)}" checked> <code>${escapeHtml(scope)}</code>: ${escapeHtml(SCOPE_TEXT[scope] ?? scope)}</label></li>`,
    )
    .join("\n");
  return page(
    nonce,
    `Allow ${frame.clientName}?`,
    `<h1>Allow ${escapeHtml(frame.clientName)} to act for you in ${escapeHtml(frame.tenantName)}?</h1>
${clientLine(frame)}
<p>Signed in as <strong id="member">${escapeHtml(frame.memberEmail)}</strong>. It will be able to:</p>
${errorLine(error)}
<form method="post" action="/oauth/authorize">
${hidden("ticket", ticket)}
<ul id="scopes">
${items}
</ul>
<p>It never gets more than you can do yourself, and you can revoke it at any time (GET /v1/oauth/grants).</p>
<button type="submit" name="action" value="approve">Allow</button>
<button type="submit" name="action" value="deny" class="deny">Deny</button>
</form>`,
  );
}

/** A fresh style nonce and the page's headers: its CSP, no caching. */
export function pageHeaders(c: Context<AppEnv>, redirectUri: string | null): string {
  const nonce = toBase64(randomBytes(16));
  const formAction = ["'self'", ...(redirectUri ? [new URL(redirectUri).origin] : [])].join(" ");
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; style-src 'nonce-${nonce}'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
  );
  c.header("Cache-Control", "no-store");
  c.header("X-Frame-Options", "DENY");
  return nonce;
}
