// POST /v1/billing/stripe/webhook: Stripe's events set each tenant's subscription and
// tier (docs/billing.md, Stripe and subscription states). No tenant credential: the
// Stripe-Signature header is the credential, checked against the STRIPE_WEBHOOK_SECRET
// secret over the raw body before anything is read from it
// (src/core/billing/stripe-signature.ts). Without the secret nothing is applied (503,
// never an unsigned fallback); Stripe keeps the event and sends it again.
//
// A verified event is applied once (src/core/db/stripe-events.ts): to the one tenant whose
// stripe_customer_id is the event's customer, and only when it is not older than the
// newest event applied to that tenant. Everything verified is answered 200 and recorded,
// so Stripe stops sending it: an event of a type not applied (ignored), of a customer no
// tenant has (unmatched: the operator sets the customer with PATCH /v1/admin/tenants/{id};
// the next event of that customer applies), of a customer two tenants have (ambiguous,
// nothing applied), or a repeat (its first outcome, `duplicate: true`).
import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { parsePriceTiers } from "../../core/billing/price-tiers";
import { billingChange, type StripeEvent } from "../../core/billing/stripe-events";
import { verifyStripeSignature } from "../../core/billing/stripe-signature";
import { isoNow } from "../../core/clock";
import { pendingAuditRow } from "../../core/db/audit-logs";
import {
  applyEvent,
  type EventOutcome,
  type EventRecord,
  findStripeEvent,
  recordEvent,
  tenantsOfCustomer,
} from "../../core/db/stripe-events";
import { findTenant } from "../../core/db/tenants";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { auditInTenantShard } from "../http/audit";
import { ProblemError } from "../http/problem";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset, tenantObject } from "../objects";

/** What reasons a signature failed for, as the client reads them. */
const SIGNATURE_FAILURES = {
  malformed: "Stripe-Signature is missing or malformed (t=<seconds>,v1=<hex>)",
  no_match: "no v1 signature of Stripe-Signature matches the body",
  too_old: "the signature's timestamp is more than 5 minutes old",
  too_new: "the signature's timestamp is more than 5 minutes ahead",
} as const;

/** The signature, checked on the raw body before the body is parsed (the validator reads it after). */
const verifiedByStripe = createMiddleware<AppEnv>(async (c, next) => {
  const secret = c.env.STRIPE_WEBHOOK_SECRET ?? "";
  if (secret.length === 0) {
    console.error("POST /v1/billing/stripe/webhook: STRIPE_WEBHOOK_SECRET is not set; nothing applied");
    throw new ProblemError("unavailable", "The webhook's signing secret is not configured: nothing was applied");
  }
  // Hono keeps the text: the JSON validator after this reads the same bytes.
  const raw = await c.req.text();
  const check = await verifyStripeSignature(c.req.header("Stripe-Signature"), raw, secret, c.var.clock());
  if (!check.ok) throw new ProblemError("webhookSignature", SIGNATURE_FAILURES[check.reason]);
  await next();
});

const StripeEventBody = z
  .object({
    id: z.string().min(1).max(255),
    type: z.string().min(1).max(255),
    created: z.number().int().min(0).max(99_999_999_999),
    data: z.object({ object: z.record(z.string(), z.unknown()) }).loose(),
  })
  .loose()
  .openapi("StripeEvent");

const Received = z
  .object({
    received: z.literal(true),
    event_id: z.string(),
    outcome: z.enum(["applied", "stale", "ignored", "unmatched", "ambiguous"]),
    duplicate: z.boolean(),
  })
  .openapi("StripeEventReceived");

const route = createRoute({
  method: "post",
  path: "/v1/billing/stripe/webhook",
  operationId: "receive_stripe_event",
  security: [],
  tags: ["Billing"],
  summary: "Stripe's events: subscriptions and invoices set the tenant's tier and subscription status",
  description:
    "Authenticated by Stripe-Signature (STRIPE_WEBHOOK_SECRET, 5 minutes' tolerance either way). Each event id is applied once; an event older than the newest applied to its tenant changes nothing. Every verified event is answered 200 with what became of it.",
  middleware: [verifiedByStripe],
  request: { body: { content: { "application/json": { schema: StripeEventBody } }, required: true } },
  responses: {
    200: { description: "Received", content: { "application/json": { schema: Received } } },
    400: problemResponseSpec("The signature does not verify (webhook-signature), or the event lacks a field it needs"),
    503: problemResponseSpec("STRIPE_WEBHOOK_SECRET or STRIPE_PRICE_TIERS is not configured: nothing applied"),
  },
});

