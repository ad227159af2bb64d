// What each Stripe event does to its tenant (docs/billing.md, Stripe and subscription
// states): subscription events set subscription_status by Stripe's status and the tier by
// the price map (wrangler.toml's STRIPE_PRICE_TIERS), invoices move past_due and back,
// an event older than the newest applied changes nothing, and events that match no
// tenant or no rule are recorded and answered 200 so that Stripe stops sending them.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { ADMIN, createTenant } from "../support/tenants";
import {
  billingOf,
  deliver,
  delivered,
  eventRow,
  freshId,
  invoiceEvent,
  nowSeconds,
  PRICES,
  subscriptionEvent,
  withCustomer,
} from "./stripe";

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

async function customerTenant() {
  const tenant = await createTenant();
  return { tenant, customer: await withCustomer(tenant.tenantId) };
}

describe("customer.subscription.*", () => {
  it.each([
    ["active", "active"],
    ["trialing", "active"],
    ["past_due", "past_due"],
    ["unpaid", "past_due"],
    ["canceled", "canceled"],
    ["incomplete_expired", "canceled"],
    ["paused", "canceled"],
  ])("Stripe's %s is subscription_status %s, and the price sets the tier", async (stripeStatus, status) => {
    const { tenant, customer } = await customerTenant();
    const created = nowSeconds();
    await delivered(subscriptionEvent("updated", customer, stripeStatus, [PRICES.enterprise], created));
    const row = await billingOf(tenant.tenantId);
    expect(row).toMatchObject({ subscription_status: status, tier: "enterprise", billing_event_created: created });
    expect(row.past_due_since).toBe(status === "past_due" ? iso(created) : null);
  });

  it("created sets the tier of the highest mapped price; deleted cancels and keeps the tier", async () => {
    const { tenant, customer } = await customerTenant();
    const t = nowSeconds();
    await delivered(
      subscriptionEvent("created", customer, "active", ["price_unmapped", PRICES.free, PRICES.enterprise], t),
    );
    expect(await billingOf(tenant.tenantId)).toMatchObject({ tier: "enterprise", subscription_status: "active" });
    await delivered(subscriptionEvent("updated", customer, "active", [PRICES.free], t + 1));
    expect((await billingOf(tenant.tenantId)).tier).toBe("free");
    // Deleted: canceled whatever the object's status says, the tier kept.
    const deleted = subscriptionEvent("deleted", customer, "active", [PRICES.enterprise], t + 2);
    await delivered(deleted);
    expect(await billingOf(tenant.tenantId)).toMatchObject({ tier: "free", subscription_status: "canceled" });
    expect((await eventRow(deleted.id))?.detail).toBe("subscription deleted; tier kept");
  });

  it("a subscription none of whose prices is in the map keeps the tier and says so", async () => {
    const { tenant, customer } = await customerTenant();
    const event = subscriptionEvent("updated", customer, "past_due", ["price_not_in_the_map"], nowSeconds());
    await delivered(event);
    expect(await billingOf(tenant.tenantId)).toMatchObject({ tier: "standard", subscription_status: "past_due" });
    expect((await eventRow(event.id))?.detail).toContain("price_not_in_the_map");
  });

  it("incomplete (the first payment still being tried) changes nothing, recorded as ignored", async () => {
    const { tenant, customer } = await customerTenant();
    const event = subscriptionEvent("created", customer, "incomplete", [PRICES.enterprise], nowSeconds());
    await delivered(event, "ignored");
    expect(await billingOf(tenant.tenantId)).toMatchObject({
      tier: "standard",
      subscription_status: "active",
      billing_event_created: null,
    });
  });

  it("an expanded customer object is matched by its id", async () => {
    const { tenant, customer } = await customerTenant();
    const event = subscriptionEvent("updated", customer, "active", [PRICES.enterprise], nowSeconds());
    event.data.object.customer = { id: customer, object: "customer" };
    await delivered(event);
    expect((await billingOf(tenant.tenantId)).tier).toBe("enterprise");
  });
});

