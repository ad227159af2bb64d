// Password reset links. An owner or admin signed in asks for one for a user of their
// tenant (only an owner for an owner, as for every change to an owner: canAssignRole
// in src/core/auth/permissions.ts); the token is answered once and only its SHA-256 is
// kept, by the tenant's TenantObject, for an hour (objects/identity/password-resets.ts).
// Redeeming it needs no credential: the token is one. It sets the new password (the
// policy of POST /v1/users) and ends every session of the user; a second redemption,
// or one after the hour, is refused.
import { createRoute, z } from "@hono/zod-openapi";
import { hashPassword, passwordIterations } from "../../core/auth/passwords";
import { canAssignRole } from "../../core/auth/permissions";
import { digestResetToken, newResetToken, RESET_TOKEN_PATTERN, tenantOfResetToken } from "../../core/auth/reset-token";
import { isoNow } from "../../core/clock";
import { idPattern } from "../../core/db/ids";
import { scopeOn } from "../../core/db/tenant-scope";
import { findTenant } from "../../core/db/tenants";
import { setPasswordHash } from "../../core/db/user-passwords";
import { getUser } from "../../core/db/users";
import { placementOfRow } from "../../core/placement/directory";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { auditActor, commitAudited } from "../http/audit";
import { PasswordField } from "../http/identity-schemas";
import { ProblemError } from "../http/problem";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset, tenantObjectAt } from "../objects";

const UserParams = z.object({
  id: z
    .string()
    .regex(idPattern("user"), "a user id (usr_...)")
    .openapi({ param: { name: "id", in: "path" } }),
});

const ResetLink = z
  .object({
    token: z.string().openapi({
      description: "The reset token. Shown once: hand it to the user, who redeems it at POST /v1/auth/password-reset.",
    }),
    user_id: z.string(),
    expires_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("PasswordResetLink");

const issueRoute = createRoute({
  method: "post",
  path: "/v1/users/{id}/password-reset",
  operationId: "create_password_reset",
  tags: ["Users"],
  summary: "A single-use password reset link for a user, good for an hour (owner, admin; only an owner for an owner)",
  security: [{ bearerAuth: [] }],
  middleware: guard("users.reset_password", { action: "user.password_reset_issue", resource: "user", idParam: "id" }),
  request: { params: UserParams },
  responses: {
    201: {
      description: "Issued; any earlier link of the user is void",
      content: { "application/json": { schema: ResetLink } },
    },
    400: problemResponseSpec("Invalid id"),
    401: problemResponseSpec("No valid credential"),
    403: problemResponseSpec("Role does not allow it, an admin asked for an owner's, or an API key asked"),
    404: problemResponseSpec("No such user in this tenant"),
  },
});

const Redemption = z
  .object({
    token: z.string().regex(RESET_TOKEN_PATTERN, "a password reset token (reset.<tenant>.<secret>)"),
    new_password: PasswordField,
  })
  .openapi("PasswordResetRedemption");

const redeemRoute = createRoute({
  method: "post",
  path: "/v1/auth/password-reset",
  operationId: "redeem_password_reset",
  security: [],
  tags: ["Auth"],
  summary: "Redeem a password reset link: the new password is set and every session of the user ends",
  request: { body: { content: { "application/json": { schema: Redemption } }, required: true } },
  responses: {
    204: { description: "Password set; sign in with it" },
    400: problemResponseSpec("Invalid body, or the token is unknown, used or expired"),
  },
});

/** One answer for every token that is not a live link: unknown, used, expired, its tenant or user gone. */
function notALiveLink(): ProblemError {
  return new ProblemError("validation", 'body field "token": not a live reset link', {
    errors: [{ in: "body", field: "token", message: "Not a live reset link: unknown, used or expired" }],
  });
}

export const passwordResetRoutes = createRouter()
  .openapi(issueRoute, async (c) => {
    const { user, scope } = caller(c);
    const { id } = c.req.valid("param");
    const target = await getUser(scope, id);
    if (!target) throw new ProblemError("notFound", "No such user");
    if (!canAssignRole(user.role, target.role)) {
      throw new ProblemError("forbidden", "Only an owner may reset an owner's password");
    }
    const token = newResetToken(user.tenantId);
    const digest = await digestResetToken(token);
    const object = await callerObject(c);
    // The link is kept first: should its audit row then fail, the request fails and
    // nobody ever saw the token.
    const { expiresAtMs } = await retryOnReset(object, "issuePasswordReset", id, digest);
    const expiresAt = new Date(expiresAtMs).toISOString();
    await commitAudited(c, scope.db, [], {
      action: "user.password_reset_issue",
      resourceType: "user",
      resourceId: id,
      metadata: { expires_at: expiresAt },
    });
    return c.json({ token, user_id: id, expires_at: expiresAt }, 201);
  })
  .openapi(redeemRoute, async (c) => {
    const body = c.req.valid("json");
    const tenantId = tenantOfResetToken(body.token);
    const tenant = tenantId ? await findTenant(c.env.DB, tenantId) : null;
    const placement = tenant ? placementOfRow(tenant) : null;
    if (tenant?.status !== "active" || !placement) throw notALiveLink();
    const hash = await hashPassword(body.new_password, passwordIterations(c.env));
    const object = await tenantObjectAt(c.env, placement);
    // Spent here, before anything else: of two redemptions of one link, one gets the user.
    const userId = await object.redeemPasswordReset(await digestResetToken(body.token));
    if (!userId) throw notALiveLink();
    const scope = scopeOn(c.env, placement);
    if (!(await getUser(scope, userId))) throw notALiveLink();
    await commitAudited(
      c,
      scope.db,
      [setPasswordHash(scope, userId, hash, isoNow(c.var.clock))],
      { action: "user.password_reset", resourceType: "user", resourceId: userId },
      { ...auditActor(c), tenantId: tenant.tenant_id, userId },
    );
    // After the new password is in: a session begun meanwhile with the old one ends too.
    await retryOnReset(object, "endSessions", { userId });
    return c.body(null, 204);
  });
