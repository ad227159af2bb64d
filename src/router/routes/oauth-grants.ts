// What members granted OAuth clients (docs/mcp.md, OAuth), as API keys are listed and
// revoked: everyone sees and revokes their own grants; owners and admins every member's.
// Revoking deletes the grant in the tenant's object, which checks every OAuth call, so its
// access token (and the tool calls it makes) is refused from the very next request, and
// its refresh token is dead. Another member's grant, to a member, answers 404.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { OAuthGrantView } from "../../../objects/tenant-object/contract";
import { OAUTH_GRANT_ID } from "../../core/auth/oauth-tokens";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { bearer, jsonResponse, problems } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { caller, callerObject } from "../http/request-context";
import { retryOnReset } from "../objects";

const OAuthGrantSchema = z
  .object({
    id: z.string(),
    user_id: z.string(),
    client_id: z.string(),
    client_name: z.string(),
    scopes: z.array(z.string()),
    resource: z.string().openapi({ description: "What its tokens are bound to: this site's /mcp" }),
    created_at: z.string().openapi({ format: "date-time" }),
    last_used_at: z.string().nullable().openapi({ format: "date-time" }),
    expires_at: z
      .string()
      .nullable()
      .openapi({ format: "date-time", description: "When its refresh token lapses unless used" }),
  })
  .openapi("OAuthGrant");

const GrantParams = z.object({
  id: z
    .string()
    .regex(OAUTH_GRANT_ID, "an OAuth grant id (ogr_...)")
    .openapi({ param: { name: "id", in: "path" } }),
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/oauth/grants",
  operationId: "list_oauth_grants",
  tags: ["MCP authorization"],
  summary: "OAuth grants: your own, or every member's for owners and admins, newest first",
  security: bearer,
  middleware: guard("oauth_grants.read", { action: "oauth_grant.list", resource: "oauth_grant" }),
  responses: {
    200: jsonResponse("The grants", z.object({ data: z.array(OAuthGrantSchema) }).openapi("OAuthGrantList")),
    ...problems(),
  },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/v1/oauth/grants/{id}",
  operationId: "revoke_oauth_grant",
  tags: ["MCP authorization"],
  summary: "Revoke an OAuth grant: its access and refresh tokens are refused from now on",
  security: bearer,
  middleware: guard("oauth_grants.revoke", { action: "oauth_grant.revoke", resource: "oauth_grant", idParam: "id" }),
  request: { params: GrantParams },
  responses: { 200: jsonResponse("Revoked", OAuthGrantSchema), ...problems("No such grant (of yours)") },
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toGrant(grant: OAuthGrantView): z.infer<typeof OAuthGrantSchema> {
  return {
    id: grant.grantId,
    user_id: grant.userId,
    client_id: grant.clientId,
    client_name: grant.clientName,
    scopes: grant.scopes,
    resource: grant.resource,
    created_at: new Date(grant.createdAtMs).toISOString(),
    last_used_at: iso(grant.lastUsedAtMs),
    expires_at: iso(grant.expiresAtMs),
  };
}

/** Owners and admins see and revoke every member's grants; others only their own. */
function ownerOnly(c: Context<AppEnv>): string | null {
  const { user } = caller(c);
  return user.role === "owner" || user.role === "admin" ? null : user.userId;
}

export const oauthGrantsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const object = await callerObject(c);
    const grants = await retryOnReset(object, "listOAuthGrants", ownerOnly(c));
    return c.json({ data: grants.map(toGrant) }, 200);
  })
  .openapi(revokeRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { scope } = caller(c);
    const object = await callerObject(c);
    const revoked = await retryOnReset(object, "revokeOAuthGrant", id, ownerOnly(c));
    if (!revoked) throw new ProblemError("notFound", "No such OAuth grant");
    await commitAudited(c, scope.db, [], {
      action: "oauth_grant.revoke",
      resourceType: "oauth_grant",
      resourceId: revoked.grantId,
      metadata: { client_id: revoked.clientId, client_name: revoked.clientName, user_id: revoked.userId },
    });
    return c.json(toGrant(revoked), 200);
  });
