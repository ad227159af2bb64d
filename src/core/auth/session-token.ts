// Session tokens: HS256 JWTs (hono/jwt) signed with SESSION_SECRET, naming the user,
// the tenant and the session (jti). They carry no role: the role and the user's status
// are read on every request, so demoting or suspending a user takes effect at once.
// The signature alone does not make a token good: its session must be live in the
// tenant's TenantObject (objects/identity/sessions.ts), which every request consults,
// so signing out or a password change ends it on the next request.
import { sign, verify } from "hono/jwt";

export const SESSION_TTL_SECONDS = 12 * 60 * 60;
const AUDIENCE = "dify-agent:session";

export interface SessionClaims {
  userId: string;
  tenantId: string;
  /** The session's id in its TenantObject (the jti). */
  sessionId: string;
  expiresAt: Date;
}

/** A token for a session the tenant's object started (TenantObject.finishLogin). */
export async function issueSessionToken(
  secret: string,
  session: { userId: string; tenantId: string; sessionId: string },
  nowSeconds: number,
): Promise<{ token: string; expiresAt: Date }> {
  const exp = nowSeconds + SESSION_TTL_SECONDS;
  const token = await sign(
    {
      sub: session.userId,
      tid: session.tenantId,
      aud: AUDIENCE,
      iat: nowSeconds,
      nbf: nowSeconds,
      exp,
      jti: session.sessionId,
    },
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
    const { sub, tid, jti, exp } = payload;
    if (typeof sub !== "string" || typeof tid !== "string" || typeof jti !== "string" || typeof exp !== "number") {
      return null;
    }
    return { userId: sub, tenantId: tid, sessionId: jti, expiresAt: new Date(exp * 1000) };
  } catch {
    return null;
  }
}
