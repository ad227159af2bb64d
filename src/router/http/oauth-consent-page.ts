// The page a forwarded OAuth start URL shows before anything goes to the platform
// (docs/publishing.md, "OAuth binding"). The platform's consent screen names the application,
// never the tenant, so this is the one place a person opening someone else's link
// learns where the account they approve will go: the tenant by name, the member who
// asked (masked), the platform. Continuing is a form POST from this page, carrying a
// token bound to this browser's cookie (src/router/http/oauth-binding.ts).
//
// Everything interpolated is escaped; the page runs no script, and its CSP (set by
// secureHeaders, consentPageHeaders below) allows only its own inline style, by nonce,
// forms to this site and to the platform's authorize origin (browsers apply
// form-action to the redirect that follows the POST), and no framing.
import type { MiddlewareHandler } from "hono";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { platformConfig } from "../../core/platforms/config";
import { PLATFORMS, type Platform } from "../../core/platforms/types";
import type { AppEnv } from "./app-env";

/** How each platform is called where people read it. */
export const PLATFORM_NAMES: Record<Platform, string> = {
  linkedin: "LinkedIn",
  twitter: "X",
  facebook: "Facebook",
  instagram: "Instagram",
};

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

/** "jane@example.com" → "j•••@example.com": enough to recognise a colleague, not to harvest an address. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return "•••";
  const [first] = Array.from(email.slice(0, at));
  return `${first}•••${email.slice(at)}`;
}

export interface ConsentView {
  platform: Platform;
  tenantName: string;
  /** The member who asked, already masked. */
  askedBy: string;
  state: string;
  token: string;
  /** The style element's CSP nonce. */
  nonce: string;
}

const STYLE = [
  "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}",
  "h1{font-size:1.4rem}",
  ".who{background:#f3f3f3;border-radius:6px;padding:.75rem 1rem}",
  "button{font:inherit;padding:.6rem 1.2rem;border-radius:6px;border:1px solid #0a4;background:#0a5;color:#fff;cursor:pointer}",
  ".muted{color:#555;font-size:.95rem}",
].join("");

export function renderConsentPage(view: ConsentView): string {
  const platform = escapeHtml(PLATFORM_NAMES[view.platform]);
  const tenant = escapeHtml(view.tenantName);
  const askedBy = escapeHtml(view.askedBy);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Connect a ${platform} account to ${tenant}?</title>
<style nonce="${escapeHtml(view.nonce)}">${STYLE}</style>
</head>
<body>
<main>
<h1>Connect a ${platform} account to ${tenant}?</h1>
<div class="who">
<p>Tenant: <strong id="tenant">${tenant}</strong><br>
Asked by: <strong id="asked-by">${askedBy}</strong><br>
Platform: <strong id="platform">${platform}</strong></p>
</div>
<p>If you continue, ${platform} will ask you to sign in and approve. The ${platform} account you approve
will be connected to <strong>${tenant}</strong>: its members will be able to publish as that account
and read its statistics. ${platform}'s own page names only the application, not ${tenant}.</p>
<p class="muted">If you did not expect this, or do not know who asked, close this page: nothing is connected.</p>
<form method="post" action="/v1/oauth/${escapeHtml(view.platform)}/start">
<input type="hidden" name="state" value="${escapeHtml(view.state)}">
<input type="hidden" name="token" value="${escapeHtml(view.token)}">
<button type="submit">Continue to ${platform}</button>
</form>
</main>
</body>
</html>
`;
}

/** The origin a browser is sent to for `platform`'s authorize page (its form-action). */
function authorizeOrigin(env: Env, platform: Platform, requestUrl: string): string {
  const origin = new URL(requestUrl).origin;
  return new URL(platformConfig(env, platform, origin).endpoints.authBase).origin;
}

/** secureHeaders with the consent page's CSP, for the start routes (GET shows it, POST leaves it). */
export const consentPageHeaders: MiddlewareHandler<AppEnv> = (c, next) => {
  const param = c.req.param("platform");
  const platform = PLATFORMS.find((p) => p === param);
  const formAction = platform ? ["'self'", authorizeOrigin(c.env, platform, c.req.url)] : ["'self'"];
  return secureHeaders({
    crossOriginResourcePolicy: false,
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: [NONCE],
      formAction,
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  })(c, next);
};
