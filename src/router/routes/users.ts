// Users of the caller's tenant: list, read, invite, change role or status, delete.

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { hashPassword, passwordIterations } from "../../core/auth/passwords";
import { canAssignRole, ROLES } from "../../core/auth/permissions";
import { isoNow } from "../../core/clock";
import { revokeUserApiKeys } from "../../core/db/api-keys";
import { isTriggerAbort, isUniqueViolation } from "../../core/db/errors";
import { idPattern, newId } from "../../core/db/ids";
import {
  deleteUser,
  getUser,
  insertUser,
  LAST_OWNER_ERROR,
  listUsers,
  toUser,
  type UserRow,
  updateUser,
} from "../../core/db/users";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { countGuard, overQuota, refuseWhenFull } from "../http/count-quotas";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { EmailField, NameField, PasswordField, pageSchema, UserSchema } from "../http/identity-schemas";
import { ProblemError } from "../http/problem";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset } from "../objects";

const security = [{ bearerAuth: [] }];
const errors = {
  400: problemResponseSpec("Invalid input"),
  401: problemResponseSpec("No valid credential"),
  403: problemResponseSpec("Role or scope does not allow it"),
  404: problemResponseSpec("No such user in this tenant"),
};
const UserParams = z.object({
  id: z
    .string()
    .regex(idPattern("user"), "a user id (usr_...)")
    .openapi({ param: { name: "id", in: "path" } }),
});
const userResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: UserSchema } },
});

async function targetUser(c: Context<AppEnv>, userId: string): Promise<UserRow> {
  const { scope } = caller(c);
  const row = await getUser(scope, userId);
  if (!row) throw new ProblemError("notFound", "No such user");
  return row;
}

/** An admin may not touch an owner, nor make one. */
function assertMayManage(c: Context<AppEnv>, target: UserRow, newRole?: string): void {
  const { user } = caller(c);
  if (!canAssignRole(user.role, target.role) || (newRole && !canAssignRole(user.role, newRole as UserRow["role"]))) {
    throw new ProblemError("forbidden", "Only an owner may create, change or remove an owner");
  }
}

/**
 * Commits a change to a user with its audit row, then tells the TenantObject.
 * `endsAccess`: the user was suspended or deleted, so their live dashboards close too.
 */
async function commitUserChange(
  c: Context<AppEnv>,
  statements: D1PreparedStatement[],
  event: Parameters<typeof commitAudited>[3],
  endsAccess = false,
): Promise<void> {
  const { scope } = caller(c);
  try {
    await commitAudited(c, scope.db, statements, event);
    // A role, status or deletion takes effect on the user's very next request.
    const userId = event.resourceId;
    if (userId) {
      const object = await callerObject(c);
      await retryOnReset(object, "forgetCredentials", { userId, endsAccess });
    }
  } catch (error) {
    if (isTriggerAbort(error, LAST_OWNER_ERROR)) {
      throw new ProblemError("conflict", "The tenant must keep at least one active owner");
    }
    if (isUniqueViolation(error)) throw new ProblemError("conflict", "A user with this e-mail already exists");
    throw error;
  }
}

