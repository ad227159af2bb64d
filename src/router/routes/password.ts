// POST /v1/me/password: the signed-in user changes their password. The current one is
// checked against the sign-in throttle (a wrong one counts as a failed sign-in from
// this address: src/router/auth/password-attempt.ts), the new one meets the policy of
// POST /v1/users, and every other session of the user ends; this one stays.
import { createRoute, z } from "@hono/zod-openapi";
import { hashPassword, PASSWORD_MAX_LENGTH, passwordIterations, verifyPassword } from "../../core/auth/passwords";
import { isoNow } from "../../core/clock";
import { setPasswordHash } from "../../core/db/user-passwords";
import { getUser } from "../../core/db/users";
import { endOtherSessions } from "../auth/end-sessions";
import { guard } from "../auth/guard";
import { beginPasswordAttempt, finishPasswordAttempt } from "../auth/password-attempt";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { PasswordField } from "../http/identity-schemas";
import { ProblemError } from "../http/problem";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";

const PasswordChange = z
  .object({
    current_password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
    new_password: PasswordField,
  })
  .openapi("PasswordChange");

const route = createRoute({
  method: "post",
  path: "/v1/me/password",
  operationId: "change_password",
  tags: ["Auth"],
  summary: "Change your password: your other sessions end, this one stays",
  security: [{ bearerAuth: [] }],
  middleware: guard("password.change", { action: "user.password_change", resource: "user" }),
  request: { body: { content: { "application/json": { schema: PasswordChange } }, required: true } },
  responses: {
    204: { description: "Changed" },
    400: problemResponseSpec("Invalid body, or current_password is not the current password"),
    401: problemResponseSpec("No valid credential"),
    403: problemResponseSpec("Only a signed-in user (session) may change a password"),
    429: problemResponseSpec("Too many failed attempts from this address; see Retry-After"),
  },
});

export const passwordRoutes = createRouter().openapi(route, async (c) => {
  const { user, scope } = caller(c);
  const body = c.req.valid("json");
  const row = await getUser(scope, user.userId);
  if (!row) throw new ProblemError("notFound", "User not found");
  const object = await callerObject(c);
  const attempt = await beginPasswordAttempt(c, object, row.email);
  let proven = false;
  try {
    proven = await verifyPassword(body.current_password, row.password_hash);
  } finally {
    await finishPasswordAttempt(object, attempt, proven ? { kind: "proven" } : { kind: "failed" });
  }
  if (!proven) {
    throw new ProblemError("validation", 'body field "current_password": not the current password', {
      errors: [{ in: "body", field: "current_password", message: "Not the current password" }],
    });
  }
  await commitAudited(
    c,
    scope.db,
    [
      setPasswordHash(
        scope,
        user.userId,
        await hashPassword(body.new_password, passwordIterations(c.env)),
        isoNow(c.var.clock),
      ),
    ],
    { action: "user.password_change", resourceType: "user", resourceId: user.userId },
  );
  await endOtherSessions(c);
  return c.body(null, 204);
});
