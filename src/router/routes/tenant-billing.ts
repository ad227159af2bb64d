// PATCH /v1/tenant/billing: the owner cannot set billing (docs/billing.md, Stripe and
// subscription states). The tier and the subscription status come from Stripe's webhook
// (stripe-webhook.ts); the Stripe customer, and any override, from the operator
// (PATCH /v1/admin/tenants/{id}). The route stays, so that a client that set them here
// learns why it no longer can: a body naming tier, subscription_status or
// stripe_customer_id is refused with 403 billing-managed naming each, and changes
// nothing; the refusal is audited. The owner reads them with GET /v1/tenant.
import { createRoute, z } from "@hono/zod-openapi";
import { SUBSCRIPTION_STATUSES, TIERS } from "../../core/db/tenants";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { ProblemError } from "../http/problem";
import { problemResponseSpec } from "../http/schemas";

const BillingBody = z
  .object({
    tier: z.enum(TIERS).optional(),
    subscription_status: z.enum(SUBSCRIPTION_STATUSES).optional(),
    stripe_customer_id: z
      .string()
      .regex(/^cus_[A-Za-z0-9]{1,64}$/, "a Stripe customer id (cus_...)")
      .nullable()
      .optional(),
  })
  .strict()
  .refine(
    (body) => Object.values(body).some((v) => v !== undefined),
    "give tier, subscription_status or stripe_customer_id",
  )
  .openapi("PatchBilling");

const billingRoute = createRoute({
  method: "patch",
  path: "/v1/tenant/billing",
  operationId: "update_tenant_billing",
  tags: ["Tenants"],
  summary: "Refused: the plan comes from the subscription (Stripe) and the operator, never the owner",
  description:
    "Kept so that a client that set its tier here learns why it cannot: 403 billing-managed, naming each field sent. Nothing changes. The tier and subscription_status are read with GET /v1/tenant.",
  security: [{ bearerAuth: [] }],
  middleware: guard("tenant.billing", { action: "tenant.billing_update", resource: "tenant" }),
  request: { body: { content: { "application/json": { schema: BillingBody } }, required: true } },
  responses: {
    400: problemResponseSpec("Invalid body"),
    401: problemResponseSpec("No valid credential"),
    403: problemResponseSpec("Billing is not the owner's to set (billing-managed, the fields named), or role or scope"),
  },
});

export const tenantBillingRoutes = createRouter().openapi(billingRoute, async (c) => {
  const body = c.req.valid("json");
  const fields = Object.keys(body).filter((key) => body[key as keyof typeof body] !== undefined);
  const message = "set by the subscription (Stripe) or the operator, never through the API";
  throw new ProblemError("billingManaged", `${fields.join(", ")}: ${message}`, {
    errors: fields.map((field) => ({ in: "body", field, message })),
  });
});
