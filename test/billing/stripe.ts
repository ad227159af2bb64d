// Stripe's side of the billing tests: events shaped as Stripe sends them, signed exactly
// as Stripe documents (docs/billing.md; HMAC-SHA256 over `${t}.${raw body}` with the
// endpoint's secret, hex, in `Stripe-Signature: t=…,v1=…`), sent to the webhook as Stripe
// would: through the Worker, or through a router on a clock the test chooses.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { createApp } from "../../src/router/app";
import { call, requestOf } from "../support/http";
import { ADMIN } from "../support/tenants";
import { TEST_SECRETS } from "../support/test-secrets";

export const SECRET = TEST_SECRETS.STRIPE_WEBHOOK_SECRET;
export const WEBHOOK = "/v1/billing/stripe/webhook";
/** wrangler.toml's development price map. */
export const PRICES = { free: "price_dev_free", standard: "price_dev_standard", enterprise: "price_dev_enterprise" };

/** A v1 signature, made independently of the code under test (WebCrypto, as Stripe documents it). */
export async function v1(payload: string, timestamp: number, secret: string = SECRET): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${payload}`));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function signatureHeader(payload: string, timestamp: number, secret: string = SECRET): Promise<string> {
  return `t=${timestamp},v1=${await v1(payload, timestamp, secret)}`;
}

let sequence = 0;
/** A fresh event id (evt_…) and customer id (cus_…), unique across the run. */
export function freshId(prefix: "evt" | "cus"): string {
  sequence += 1;
  return `${prefix}_${Date.now().toString(36)}${sequence}${Math.random().toString(36).slice(2, 8)}`;
}

export interface StripeEventBody {
  id: string;
  object: "event";
  type: string;
  created: number;
  livemode: false;
  data: { object: Record<string, unknown> };
}

/** A customer.subscription.* event of `customer`: `status` and one item per price. */
export function subscriptionEvent(
  type: "created" | "updated" | "deleted",
  customer: string,
  status: string,
  prices: string[],
  created: number,
): StripeEventBody {
  return {
    id: freshId("evt"),
    object: "event",
    type: `customer.subscription.${type}`,
    created,
    livemode: false,
    data: {
      object: {
        id: `sub_${customer.slice(4)}`,
        object: "subscription",
        customer,
        status,
        items: { object: "list", data: prices.map((id, i) => ({ id: `si_${i}`, price: { id, object: "price" } })) },
      },
    },
  };
}

/** An invoice.* event of `customer`. */
export function invoiceEvent(type: "payment_failed" | "paid", customer: string, created: number): StripeEventBody {
  return {
    id: freshId("evt"),
    object: "event",
    type: `invoice.${type}`,
    created,
    livemode: false,
    data: {
      object: {
        id: `in_${freshId("evt").slice(4)}`,
        object: "invoice",
        customer,
        status: type === "paid" ? "paid" : "open",
      },
    },
  };
}

/** Seconds since the epoch, now (for an event's `created` and a signature's `t`). */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Sends `event` signed now (or with `header`) through the Worker, as Stripe does. */
export async function deliver(event: StripeEventBody | string, header?: string): Promise<Response> {
  const payload = typeof event === "string" ? event : JSON.stringify(event);
  return call(WEBHOOK, {
    body: payload,
    headers: { "Stripe-Signature": header ?? (await signatureHeader(payload, nowSeconds())) },
  });
}

/** Delivers `event` and expects it taken (200) with `outcome`. */
export async function delivered(event: StripeEventBody, outcome = "applied"): Promise<void> {
  const res = await deliver(event);
  expect(res.status, await res.clone().text()).toBe(200);
  expect(await res.json(), event.type).toMatchObject({ received: true, event_id: event.id, outcome });
}

/** Sends `payload` with `header` to a router whose clock reads `atMs` and whose env is `env` changed by `bindings`. */
export async function deliverAt(
  atMs: number,
  payload: string,
  header: string,
  bindings: Partial<Env> = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const request = requestOf(WEBHOOK, { body: payload, headers: { "Stripe-Signature": header } });
  const response = await createApp({ clock: () => atMs }).fetch(request, { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** The operator gives the tenant a fresh Stripe customer; its id. */
export async function withCustomer(tenantId: string): Promise<string> {
  const customer = freshId("cus");
  const res = await call(`/v1/admin/tenants/${tenantId}`, {
    method: "PATCH",
    token: ADMIN,
    body: { stripe_customer_id: customer },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return customer;
}

export interface BillingRow {
  tier: string;
  subscription_status: string;
  past_due_since: string | null;
  billing_event_created: number | null;
  stripe_customer_id: string | null;
  status: string;
  settings: string | null;
}

/** The tenant's directory row, as the webhook and the operator leave it. */
export async function billingOf(tenantId: string): Promise<BillingRow> {
  const row = await env.DB.prepare(
    "SELECT tier, subscription_status, past_due_since, billing_event_created, stripe_customer_id, status, settings FROM tenants WHERE tenant_id = ?",
  )
    .bind(tenantId)
    .first<BillingRow>();
  if (!row) throw new Error(`no tenant ${tenantId}`);
  return row;
}

export interface EventRow {
  event_id: string;
  type: string;
  tenant_id: string | null;
  customer_id: string | null;
  outcome: string;
  detail: string | null;
}

/** The webhook's record of `eventId`, or null. */
export function eventRow(eventId: string): Promise<EventRow | null> {
  return env.DB.prepare(
    "SELECT event_id, type, tenant_id, customer_id, outcome, detail FROM stripe_events WHERE event_id = ?",
  )
    .bind(eventId)
    .first<EventRow>();
}
