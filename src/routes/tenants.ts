// POST /v1/tenants: the platform operator creates a tenant, its owner and a first
// API key (returned once).
import { createRoute, z } from "@hono/zod-openapi";
import { operatorGuard } from "../auth/guard";
import { DEFAULT_RATE_LIMIT_PER_HOUR, issueApiKey } from "../auth/issue-api-key";
import { hashPassword } from "../auth/passwords";
import { grantableScopes } from "../auth/permissions";
import { toApiKey } from "../db/api-keys";
import { newId } from "../db/ids";
import { tenantScope } from "../db/tenant-scope";
import { findTenant, insertTenant, REGIONS, TIERS, toTenant } from "../db/tenants";
import { nowIso } from "../db/time";
import { getUser, insertUser, toUser } from "../db/users";
import { createRouter } from "../http/app-env";
import { auditActor, commitAudited } from "../http/audit";
import {
  CreatedApiKeySchema,
  EmailField,
  NameField,
  PasswordField,
  SettingsField,
  TenantSchema,
  UserSchema,
} from "../http/identity-schemas";
import { problemResponseSpec } from "../http/schemas";

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

export const tenantsRoutes = createRouter().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const now = nowIso();
  const tenantId = newId("tenant");
  const ownerId = newId("user");
  const scope = tenantScope(c.env, tenantId);
  const apiKey = await issueApiKey(
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
  // The registry row and the tenant's first rows share one database today, so one
  // batch creates them all or nothing.
  await commitAudited(
    c,
    scope.db,
    [
      insertTenant(c.env.DB, {
        tenantId,
        name: body.name,
        region: body.region,
        tier: body.tier,
        kmsKeyId: newId("kmsKey"),
        settings: body.settings,
        now,
      }),
      insertUser(scope, {
        userId: ownerId,
        email: body.owner.email,
        passwordHash: await hashPassword(body.owner.password),
        fullName: body.owner.full_name ?? null,
        role: "owner",
        now,
      }),
      apiKey.statement,
    ],
    {
      action: "tenant.create",
      resourceType: "tenant",
      resourceId: tenantId,
      metadata: { region: body.region, owner_id: ownerId, api_key_id: apiKey.row.key_id },
    },
    { ...auditActor(c), tenantId },
  );
  const [tenant, owner] = await Promise.all([findTenant(c.env.DB, tenantId), getUser(scope, ownerId)]);
  if (!tenant || !owner) throw new Error("tenant vanished right after creation");
  return c.json(
    { tenant: toTenant(tenant), owner: toUser(owner), api_key: { ...toApiKey(apiKey.row), key: apiKey.key } },
    201,
  );
});
