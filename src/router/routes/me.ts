// GET /v1/me: who the credential is, in which tenant, with what powers.
import { createRoute, z } from "@hono/zod-openapi";
import { grantableScopes, SCOPES } from "../../core/auth/permissions";
import { getUser, toUser } from "../../core/db/users";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { UserSchema } from "../http/identity-schemas";
import { ProblemError } from "../http/problem";
import { caller } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";

const Me = z
  .object({
    user: UserSchema,
    tenant_id: z.string(),
    auth: z.object({
      // oauth: an MCP tool call of an OAuth client's grant (docs/mcp.md, OAuth).
      type: z.enum(["session", "api_key", "oauth"]),
      key_id: z.string().nullable(),
      scopes: z.array(z.enum(SCOPES)).openapi({ description: "What this credential may do" }),
    }),
  })
  .openapi("Me");

const route = createRoute({
  method: "get",
  path: "/v1/me",
  operationId: "get_me",
  tags: ["Auth"],
  summary: "The calling user and credential",
  security: [{ bearerAuth: [] }],
  middleware: guard("me.read", { action: "me.read", resource: "user" }),
  responses: {
    200: { description: "The caller", content: { "application/json": { schema: Me } } },
    401: problemResponseSpec("No valid credential"),
    403: problemResponseSpec("The key lacks read:users"),
  },
});

export const meRoutes = createRouter().openapi(route, async (c) => {
  const { user, scope } = caller(c);
  const row = await getUser(scope, user.userId);
  if (!row) throw new ProblemError("notFound", "User not found");
  const credential = user.credential;
  const roleScopes = grantableScopes(user.role);
  const scopes = credential.kind === "session" ? roleScopes : roleScopes.filter((s) => credential.scopes.includes(s));
  return c.json(
    {
      user: toUser(row),
      tenant_id: user.tenantId,
      auth: { type: user.credential.kind, key_id: user.keyId, scopes },
    },
    200,
  );
});
