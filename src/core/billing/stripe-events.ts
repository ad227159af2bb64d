// What a Stripe event means for its tenant (docs/billing.md, Stripe and subscription states).
// The webhook (src/router/routes/stripe-webhook.ts) verified it; this says what it changes,
// and src/core/db/stripe-events.ts applies that once.
//
// customer.subscription.created / .updated / .deleted: the subscription's status becomes
// subscription_status (STATUS_MAP below; .deleted is canceled whatever the object says),
// and its prices the tier (price-tiers.ts; a subscription with no price in the map keeps
// the tier, and a deleted one too). invoice.payment_failed: past_due (a canceled
// subscription stays canceled), the spell's first failure remembered for the grace.
// invoice.paid: a past_due subscription is active again (a canceled one stays canceled:
// only a new subscription revives it). Every other type changes nothing.

import { type SubscriptionStatus, TIERS, type Tier } from "../db/tenants";
import type { FieldError } from "../problem";
import { PRICE_TIER_RANK, type PriceTiers, tierOfPrices } from "./price-tiers";

// The price map's tiers are the directory's (price-tiers.ts cannot import them: Node reads it).
PRICE_TIER_RANK satisfies readonly Tier[];
TIERS satisfies readonly (typeof PRICE_TIER_RANK)[number][];

/** The event types the webhook applies; the endpoint in Stripe's dashboard selects these. */
export const STRIPE_EVENT_TYPES = [
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.payment_failed",
  "invoice.paid",
] as const;

/**
 * Stripe's subscription statuses, as subscription_status. `incomplete` (the first payment
 * is still being attempted, for up to 23 hours) changes nothing: Stripe moves it to
 * active or incomplete_expired. `paused` (a trial ended without a payment method) stops
 * billing, so it is read-only like canceled until Stripe resumes it.
 */
export const STATUS_MAP: Readonly<Record<string, SubscriptionStatus | null>> = {
  active: "active",
  trialing: "active",
  past_due: "past_due",
  unpaid: "past_due",
  canceled: "canceled",
  incomplete_expired: "canceled",
  paused: "canceled",
  incomplete: null,
};

/** A verified event's envelope (the webhook's schema checked it). */
export interface StripeEvent {
  id: string;
  type: string;
  /** Unix seconds. */
  created: number;
  data: { object: Record<string, unknown> };
}

export type BillingChange =
  | { kind: "subscription"; customerId: string; status: SubscriptionStatus; tier: Tier | null; detail: string | null }
  | { kind: "payment_failed"; customerId: string }
  | { kind: "payment_succeeded"; customerId: string }
  /** Nothing to apply; recorded as ignored. */
  | { kind: "ignored"; customerId: string | null; detail: string }
  /** A type the webhook applies, without the fields it reads: answered 400 naming them. */
  | { kind: "invalid"; errors: FieldError[] };

/** An object's customer: an id, or an expanded customer object's id. */
function customerOf(object: Record<string, unknown>): string | null {
  const customer = object.customer;
  if (typeof customer === "string" && customer.length > 0) return customer;
  if (customer && typeof customer === "object" && typeof (customer as { id?: unknown }).id === "string") {
    return (customer as { id: string }).id;
  }
  return null;
}

/** The price ids of a subscription's items (data.object.items.data[].price.id); null when the shape is not one. */
function pricesOf(object: Record<string, unknown>): string[] | null {
  const items = (object.items as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(items)) return null;
  const prices: string[] = [];
  for (const item of items) {
    const id = (item as { price?: { id?: unknown } } | null)?.price?.id;
    if (typeof id === "string") prices.push(id);
  }
  return prices;
}

function invalid(field: string, message: string): BillingChange {
  return { kind: "invalid", errors: [{ in: "body", field, message }] };
}

/** What `event` changes, with `tiers` the price map. */
export function billingChange(event: StripeEvent, tiers: PriceTiers): BillingChange {
  const object = event.data.object;
  const handled = (STRIPE_EVENT_TYPES as readonly string[]).includes(event.type);
  const customerId = customerOf(object);
  if (!handled) return { kind: "ignored", customerId, detail: `event type ${event.type} is not applied` };
  if (!customerId) return invalid("data.object.customer", "the customer's id is required for this event type");
  if (event.type === "invoice.payment_failed") return { kind: "payment_failed", customerId };
  if (event.type === "invoice.paid") return { kind: "payment_succeeded", customerId };
  const stripeStatus = object.status;
  if (typeof stripeStatus !== "string") return invalid("data.object.status", "the subscription's status is required");
  const status = event.type === "customer.subscription.deleted" ? "canceled" : STATUS_MAP[stripeStatus];
  if (status === undefined)
    return { kind: "ignored", customerId, detail: `subscription status ${stripeStatus} is not known` };
  if (status === null)
    return { kind: "ignored", customerId, detail: `subscription status ${stripeStatus} changes nothing` };
  if (event.type === "customer.subscription.deleted") {
    return { kind: "subscription", customerId, status, tier: null, detail: "subscription deleted; tier kept" };
  }
  const prices = pricesOf(object);
  if (prices === null) return invalid("data.object.items.data", "the subscription's items are required");
  const tier = tierOfPrices(tiers, prices);
  const detail = tier
    ? null
    : `no price of the subscription (${prices.join(", ") || "none"}) is in STRIPE_PRICE_TIERS; tier kept`;
  return { kind: "subscription", customerId, status, tier, detail };
}