const listRoute = createRoute({
  method: "get",
  path: "/v1/users",
  operationId: "list_users",
  tags: ["Users"],
  summary: "Users of the tenant",
  security,
  middleware: guard("users.read", { action: "user.list", resource: "user" }),
  request: {
    query: PageQuery.extend({
      role: z.enum(ROLES).optional(),
      status: z.enum(["active", "suspended"]).optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of users",
      content: { "application/json": { schema: pageSchema(UserSchema, "UserPage") } },
    },
    ...errors,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/users/{id}",
  operationId: "get_user",
  tags: ["Users"],
  summary: "One user",
  security,
  middleware: guard("users.read", { action: "user.read", resource: "user", idParam: "id" }),
  request: { params: UserParams },
  responses: { 200: userResponse("The user"), ...errors },
});

const CreateUserBody = z
  .object({
    email: EmailField,
    password: PasswordField,
    full_name: NameField.optional(),
    role: z.enum(ROLES).default("member"),
  })
  .openapi("CreateUser");

const createRouteDef = createRoute({
  method: "post",
  path: "/v1/users",
  operationId: "create_user",
  tags: ["Users"],
  summary: "Add a user (owner, admin; only an owner adds owners)",
  security,
  middleware: guard("users.manage", { action: "user.create", resource: "user" }),
  request: { body: { content: { "application/json": { schema: CreateUserBody } }, required: true } },
  responses: {
    201: userResponse("Created"),
    409: problemResponseSpec("E-mail already used"),
    ...errors,
    403: problemResponseSpec("Role or scope does not allow it, or the plan's users are all in use (quota-users)"),
  },
});

const PatchUserBody = z
  .object({
    role: z.enum(ROLES).optional(),
    status: z.enum(["active", "suspended"]).optional(),
    full_name: NameField.nullable().optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "give role, status or full_name")
  .openapi("PatchUser");

const patchRoute = createRoute({
  method: "patch",
  path: "/v1/users/{id}",
  operationId: "update_user",
  tags: ["Users"],
  summary: "Change a user's role, status or name (owner, admin)",
  security,
  middleware: guard("users.manage", { action: "user.update", resource: "user", idParam: "id" }),
  request: { params: UserParams, body: { content: { "application/json": { schema: PatchUserBody } }, required: true } },
  responses: { 200: userResponse("Updated"), 409: problemResponseSpec("Would leave no active owner"), ...errors },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/v1/users/{id}",
  operationId: "delete_user",
  tags: ["Users"],
  summary: "Delete a user: their API keys are revoked, their live dashboards closed and their e-mail freed",
  security,
  middleware: guard("users.manage", { action: "user.delete", resource: "user", idParam: "id" }),
  request: { params: UserParams },
  responses: { 204: { description: "Deleted" }, 409: problemResponseSpec("Would leave no active owner"), ...errors },
});

const UserCursor = z.object({ id: z.string() });

export const usersRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { scope } = caller(c);
    const query = c.req.valid("query");
    const after = decodeCursor(query.cursor, UserCursor);
    const page = await listUsers(scope, {
      afterId: after?.id,
      limit: query.limit,
      role: query.role,
      status: query.status,
    });
    return c.json(
      pageOf(page.rows.map(toUser), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  })
  .openapi(getRoute, async (c) => c.json(toUser(await targetUser(c, c.req.valid("param").id)), 200))
  .openapi(createRouteDef, async (c) => {
    const { user, scope } = caller(c);
    const body = c.req.valid("json");
    if (!canAssignRole(user.role, body.role)) throw new ProblemError("forbidden", "Only an owner may add an owner");
    // The plan's users (docs/billing.md, Tiers and quotas): refused before the password is hashed.
    const quota = await countGuard(c, scope, "users");
    await refuseWhenFull(quota);
    const userId = newId("user");
    const now = isoNow(c.var.clock);
    await commitUserChange(
      c,
      [
        insertUser(scope, {
          userId,
          email: body.email,
          passwordHash: await hashPassword(body.password, passwordIterations(c.env)),
          fullName: body.full_name ?? null,
          role: body.role,
          now,
        }),
        quota.check,
      ],
      { action: "user.create", resourceType: "user", resourceId: userId, metadata: { role: body.role } },
    ).catch(async (error: unknown) => {
      throw await overQuota(quota, error);
    });
    return c.json(toUser((await getUser(scope, userId)) as UserRow), 201);
  })
  .openapi(patchRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const target = await targetUser(c, id);
    assertMayManage(c, target, body.role);
    const statements = [updateUser(scope, id, body, isoNow(c.var.clock))];
    // A suspended user's keys stop working through the status check; a demotion
    // takes effect at once because roles are read on every request.
    await commitUserChange(
      c,
      statements,
      {
        action: "user.update",
        resourceType: "user",
        resourceId: id,
        metadata: { fields: Object.keys(body), role: body.role, status: body.status },
      },
      body.status === "suspended",
    );
    return c.json(toUser((await getUser(scope, id)) as UserRow), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const target = await targetUser(c, id);
    assertMayManage(c, target);
    await commitUserChange(
      c,
      [deleteUser(scope, id, isoNow(c.var.clock)), revokeUserApiKeys(scope, id)],
      { action: "user.delete", resourceType: "user", resourceId: id },
      true,
    );
    return c.body(null, 204);
  });
