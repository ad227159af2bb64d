// The platform operator's tenant routes: POST /v1/tenants creates a tenant, its owner
// and a first API key (returned once); PATCH /v1/tenants/{id} suspends or reactivates
// one. A suspension ends every credential and every live dashboard of the tenant on
// the very next request.

import { createRoute, z } from "@hono/zod-openapi";
import { DEFAULT_RATE_LIMIT_PER_HOUR, type IssuedApiKey, issueApiKey } from "../../core/auth/issue-api-key";
import { hashPassword, passwordIterations } from "../../core/auth/passwords";
import { grantableScopes } from "../../core/auth/permissions";
import { isoNow } from "../../core/clock";
import { toApiKey } from "../../core/db/api-keys";
import { idPattern, newId } from "../../core/db/ids";
import { scopeOn } from "../../core/db/tenant-scope";
import { findTenant, REGIONS, TIERS, toTenant, updateTenant } from "../../core/db/tenants";
import { getUser, insertUser, toUser } from "../../core/db/users";
import { provisionTenant } from "../../core/placement/provision-tenant";
import { operatorGuard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { auditActor, commitGlobalForTenant } from "../http/audit";
import {
  CreatedApiKeySchema,
  EmailField,
  NameField,
  PasswordField,
  SettingsField,
  TenantSchema,
  UserSchema,
} from "../http/identity-schemas";
import { ProblemError } from "../http/problem";
import { problemResponseSpec } from "../http/schemas";
import { refuseRaisedWindows } from "../http/window-settings";
import { retryOnReset, tenantObject } from "../objects";

const CreateTenantBody = z
  .object({
    name: NameField,
    region: z.enum(REGIONS),
    tier: z.enum(TIERS).default("standard"),
    settings: SettingsField.default({}),
    owner: z.object({ email: EmailField, password: PasswordField, full_name: NameField.optional() }),
  })
  .openapi("CreateTenant");

const CreatedTenant = z
  .object({ tenant: TenantSchema, owner: UserSchema, api_key: CreatedApiKeySchema })
  .openapi("CreatedTenant");

const route = createRoute({
  method: "post",
  path: "/v1/tenants",
  operationId: "create_tenant",
  tags: ["Tenants"],
  summary: "Create a tenant with its owner and first API key (operator)",
  security: [{ bearerAuth: [] }],
  middleware: operatorGuard({ action: "tenant.create", resource: "tenant" }),
  request: { body: { content: { "application/json": { schema: CreateTenantBody } }, required: true } },
  responses: {
    201: {
      description: "Created; the API key is shown only here",
      content: { "application/json": { schema: CreatedTenant } },
    },
    400: problemResponseSpec("Invalid body"),
    401: problemResponseSpec("Not the operator"),
  },
});

const TenantParams = z.object({
  id: z
    .string()
    .regex(idPattern("tenant"), "a tenant id (ten_...)")
    .openapi({ param: { name: "id", in: "path" } }),
});

const TenantStatusBody = z
  .object({ status: z.enum(["active", "suspended"]) })
  .strict()
  .openapi("PatchTenantStatus");

const statusRoute = createRoute({
  method: "patch",
  path: "/v1/tenants/{id}",
  operationId: "set_tenant_status",
  tags: ["Tenants"],
  summary: "Suspend or reactivate a tenant (operator): suspended, its credentials and live dashboards stop at once",
  security: [{ bearerAuth: [] }],
  middleware: operatorGuard({ action: "tenant.status_update", resource: "tenant", idParam: "id" }),
  request: {
    params: TenantParams,
    body: { content: { "application/json": { schema: TenantStatusBody } }, required: true },
  },
  responses: {
    200: { description: "The tenant", content: { "application/json": { schema: TenantSchema } } },
    400: problemResponseSpec("Invalid body or id"),
    401: problemResponseSpec("Not the operator"),
    404: problemResponseSpec("No such tenant"),
    409: problemResponseSpec("The tenant was deleted"),
  },
});

export const tenantsRoutes = createRouter()
  .openapi(route, async (c) => {
    const body = c.req.valid("json");
    refuseRaisedWindows(c.env, body.settings);
    const now = isoNow(c.var.clock);
    const tenantId = newId("tenant");
    const ownerId = newId("user");
    const kmsKeyId = newId("kmsKey");
    const passwordHash = await hashPassword(body.owner.password, passwordIterations(c.env));
    let apiKey: IssuedApiKey | undefined;
    const placement = await provisionTenant(
      c.env,
      { tenantId, name: body.name, region: body.region, tier: body.tier, kmsKeyId, settings: body.settings, now },
      async (scope) => {
        apiKey = await issueApiKey(
          scope,
          {
            userId: ownerId,
            scopes: grantableScopes("owner"),
            rateLimitPerHour: DEFAULT_RATE_LIMIT_PER_HOUR,
            expiresAt: null,
            parentKeyId: null,
          },
          now,
        );
        const owner = insertUser(scope, {
          userId: ownerId,
          email: body.owner.email,
          passwordHash,
          fullName: body.owner.full_name ?? null,
          role: "owner",
          now,
        });
        return {
          statements: [owner, apiKey.statement],
          keyPrefix: apiKey.row.key_prefix,
          audit: {
            actor: { ...auditActor(c), tenantId },
            event: {
              action: "tenant.create",
              resourceType: "tenant",
              resourceId: tenantId,
              metadata: { region: body.region, shard: scope.shard, owner_id: ownerId, api_key_id: apiKey.row.key_id },
            },
          },
        };
      },
    );
    if (!apiKey) throw new Error("the owner's key was not made");
    const scope = scopeOn(c.env, placement);
    const [tenant, owner] = await Promise.all([findTenant(c.env.DB, tenantId), getUser(scope, ownerId)]);
    if (!tenant || !owner) throw new Error("tenant vanished right after creation");
    return c.json(
      { tenant: toTenant(tenant), owner: toUser(owner), api_key: { ...toApiKey(apiKey.row), key: apiKey.key } },
      201,
    );
  })
  .openapi(statusRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { status } = c.req.valid("json");
    const tenant = await findTenant(c.env.DB, id);
    if (!tenant) throw new ProblemError("notFound", "No such tenant");
    if (tenant.status === "deleted") throw new ProblemError("conflict", "A deleted tenant stays deleted");
    await commitGlobalForTenant(c, id, [updateTenant(c.env.DB, id, { status }, isoNow(c.var.clock))], {
      action: status === "suspended" ? "tenant.suspend" : "tenant.reactivate",
      resourceType: "tenant",
      resourceId: id,
      metadata: { from: tenant.status, to: status },
    });
    // Either way the object must read the tenant's status again; a suspension also
    // voids the tenant's live tickets and closes its live sockets. Reactivated, the
    // work it paused resumes at once (its scheduled posts held meanwhile stay held:
    // docs/publishing.md, Held posts).
    const object = await tenantObject(c.env, id);
    await retryOnReset(object, "forgetCredentials", { all: true, endsAccess: status === "suspended" });
    await retryOnReset(object, "tenantStatusChanged", status);
    return c.json(toTenant((await findTenant(c.env.DB, id)) ?? { ...tenant, status }), 200);
  });
