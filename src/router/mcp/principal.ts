// Who calls /mcp: the one step that turns the request's credential into the caller the
// tools act for (docs/mcp.md, Who the agent is).
//
// A tenant API key (Authorization: Bearer dify_...) is checked by the tenant's object, as
// on every API route (src/router/auth/authenticate.ts): revoked, expired, unknown or
// malformed answers 401 with a WWW-Authenticate challenge, a key over its hourly limit
// 429. Each tool is then called with the same header (src/router/mcp/dispatch.ts), so the
// key's scopes bound what the tools may do. Another way to authenticate (an OAuth access
// token) is a further case of `mcpCaller` returning the same McpCaller, with the header
// its tool calls carry, and of `mcpChallenge` (its resource_metadata parameter).
import type { Context } from "hono";
import { apiKeyPrefix, digestApiKey, looksLikeApiKey } from "../../core/auth/api-key-format";
import { tenantOfKeyPrefix } from "../../core/auth/key-directory";
import { looksLikeOAuthAccessToken } from "../../core/auth/oauth-tokens";
import type { UserPrincipal } from "../../core/auth/principal";
import { placementOf } from "../../core/placement/directory";
import { acceptPrincipal, keyLimitProblem, setRateLimitHeaders } from "../auth/authenticate";
import { checkOAuthAccess, oauthChallenge, oauthDispatchAuthorization } from "../auth/oauth-access";
import type { AppEnv } from "../http/app-env";
import { auditActor } from "../http/audit";
import { ProblemError } from "../http/problem";
import { tenantObjectAt } from "../objects";

/** The agent behind a call, as its audit row names it: the key, or the OAuth client and grant. */
export type McpAgent =
  | { kind: "api_key"; keyId: string }
  | { kind: "oauth_client"; clientId: string; clientName: string; grantId: string };

export interface McpCaller {
  /** The tenant's user the credential acts for, with its role and (for a key) scopes. */
  principal: UserPrincipal;
  agent: McpAgent;
  /** The Authorization header every tool's API call carries: the caller's own credential. */
  authorization: string;
}

/**
 * The challenge of a 401 at /mcp (RFC 6750), with RFC 9728's resource_metadata: where an
 * OAuth client finds how to authorize (../auth/oauth-access.ts). `invalidToken`: a
 * credential came and was refused (none came: no error code, RFC 6750 section 3.1).
 */
export function mcpChallenge(c: Context<AppEnv>, invalidToken = true): string {
  return oauthChallenge(c, invalidToken);
}

function refused(c: Context<AppEnv>, detail: string, invalidToken = true): ProblemError {
  return new ProblemError("unauthenticated", detail, {}, { "WWW-Authenticate": mcpChallenge(c, invalidToken) });
}

/**
 * The caller of this /mcp request, checked by its tenant's object; sets the request's
 * `user` and `scope` as the API's authentication does. `admit`: charge the key's hourly
 * limit for this request (docs/mcp.md, Rate limits: a tool call is charged by its route).
 */
export async function mcpCaller(c: Context<AppEnv>, options: { admit: boolean }): Promise<McpCaller> {
  const header = c.req.header("Authorization");
  if (!header) {
    throw refused(c, "Send a tenant API key (Bearer dify_...) or an OAuth access token for this server", false);
  }
  const token = /^Bearer[ ]+(\S+)\s*$/i.exec(header)?.[1];
  if (!token) throw refused(c, "The Authorization header must be 'Bearer <API key>'");
  // An OAuth access token (docs/mcp.md, OAuth): the member's grant, bounded by its scopes;
  // its tool calls carry a dispatch credential naming the grant, never the token.
  if (looksLikeOAuthAccessToken(token)) {
    const access = await checkOAuthAccess(c, token);
    if (!access) throw refused(c, "The access token is not valid (expired, revoked, or not for this server)");
    const { grant } = access;
    return {
      principal: access.principal,
      agent: { kind: "oauth_client", clientId: grant.clientId, clientName: grant.clientName, grantId: grant.grantId },
      authorization: await oauthDispatchAuthorization(c, access),
    };
  }
  if (!looksLikeApiKey(token)) {
    throw refused(c, "An MCP client authenticates with a tenant API key (dify_...) or an OAuth access token");
  }
  const prefix = apiKeyPrefix(token);
  const tenantId = prefix ? await tenantOfKeyPrefix(c.env, prefix) : null;
  const placement = tenantId ? await placementOf(c.env, tenantId) : null;
  if (!prefix || !placement) throw refused(c, "The credential is not valid");
  const stub = await tenantObjectAt(c.env, placement);
  const result = await stub.authenticate(
    { kind: "api_key", prefix, digest: await digestApiKey(token) },
    { admit: options.admit, actor: auditActor(c) },
  );
  if (!result.ok && result.status === 401) throw refused(c, "The credential is not valid");
  acceptPrincipal(c, result.principal);
  if (result.admission) setRateLimitHeaders(c, result.admission);
  if (!result.ok) throw keyLimitProblem(result.admission);
  const keyId = result.principal.keyId;
  if (!keyId) throw refused(c, "The credential is not valid");
  return { principal: result.principal, agent: { kind: "api_key", keyId }, authorization: `Bearer ${token}` };
}
