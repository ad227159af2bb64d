// Session tokens: HS256 JWTs (hono/jwt) signed with SESSION_SECRET, naming the user
// and tenant. They carry no role: the role and the user's status are read on every
// request, so demoting or suspending a user takes effect at once.
import { sign, verify } from "hono/jwt";

export const SESSION_TTL_SECONDS = 12 * 60 * 60;
const AUDIENCE = "dify-agent:session";

export interface SessionClaims {
  userId: string;
  tenantId: string;
  expiresAt: Date;
}

export async function issueSessionToken(
  secret: string,
  userId: string,
  tenantId: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ token: string; expiresAt: Date }> {
  const exp = nowSeconds + SESSION_TTL_SECONDS;
  const token = await sign(
    { sub: userId, tid: tenantId, aud: AUDIENCE, iat: nowSeconds, nbf: nowSeconds, exp, jti: crypto.randomUUID() },
    secret,
    "HS256",
  );
  return { token, expiresAt: new Date(exp * 1000) };
}

export function looksLikeSessionToken(candidate: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(candidate);
}

/** The claims of a valid, unexpired token; null for anything else. */
export async function verifySessionToken(secret: string, token: string): Promise<SessionClaims | null> {
  try {
    const payload = await verify(token, secret, { alg: "HS256", aud: AUDIENCE });
    if (typeof payload.sub !== "string" || typeof payload.tid !== "string" || typeof payload.exp !== "number") {
      return null;
    }
    return { userId: payload.sub, tenantId: payload.tid, expiresAt: new Date(payload.exp * 1000) };
  } catch {
    return null;
  }
}
