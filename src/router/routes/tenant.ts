// The caller's own tenant: read, rename and configure, deletion (owner), key rotation
// (owner). Billing is not the owner's to set: tenant-billing.ts.

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isoNow } from "../../core/clock";
import { applyRotation, planRotation } from "../../core/crypto/rotate-tenant-key";
import { auditStatement } from "../../core/db/audit-logs";
import { parseJson } from "../../core/db/json-column";
import { graceEnd, insertGrace } from "../../core/db/tenant-erasures";
import { replaceSettingsKeeping } from "../../core/db/tenant-settings";
import {
  bumpEncryptionVersion,
  findTenant,
  type TenantPatch,
  type TenantRow,
  toTenant,
  updateTenant,
} from "../../core/db/tenants";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { auditActor, commitGlobalForTenant } from "../http/audit";
import { OPERATOR_SETTING_KEYS, refuseOperatorSettingChanges } from "../http/billing-settings";
import { DeletedTenantSchema } from "../http/erasure-schemas";
import { NameField, SettingsField, TenantSchema } from "../http/identity-schemas";
import { ProblemError } from "../http/problem";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { deletedTenantView, markDeleted, stopEverywhere } from "../http/tenant-deletion";
import { refuseRaisedWindows } from "../http/window-settings";

const security = [{ bearerAuth: [] }];
const errors = {
  400: problemResponseSpec("Invalid body"),
  401: problemResponseSpec("No valid credential"),
  403: problemResponseSpec("Role or scope does not allow it"),
};
const tenantResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: TenantSchema } },
});

async function currentTenant(c: Context<AppEnv>): Promise<TenantRow> {
  const { user } = caller(c);
  const row = await findTenant(c.env.DB, user.tenantId);
  if (!row) throw new ProblemError("notFound", "Tenant not found");
  return row;
}

/** Applies `patch` to the registry row with its audit row; returns the new tenant. */
async function patchTenant(c: Context<AppEnv>, patch: TenantPatch, action: string) {
  const { user } = caller(c);
  refuseRaisedWindows(c.env, patch.settings);
  const current = await currentTenant(c);
  // The plan's quota overrides and a past_due subscription's grace are the operator's
  // (src/router/http/billing-settings.ts): a change is refused, and the settings
  // written keep the stored ones.
  refuseOperatorSettingChanges(parseJson(current.settings, {}), patch.settings);
  const { settings, ...fields } = patch;
  const now = isoNow(c.var.clock);
  const statements = [updateTenant(c.env.DB, user.tenantId, fields, now)];
  if (settings) statements.push(replaceSettingsKeeping(c.env.DB, user.tenantId, settings, OPERATOR_SETTING_KEYS, now));
  // The directory row is global, the tenant's trail is in its shard (src/router/http/audit.ts).
  await commitGlobalForTenant(c, user.tenantId, statements, {
    action,
    resourceType: "tenant",
    resourceId: user.tenantId,
    // Field names and the plan only: settings may hold anything.
    metadata: { fields: Object.keys(patch), tier: patch.tier },
  });
  // The TenantObject keeps settings (publishing windows, the plan) for a minute: not after a change.
  await (await callerObject(c)).forgetTenantRecord();
  return toTenant(await currentTenant(c));
}

const atLeastOneField = (value: Record<string, unknown>) => Object.values(value).some((v) => v !== undefined);

const getTenantRoute = createRoute({
  method: "get",
  path: "/v1/tenant",
  operationId: "get_tenant",
  tags: ["Tenants"],
  summary: "The caller's tenant",
  security,
  middleware: guard("tenant.read", { action: "tenant.read", resource: "tenant" }),
  responses: { 200: tenantResponse("The tenant"), ...errors },
});

const PatchTenantBody = z
  .object({ name: NameField.optional(), settings: SettingsField.optional() })
  .strict()
  .refine(atLeastOneField, "give name or settings")
  .openapi("PatchTenant");

