// What the OAuth authorization server accepts (docs/mcp.md, OAuth): redirect URIs and
// scopes. Pure rules, used at registration, at the authorize page and at the token endpoint.
import { grantableScopes, type Role, SCOPES } from "./permissions";

/** Loopback IP literals, whose port may change between registration and request (OAuth 2.1, 8.4.2). */
const LOOPBACK_IPS = new Set(["127.0.0.1", "[::1]"]);

/**
 * Why `uri` cannot be registered as a redirect URI, or null. OAuth 2.1: https, or http
 * to the machine itself for a native client (localhost, 127.0.0.1, [::1]); absolute, no
 * fragment, no user name or password in it.
 */
export function redirectUriProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "not an absolute URL";
  }
  if (url.hash !== "" || uri.includes("#")) return "must not have a fragment";
  if (url.username !== "" || url.password !== "") return "must not carry a user name or password";
  if (url.protocol === "https:") return url.hostname === "" ? "needs a host" : null;
  if (url.protocol === "http:" && (url.hostname === "localhost" || LOOPBACK_IPS.has(url.hostname))) return null;
  return "must be https, or http to localhost, 127.0.0.1 or [::1] (a native client)";
}

/**
 * Whether `presented` is one of `registered`: the same string, except that a loopback
 * IP's port may differ (a native client listens on the port the system gives it).
 */
export function redirectUriMatches(registered: readonly string[], presented: string): boolean {
  if (registered.includes(presented)) return true;
  let asked: URL;
  try {
    asked = new URL(presented);
  } catch {
    return false;
  }
  if (asked.protocol !== "http:" || !LOOPBACK_IPS.has(asked.hostname)) return false;
  return registered.some((uri) => {
    const known = new URL(uri);
    return (
      known.protocol === "http:" &&
      known.hostname === asked.hostname &&
      known.pathname === asked.pathname &&
      known.search === asked.search
    );
  });
}

/** The scopes a client may ask for: the API keys' (src/core/auth/permissions.ts). */
export const OAUTH_SCOPES: readonly string[] = SCOPES;

/** What a client that names no scope is offered: reading what an agent works from. */
export const DEFAULT_OAUTH_SCOPES = ["read:accounts", "read:posts", "read:analytics", "read:content", "read:brand"];

/** The scope parameter's words; unknown ones are named in `unknown`. */
export function parseScope(scope: string | undefined): { scopes: string[]; unknown: string[] } {
  const words = [...new Set((scope ?? "").split(" ").filter((word) => word !== ""))];
  return {
    scopes: words.filter((word) => OAUTH_SCOPES.includes(word)),
    unknown: words.filter((word) => !OAUTH_SCOPES.includes(word)),
  };
}

/**
 * The scopes a member of `role` can consent to of those asked (or the default set when
 * none were): a token never holds more than its member could do themselves.
 */
export function offeredScopes(role: Role, asked: readonly string[]): string[] {
  const grantable = new Set<string>(grantableScopes(role));
  const wanted = asked.length > 0 ? asked : DEFAULT_OAUTH_SCOPES;
  return OAUTH_SCOPES.filter((scope) => wanted.includes(scope) && grantable.has(scope));
}