/** Records `event` as changing nothing, or applies it to its tenant: its outcome, and whether it was a repeat. */
async function take(
  db: D1Database,
  record: EventRecord,
  event: StripeEvent,
  change: ReturnType<typeof billingChange>,
): Promise<{ outcome: EventOutcome; duplicate: boolean; tenantId: string | null }> {
  const first = async (statement: D1PreparedStatement, outcome: EventOutcome, tenantId: string | null) => {
    const [result] = await db.batch([statement]);
    return result?.meta.changes ? { outcome, duplicate: false, tenantId } : repeated(db, event.id);
  };
  if (change.kind === "invalid") throw new Error("an invalid event reached take()");
  if (change.kind === "ignored") return first(recordEvent(db, record, "ignored", null, change.detail), "ignored", null);
  const tenants = await tenantsOfCustomer(db, change.customerId);
  const [only] = tenants;
  if (!only) return first(recordEvent(db, record, "unmatched", null, "no tenant has this customer"), "unmatched", null);
  if (tenants.length > 1) {
    console.error(`Stripe event ${event.id}: customer ${change.customerId} belongs to several tenants; not applied`);
    const detail = `tenants ${tenants.join(", ")} have this customer`;
    return first(recordEvent(db, record, "ambiguous", null, detail), "ambiguous", null);
  }
  const detail = change.kind === "subscription" ? change.detail : null;
  const results = await db.batch(applyEvent(db, record, only, change, detail));
  const recorded = (results[1]?.results as { outcome: EventOutcome }[] | undefined)?.[0];
  return recorded ? { outcome: recorded.outcome, duplicate: false, tenantId: only } : repeated(db, event.id);
}

/** A repeat: what became of the event the first time. */
async function repeated(db: D1Database, eventId: string) {
  const row = await findStripeEvent(db, eventId);
  if (!row) throw new Error(`Stripe event ${eventId} was recorded yet cannot be read`);
  return { outcome: row.outcome, duplicate: true, tenantId: row.tenant_id };
}

export const stripeWebhookRoutes = createRouter().openapi(route, async (c) => {
  const event = c.req.valid("json") as StripeEvent;
  const tiers = parsePriceTiers(c.env.STRIPE_PRICE_TIERS);
  if (!tiers.ok) {
    console.error(`POST /v1/billing/stripe/webhook: ${tiers.problem}; nothing applied`);
    throw new ProblemError("unavailable", "The price map (STRIPE_PRICE_TIERS) is not valid: nothing was applied");
  }
  const change = billingChange(event, tiers.tiers);
  if (change.kind === "invalid") {
    const [first] = change.errors;
    throw new ProblemError("validation", `body field "${first?.field}": ${first?.message}`, { errors: change.errors });
  }
  const now = isoNow(c.var.clock);
  const record: EventRecord = {
    eventId: event.id,
    type: event.type,
    created: event.created,
    customerId: change.customerId,
    receivedAt: now,
  };
  const taken = await take(c.env.DB, record, event, change);
  if (taken.outcome === "applied" && taken.tenantId) {
    const tenant = await findTenant(c.env.DB, taken.tenantId);
    if (tenant) {
      if (!taken.duplicate) {
        // The tenant's own trail says what its billing became, and why.
        const actor = { tenantId: tenant.tenant_id, userId: "stripe", ip: null, userAgent: null, requestId: event.id };
        await auditInTenantShard(c.env, tenant.tenant_id, [
          pendingAuditRow(
            actor,
            {
              action: "tenant.subscription_update",
              resourceType: "tenant",
              resourceId: tenant.tenant_id,
              metadata: {
                event_type: event.type,
                tier: tenant.tier,
                subscription_status: tenant.subscription_status,
                past_due_since: tenant.past_due_since,
              },
            },
            now,
          ),
        ]);
      }
      // Told again on a repeat: should the first delivery have failed before this, its
      // object learns it now rather than when its kept record expires (a minute).
      const object = await tenantObject(c.env, tenant.tenant_id);
      await retryOnReset(object, "billingChanged", tenant.subscription_status ?? "active");
    }
  }
  return c.json(
    { received: true as const, event_id: event.id, outcome: taken.outcome, duplicate: taken.duplicate },
    200,
  );
});
