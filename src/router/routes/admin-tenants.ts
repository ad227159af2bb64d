// PATCH /v1/admin/tenants/{id}: the operator sets a tenant's Stripe customer and overrides
// its tier, status, subscription status and settings (docs/billing.md, Stripe and
// subscription states). One statement on the directory row with its operator audit row,
// one batch (src/core/db/tenant-billing.ts says how each field is written: settings are
// merged, a key given as null removes it). The tenant's object is told at once: a status
// change as PATCH /v1/tenants/{id} tells it (a suspension ends its credentials and
// closes its live sockets), a billing change by billingChanged. A later Stripe event
// overrides what the operator set here, as it overrides an earlier event.
import { createRoute, z } from "@hono/zod-openapi";
import { isoNow } from "../../core/clock";
import { idPattern } from "../../core/db/ids";
import { operatorTenantUpdate } from "../../core/db/tenant-billing";
import { findTenant, SUBSCRIPTION_STATUSES, type TenantRow, TIERS, toTenant } from "../../core/db/tenants";
import { operatorGuard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { commitOperatorAudited } from "../http/audit";
import { SettingsField, TenantSchema } from "../http/identity-schemas";
import { boundedJson } from "../http/json-field";
import { ProblemError } from "../http/problem";
import { problemResponseSpec } from "../http/schemas";
import { refuseRaisedWindows } from "../http/window-settings";
import { retryOnReset, tenantObject } from "../objects";

const TenantParams = z.object({
  id: z
    .string()
    .regex(idPattern("tenant"), "a tenant id (ten_...)")
    .openapi({ param: { name: "id", in: "path" } }),
});

const OperatorTenantBody = z
  .object({
    stripe_customer_id: z
      .string()
      .regex(/^cus_[A-Za-z0-9]{1,64}$/, "a Stripe customer id (cus_...)")
      .nullable()
      .optional(),
    tier: z.enum(TIERS).optional(),
    status: z.enum(["active", "suspended"]).optional(),
    subscription_status: z.enum(SUBSCRIPTION_STATUSES).optional(),
    settings: boundedJson(z.record(z.string(), z.unknown()), 16_384).optional().openapi({
      description:
        "Merged into the tenant's settings: each key given replaces the stored one, a key given as null removes it",
    }),
  })
  .strict()
  .refine(
    (body) => Object.values(body).some((value) => value !== undefined),
    "give stripe_customer_id, tier, status, subscription_status or settings",
  )
  .openapi("PatchOperatorTenant");

const route = createRoute({
  method: "patch",
  path: "/v1/admin/tenants/{id}",
  operationId: "override_tenant",
  tags: ["Operator"],
  summary: "Set a tenant's Stripe customer; override its tier, status, subscription status or settings (operator)",
  security: [{ bearerAuth: [] }],
  middleware: operatorGuard({ action: "tenant.billing_override", resource: "tenant", idParam: "id" }),
  request: {
    params: TenantParams,
    body: { content: { "application/json": { schema: OperatorTenantBody } }, required: true },
  },
  responses: {
    200: { description: "The tenant", content: { "application/json": { schema: TenantSchema } } },
    400: problemResponseSpec("Invalid body or id (the field named)"),
    401: problemResponseSpec("Not the operator"),
    404: problemResponseSpec("No such tenant"),
    409: problemResponseSpec("The tenant was deleted, or another tenant has that Stripe customer"),
  },
});

/** The settings patch, its null keys aside, validated as settings are (a 400 naming the field). */
function checkedSettings(env: Env, settings: Record<string, unknown> | undefined): void {
  if (!settings) return;
  const given = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== null));
  const parsed = SettingsField.safeParse(given);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      in: "body",
      field: ["settings", ...issue.path.map(String)].join("."),
      message: issue.message,
    }));
    throw new ProblemError("validation", `body field "${errors[0]?.field}": ${errors[0]?.message}`, { errors });
  }
  refuseRaisedWindows(env, parsed.data);
}

async function tenantOrRefusal(env: Env, id: string, customer: string | null | undefined): Promise<TenantRow> {
  const tenant = await findTenant(env.DB, id);
  if (!tenant) throw new ProblemError("notFound", "No such tenant");
  if (tenant.status === "deleted") throw new ProblemError("conflict", "A deleted tenant stays deleted");
  if (customer) {
    const other = await env.DB.prepare("SELECT tenant_id FROM tenants WHERE stripe_customer_id = ? AND tenant_id <> ?")
      .bind(customer, id)
      .first<{ tenant_id: string }>();
    if (other) throw new ProblemError("conflict", `Another tenant has Stripe customer ${customer}`);
  }
  return tenant;
}

export const adminTenantsRoutes = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const patch = c.req.valid("json");
  checkedSettings(c.env, patch.settings);
  const before = await tenantOrRefusal(c.env, id, patch.stripe_customer_id);
  const [result] = await commitOperatorAudited(c, [operatorTenantUpdate(c.env.DB, id, patch, isoNow(c.var.clock))], {
    action: "tenant.billing_override",
    resourceType: "tenant",
    resourceId: id,
    // Field names, the plan and the states; settings may hold anything.
    metadata: {
      fields: Object.keys(patch),
      ...(patch.tier ? { tier: { from: before.tier, to: patch.tier } } : {}),
      ...(patch.status ? { status: { from: before.status, to: patch.status } } : {}),
      ...(patch.subscription_status
        ? { subscription_status: { from: before.subscription_status, to: patch.subscription_status } }
        : {}),
      ...(patch.stripe_customer_id !== undefined ? { stripe_customer_id: patch.stripe_customer_id } : {}),
    },
  });
  // Checked just before; deleted or the customer taken since: nothing was changed.
  if (!result?.meta.changes) throw new ProblemError("conflict", "The tenant changed meanwhile; nothing was changed");
  const after = await findTenant(c.env.DB, id);
  if (!after) throw new Error(`tenant ${id} vanished after its update`);
  const object = await tenantObject(c.env, id);
  if (patch.status) {
    // As PATCH /v1/tenants/{id}: a suspension voids its live tickets and closes its sockets.
    await retryOnReset(object, "forgetCredentials", { all: true, endsAccess: patch.status === "suspended" });
    await retryOnReset(object, "tenantStatusChanged", patch.status);
  }
  // The tier, the subscription and the settings the object keeps: read again.
  await retryOnReset(object, "billingChanged", after.subscription_status ?? "active");
  return c.json(toTenant(after), 200);
});