describe("invoice.payment_failed and invoice.paid", () => {
  it("a failed payment makes the subscription past_due from its time; a later failure keeps that time; paid ends it", async () => {
    const { tenant, customer } = await customerTenant();
    const first = nowSeconds() - 3 * 86_400;
    await delivered(invoiceEvent("payment_failed", customer, first));
    expect(await billingOf(tenant.tenantId)).toMatchObject({
      subscription_status: "past_due",
      past_due_since: iso(first),
    });
    // Stripe retries the charge: still the first failure's time, which the grace counts from.
    await delivered(invoiceEvent("payment_failed", customer, first + 86_400));
    await delivered(subscriptionEvent("updated", customer, "past_due", [PRICES.standard], first + 86_401));
    expect(await billingOf(tenant.tenantId)).toMatchObject({
      subscription_status: "past_due",
      past_due_since: iso(first),
    });
    await delivered(invoiceEvent("paid", customer, first + 2 * 86_400));
    expect(await billingOf(tenant.tenantId)).toMatchObject({ subscription_status: "active", past_due_since: null });
    // The next spell counts from its own first failure.
    await delivered(invoiceEvent("payment_failed", customer, first + 3 * 86_400));
    expect((await billingOf(tenant.tenantId)).past_due_since).toBe(iso(first + 3 * 86_400));
  });

  it("neither a failed nor a paid invoice revives a canceled subscription", async () => {
    const { tenant, customer } = await customerTenant();
    const t = nowSeconds();
    await delivered(subscriptionEvent("deleted", customer, "canceled", [PRICES.standard], t));
    await delivered(invoiceEvent("payment_failed", customer, t + 1));
    expect(await billingOf(tenant.tenantId)).toMatchObject({ subscription_status: "canceled", past_due_since: null });
    await delivered(invoiceEvent("paid", customer, t + 2));
    expect((await billingOf(tenant.tenantId)).subscription_status).toBe("canceled");
    // A new subscription does.
    await delivered(subscriptionEvent("created", customer, "active", [PRICES.standard], t + 3));
    expect((await billingOf(tenant.tenantId)).subscription_status).toBe("active");
  });
});

describe("events out of order", () => {
  it("an event older than the newest applied changes nothing and is recorded stale; one of the same second applies", async () => {
    const { tenant, customer } = await customerTenant();
    const t = nowSeconds();
    await delivered(subscriptionEvent("updated", customer, "canceled", [PRICES.free], t));
    const older = subscriptionEvent("updated", customer, "active", [PRICES.enterprise], t - 60);
    await delivered(older, "stale");
    const olderInvoice = invoiceEvent("paid", customer, t - 30);
    await delivered(olderInvoice, "stale");
    expect(await billingOf(tenant.tenantId)).toMatchObject({
      subscription_status: "canceled",
      tier: "free",
      billing_event_created: t,
    });
    expect((await eventRow(older.id))?.detail).toBe("older than the newest event applied to the tenant");
    // Stripe's `created` is in seconds: an event of the same second is not older.
    await delivered(subscriptionEvent("updated", customer, "active", [PRICES.standard], t));
    expect(await billingOf(tenant.tenantId)).toMatchObject({ subscription_status: "active", tier: "standard" });
  });
});

describe("events that match no rule or no tenant", () => {
  it("an event type not applied is answered 200 and recorded as ignored", async () => {
    const { tenant, customer } = await customerTenant();
    const event = {
      id: freshId("evt"),
      object: "event" as const,
      type: "charge.succeeded",
      created: nowSeconds(),
      livemode: false as const,
      data: { object: { id: "ch_1", object: "charge", customer } },
    };
    await delivered(event, "ignored");
    expect(await eventRow(event.id)).toMatchObject({ type: "charge.succeeded", outcome: "ignored", tenant_id: null });
    expect((await billingOf(tenant.tenantId)).billing_event_created).toBeNull();
  });

  it("an unknown customer's event is answered 200 and recorded unmatched; once the operator sets it, the next applies", async () => {
    const tenant = await createTenant();
    const customer = freshId("cus");
    const early = subscriptionEvent("created", customer, "active", [PRICES.enterprise], nowSeconds());
    await delivered(early, "unmatched");
    expect(await eventRow(early.id)).toMatchObject({ customer_id: customer, tenant_id: null, outcome: "unmatched" });
    expect((await billingOf(tenant.tenantId)).tier).toBe("standard");
    // Repeated, it is still a repeat: Stripe's retry does not apply it later.
    const again = await deliver(early);
    expect(await again.json()).toMatchObject({ outcome: "unmatched", duplicate: true });

    const set = await call(`/v1/admin/tenants/${tenant.tenantId}`, {
      method: "PATCH",
      token: ADMIN,
      body: { stripe_customer_id: customer },
    });
    expect(set.status).toBe(200);
    await delivered(subscriptionEvent("updated", customer, "active", [PRICES.enterprise], early.created + 1));
    expect((await billingOf(tenant.tenantId)).tier).toBe("enterprise");
  });

  it("a customer two tenants have (set by hand) applies to neither: recorded ambiguous", async () => {
    const a = await customerTenant();
    const b = await createTenant();
    await env.DB.prepare("UPDATE tenants SET stripe_customer_id = ? WHERE tenant_id = ?")
      .bind(a.customer, b.tenantId)
      .run();
    const event = subscriptionEvent("updated", a.customer, "canceled", [PRICES.free], nowSeconds());
    await delivered(event, "ambiguous");
    for (const tenantId of [a.tenant.tenantId, b.tenantId]) {
      expect((await billingOf(tenantId)).subscription_status, tenantId).toBe("active");
    }
    expect((await eventRow(event.id))?.detail).toContain(b.tenantId);
  });
});
