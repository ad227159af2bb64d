// The sandbox's sign-in and consent page, as a real platform's authorize page is: it
// asks who signs in and whether to grant the app what it asked for, and approves only
// when the person says so (oauth.ts, authorize). Sandbox users are like platform
// accounts, shared by no one silently: a user is signed in to with its password. The
// first sign-in with a new user name creates the user with the password given; a user
// made by the control panel (tests, demos) takes the password of its first sign-in;
// after that only that password signs in as it. So in development one tenant cannot
// connect another tenant's sandbox user by naming it (login_hint only fills the name in).
//
// The page is plain HTML: no script, a form POSTed back to the same authorize path with
// the request's parameters, the user, the password and the decision (approve or deny).
import { sha256, timingSafeEqual, toHex, utf8 } from "../crypto/encoding";
import type { SandboxContext } from "./context";

/** A sandbox user's name: what the page accepts (and what tests name users). */
export const SANDBOX_USER = /^[A-Za-z0-9_-]{1,64}$/;
/** The fields the page adds to the request's own parameters. */
export const SIGN_IN_FIELDS = ["sandbox_user", "sandbox_password", "decision"] as const;
const MIN_PASSWORD = 8;

const PLATFORM_NAMES: Record<SandboxContext["platform"], string> = {
  linkedin: "LinkedIn",
  twitter: "X",
  facebook: "Facebook",
  instagram: "Instagram",
};

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * The page for an authorize request (`params` checked already), posting back to
 * `action`; `error` says why the last try was refused (answered with `status`).
 */
export function consentPage(
  ctx: SandboxContext,
  params: URLSearchParams,
  action: string,
  error: string | null = null,
  status = 200,
): Response {
  const platform = PLATFORM_NAMES[ctx.platform];
  const scopes = (params.get("scope") ?? "").split(/[ ,]+/).filter(Boolean);
  const hidden = [...params.entries()]
    .filter(([name]) => !(SIGN_IN_FIELDS as readonly string[]).includes(name))
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("\n      ");
  const user = params.get("sandbox_user") ?? params.get("login_hint") ?? "";
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in to the ${platform} sandbox</title></head>
<body>
  <h1>Sign in to the ${platform} sandbox</h1>
  <p>The app <strong id="client">${escapeHtml(params.get("client_id") ?? "")}</strong> asks to act for the user who signs in here:</p>
  <ul id="scopes">${scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join("")}</ul>
  ${error ? `<p id="error" role="alert">${escapeHtml(error)}</p>` : ""}
  <form method="post" action="${escapeHtml(action)}">
      ${hidden}
      <label for="sandbox_user">Sandbox user</label>
      <input id="sandbox_user" name="sandbox_user" value="${escapeHtml(user)}" pattern="[A-Za-z0-9_\\-]{1,64}" required>
      <label for="sandbox_password">Password</label>
      <input id="sandbox_password" name="sandbox_password" type="password" minlength="${MIN_PASSWORD}" required>
      <button type="submit" name="decision" value="approve">Approve</button>
      <button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
  </form>
  <p>A new user name is created with the password given. A sandbox user is signed in to with its own password only: no other tenant can use it without that password.</p>
</body>
</html>`;
  return new Response(html, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/** A password as stored: SHA-256 of the user and the password (a development sandbox's sign-in, not a vault). */
async function passwordHash(userId: string, password: string): Promise<Uint8Array> {
  return sha256(utf8(`${userId}\u0000${password}`));
}

/**
 * Signs `userId` in with `password`: a new user is created with it, a user without one
 * takes it, any other must match it. Null when signed in, otherwise why not.
 */
export async function signIn(ctx: SandboxContext, userId: string, password: string): Promise<string | null> {
  if (!SANDBOX_USER.test(userId)) return "A sandbox user name is 1 to 64 letters, digits, _ or -.";
  if (password.length < MIN_PASSWORD) return `The password has at least ${MIN_PASSWORD} characters.`;
  const hash = await passwordHash(userId, password);
  ctx.store.createUser({ userId });
  const stored = ctx.store.passwordHash(userId);
  if (stored === null) {
    ctx.store.setPasswordHash(userId, toHex(hash));
    return null;
  }
  return timingSafeEqual(utf8(stored), utf8(toHex(hash))) ? null : "Wrong password for this sandbox user.";
}
