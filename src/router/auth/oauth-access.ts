// An OAuth access token at /mcp (docs/mcp.md, OAuth): the member it acts for, checked by
// the tenant's object the token names (live, not revoked, bound to this site's /mcp, its
// member and tenant active), and the credential the caller's tool calls then carry inside
// the Worker (src/core/auth/mcp-dispatch.ts): the access token itself is good at /mcp only.
import type { Context } from "hono";
import type { OAuthGrantView } from "../../../objects/tenant-object/contract";
import { issueMcpDispatch } from "../../core/auth/mcp-dispatch";
import { DEFAULT_OAUTH_SCOPES } from "../../core/auth/oauth-rules";
import { digestOAuthSecret, tenantOfOAuthSecret } from "../../core/auth/oauth-tokens";
import type { UserPrincipal } from "../../core/auth/principal";
import { placementOf } from "../../core/placement/directory";
import type { AppEnv } from "../http/app-env";
import { mcpResourceOf, resourceMetadataUrl } from "../http/oauth-server";
import { tenantObjectAt } from "../objects";
import { acceptPrincipal } from "./authenticate";

export interface OAuthCaller {
  principal: UserPrincipal;
  grant: OAuthGrantView;
}

/** The caller of an access token, with the request's `user` and `scope` set; null when it is no good. */
export async function checkOAuthAccess(c: Context<AppEnv>, token: string): Promise<OAuthCaller | null> {
  const tenantId = tenantOfOAuthSecret("mcp_at", token);
  const placement = tenantId ? await placementOf(c.env, tenantId) : null;
  if (!placement) return null;
  const stub = await tenantObjectAt(c.env, placement);
  const access = await stub.authenticateOAuth(await digestOAuthSecret(token), mcpResourceOf(c));
  if (!access.ok) return null;
  acceptPrincipal(c, access.principal);
  return { principal: access.principal, grant: access.grant };
}

/** The Authorization header of the caller's tool calls: its grant, for five minutes. */
export async function oauthDispatchAuthorization(c: Context<AppEnv>, caller: OAuthCaller): Promise<string> {
  const token = await issueMcpDispatch(
    c.env.SESSION_SECRET,
    { tenantId: caller.principal.tenantId, grantId: caller.grant.grantId },
    Math.floor(c.var.clock() / 1000),
  );
  return `Bearer ${token}`;
}

/**
 * A 401's challenge at /mcp (RFC 6750, with RFC 9728's resource_metadata): where to
 * authorize, and the scopes to ask for first (the MCP authorization specification's scope
 * selection: reading what an agent works from; more are asked for by name).
 */
export function oauthChallenge(c: Context<AppEnv>, invalidToken: boolean): string {
  const error = invalidToken ? ', error="invalid_token"' : "";
  const scope = DEFAULT_OAUTH_SCOPES.join(" ");
  return `Bearer realm="dify-agent", resource_metadata="${resourceMetadataUrl(c)}", scope="${scope}"${error}`;
}
