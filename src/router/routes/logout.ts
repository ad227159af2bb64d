// POST /v1/auth/logout: the session the token names ends; the token answers 401 from
// the very next request on (the tenant's TenantObject keeps the live sessions:
// objects/identity/sessions.ts). An API key has no session to end (403: revoke a key
// with DELETE /v1/api-keys/{id}); an ended session is no credential (401).
import { createRoute } from "@hono/zod-openapi";
import { isoNow } from "../../core/clock";
import { pendingAuditRow } from "../../core/db/audit-logs";
import { endSessions } from "../auth/end-sessions";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { auditActor, auditInTenantShard } from "../http/audit";
import { caller } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";

const route = createRoute({
  method: "post",
  path: "/v1/auth/logout",
  operationId: "end_session",
  tags: ["Auth"],
  summary: "Sign out: this session ends, and its token answers 401 from now on",
  security: [{ bearerAuth: [] }],
  middleware: guard("session.end", { action: "auth.logout", resource: "user" }),
  responses: {
    204: { description: "Signed out" },
    401: problemResponseSpec("No valid credential (an ended session included)"),
    403: problemResponseSpec("An API key has no session: revoke it with DELETE /v1/api-keys/{id}"),
  },
});

export const logoutRoutes = createRouter().openapi(route, async (c) => {
  const { user } = caller(c);
  const sessionId = user.sessionId;
  // The permission is for sessions only; a principal without one never gets here.
  if (!sessionId) throw new Error("signing out needs a session");
  await endSessions(c, { userId: user.userId, only: sessionId });
  // The session is over whatever happens to its row: one the shard refuses now is kept
  // by the tenant's object and written later (src/router/http/audit.ts).
  await auditInTenantShard(c.env, user.tenantId, [
    pendingAuditRow(
      auditActor(c),
      { action: "auth.logout", resourceType: "user", resourceId: user.userId },
      isoNow(c.var.clock),
    ),
  ]);
  return c.body(null, 204);
});
