// The credential an MCP tool call carries when its caller authenticated at /mcp with an
// OAuth access token (docs/mcp.md, OAuth). That token is bound to /mcp (its resource,
// RFC 8707) and refused on every other route; a tool's call of the API inside the Worker
// (src/router/mcp/) carries this instead: an HS256 JWT of its own audience, signed with
// SESSION_SECRET, naming the tenant and the grant, good for five minutes. It never leaves
// the Worker, and the grant is checked live by the tenant's object on every call, so a
// revoked grant stops its tool calls at once.
import { sign, verify } from "hono/jwt";
import { OAUTH_GRANT_ID } from "./oauth-tokens";

const AUDIENCE = "dify-agent:mcp-dispatch";
export const MCP_DISPATCH_TTL_SECONDS = 300;

export async function issueMcpDispatch(
  secret: string,
  grant: { tenantId: string; grantId: string },
  nowSeconds: number,
): Promise<string> {
  return sign(
    {
      tid: grant.tenantId,
      gid: grant.grantId,
      aud: AUDIENCE,
      iat: nowSeconds,
      exp: nowSeconds + MCP_DISPATCH_TTL_SECONDS,
    },
    secret,
    "HS256",
  );
}

/** The tenant and grant of a valid, unexpired dispatch credential; null for anything else. */
export async function verifyMcpDispatch(
  secret: string,
  token: string,
): Promise<{ tenantId: string; grantId: string } | null> {
  try {
    const payload = await verify(token, secret, { alg: "HS256", aud: AUDIENCE });
    const { tid, gid } = payload;
    if (typeof tid !== "string" || typeof gid !== "string" || !OAUTH_GRANT_ID.test(gid)) return null;
    return { tenantId: tid, grantId: gid };
  } catch {
    return null;
  }
}