const patchTenantRoute = createRoute({
  method: "patch",
  path: "/v1/tenant",
  operationId: "update_tenant",
  tags: ["Tenants"],
  summary: "Rename the tenant or replace its settings (owner, admin)",
  security,
  middleware: guard("tenant.update", { action: "tenant.update", resource: "tenant" }),
  request: { body: { content: { "application/json": { schema: PatchTenantBody } }, required: true } },
  responses: {
    200: tenantResponse("The updated tenant"),
    ...errors,
    403: problemResponseSpec(
      "Role or scope does not allow it, or the settings change one of the plan's quota overrides (the operator's alone)",
    ),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/v1/tenant",
  operationId: "delete_tenant",
  tags: ["Tenants"],
  summary:
    "Delete the tenant (owner, signed in): every credential stops working, every live dashboard closes, and the tenant is erased after a 30-day grace unless restored (POST /v1/tenant/restore)",
  security,
  middleware: guard("tenant.delete", { action: "tenant.delete", resource: "tenant" }),
  responses: {
    200: { description: "The deleted tenant", content: { "application/json": { schema: DeletedTenantSchema } } },
    ...errors,
  },
});

const RotationResult = z
  .object({
    encryption_version: z.number().int(),
    previous_version: z.number().int(),
    reencrypted: z.record(z.string(), z.number().int()),
  })
  .openapi("KeyRotation");

const rotateRoute = createRoute({
  method: "post",
  path: "/v1/tenant/rotate-key",
  operationId: "rotate_tenant_key",
  tags: ["Tenants"],
  summary: "Rotate the tenant's encryption key (owner): re-encrypts every secret",
  security,
  middleware: guard("tenant.rotate_key", { action: "tenant.rotate_key", resource: "tenant" }),
  responses: {
    200: { description: "Rotated", content: { "application/json": { schema: RotationResult } } },
    409: problemResponseSpec("Another rotation finished first"),
    ...errors,
  },
});

export const tenantRoutes = createRouter()
  .openapi(getTenantRoute, async (c) => c.json(toTenant(await currentTenant(c)), 200))
  .openapi(patchTenantRoute, async (c) => c.json(await patchTenant(c, c.req.valid("json"), "tenant.update"), 200))
  .openapi(deleteRoute, async (c) => {
    const { user } = caller(c);
    await currentTenant(c);
    const nowMs = c.var.clock();
    // The directory first (the status and the grace of the tenant's erasure, one batch),
    // then the tenant stopped everywhere (src/router/http/tenant-deletion.ts says why
    // in this order). The grace's start is in the tenant's own trail.
    await commitGlobalForTenant(
      c,
      user.tenantId,
      [
        markDeleted(c.env.DB, user.tenantId, isoNow(c.var.clock)),
        insertGrace(c.env.DB, { tenantId: user.tenantId, requestedBy: `user:${user.userId}`, nowMs }),
      ],
      {
        action: "tenant.delete",
        resourceType: "tenant",
        resourceId: user.tenantId,
        metadata: { erase_after: graceEnd(nowMs) },
      },
    );
    await stopEverywhere(c.env, user.tenantId);
    return c.json(await deletedTenantView(c.env.DB, user.tenantId), 200);
  })
  .openapi(rotateRoute, async (c) => {
    const { user, scope } = caller(c);
    const tenant = await currentTenant(c);
    const from = tenant.encryption_version;
    const to = { masterKey: c.env.KMS_MASTER_KEY, kmsKeyId: tenant.kms_key_id, version: from + 1 };
    const plan = await planRotation(scope, to);
    const now = isoNow(c.var.clock);
    await applyRotation(
      scope,
      plan,
      auditStatement(
        scope.db,
        auditActor(c),
        {
          action: "tenant.rotate_key",
          resourceType: "tenant",
          resourceId: user.tenantId,
          metadata: { from_version: from, to_version: to.version, reencrypted: plan.counts },
        },
        now,
      ),
    );
    // Shard first (every secret re-encrypted, with the audit row), then the directory's
    // version: a failure between leaves ciphertexts naming the new version while new
    // ones are still written with the old, and both stay readable (each names its own).
    const [bumped] = await c.env.DB.batch([bumpEncryptionVersion(c.env.DB, user.tenantId, from, to.version, now)]);
    if (!bumped?.meta.changes) {
      throw new ProblemError("conflict", "Another key rotation finished first; the tenant is already rotated");
    }
    // New secrets are written with the new version from now on.
    await (await callerObject(c)).forgetCredentials({ all: true });
    return c.json({ encryption_version: to.version, previous_version: from, reencrypted: plan.counts }, 200);
  });
