// The cookie that binds an OAuth flow to the browser that started it (docs/publishing.md, "OAuth
// binding"; the model is Auth.js's state/PKCE check cookies). One cookie per state, so
// two connections started in one browser do not overwrite each other:
// `__Host-oauth_<16 hex of SHA-256(state)>`, holding 256 random bits. The server keeps
// only their SHA-256 with the state (objects/publishing/oauth-states.ts).
//
// __Host-: Secure, Path=/, no Domain (no sibling subdomain can set or read it).
// HttpOnly: no script reads it. SameSite=Lax: the callback is a top-level, cross-site
// GET navigation from the platform, which Lax still sends it with (Strict would not).
//
// The consent page of a forwarded start URL (src/router/routes/oauth-start.ts) carries a form
// token derived from the same secret, HMAC-SHA256(secret, "oauth-consent:" + state):
// only the browser holding the cookie could have been shown it, so a POST with
// another browser's token, or none, is refused without storing anything more.
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { randomBytes, sha256, timingSafeEqual, toBase64Url, toHex, utf8 } from "../../core/crypto/encoding";
import type { AppEnv } from "./app-env";

async function cookieName(state: string): Promise<string> {
  return `oauth_${toHex(await sha256(utf8(state))).slice(0, 16)}`;
}

/** SHA-256 (hex) of a binding secret: what the TenantObject keeps. */
export async function bindingHash(secret: string): Promise<string> {
  return toHex(await sha256(utf8(secret)));
}

/** A fresh binding secret and its hash. */
export async function newBinding(): Promise<{ secret: string; hash: string }> {
  const secret = toBase64Url(randomBytes(32));
  return { secret, hash: await bindingHash(secret) };
}

/** This request's binding secret for `state` (its cookie); null when it sent none. */
export async function presentedSecret(c: Context, state: string): Promise<string | null> {
  return getCookie(c, await cookieName(state), "host") || null;
}

/** The hash of this request's binding cookie for `state`; null when it sent none. */
export async function presentedBinding(c: Context, state: string): Promise<string | null> {
  const secret = await presentedSecret(c, state);
  return secret ? bindingHash(secret) : null;
}

/** The consent form's token for `state` in the browser holding binding `secret`. */
export async function consentToken(secret: string, state: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(`oauth-consent:${state}`))));
}

/** Whether `token` is the consent token of `state` for binding `secret` (constant time). */
export async function isConsentToken(secret: string, state: string, token: string): Promise<boolean> {
  return timingSafeEqual(utf8(token), utf8(await consentToken(secret, state)));
}

/** Binds this response's browser to `state` until the state expires. */
export async function setBindingCookie(
  c: Context<AppEnv>,
  state: string,
  secret: string,
  expiresAtMs: number,
): Promise<void> {
  setCookie(c, await cookieName(state), secret, {
    prefix: "host",
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    maxAge: Math.max(0, Math.ceil((expiresAtMs - c.var.clock()) / 1000)),
  });
}

/** The flow is over: the browser may forget its cookie. */
export async function clearBindingCookie(c: Context, state: string): Promise<void> {
  setCookie(c, await cookieName(state), "", {
    prefix: "host",
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    maxAge: 0,
  });
}
