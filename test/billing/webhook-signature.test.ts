// The Stripe webhook's signature (docs/billing.md, Stripe and subscription states): only an
// event signed with STRIPE_WEBHOOK_SECRET, within five minutes either way of the router's
// clock, is applied; each event id once, however often and however concurrently Stripe
// sends it; without the secret nothing is applied (503). Time is the router's, chosen by
// the test (deliverAt), never the machine's date.
import { describe, expect, it } from "vitest";
import { verifyStripeSignature } from "../../src/core/billing/stripe-signature";
import { tenantDb } from "../support/databases";
import { createTenant } from "../support/tenants";
import {
  billingOf,
  deliver,
  deliverAt,
  eventRow,
  nowSeconds,
  PRICES,
  signatureHeader,
  subscriptionEvent,
  v1,
  withCustomer,
} from "./stripe";

// Made by Stripe's own library (stripe@23.2.0, webhooks.generateTestHeaderStringAsync with
// Stripe.createSubtleCryptoProvider()) for this payload, secret and time: the check here
// must agree with Stripe's.
const VECTOR = {
  secret: "whsec_vector_secret",
  payload:
    '{"id":"evt_vector_1","object":"event","type":"customer.subscription.updated","created":1767225600,"data":{"object":{"id":"sub_vector","object":"subscription","customer":"cus_vector","status":"active","items":{"object":"list","data":[{"id":"si_1","price":{"id":"price_vector_standard"}}]}}}}',
  header: "t=1767225660,v1=78949709236dbe35090b222dcf0295c294111fa721906774a933d4dea5320811",
  signedAtMs: 1767225660 * 1000,
};

describe("verifyStripeSignature", () => {
  it("accepts the header Stripe's own library made, and only with its secret and body", async () => {
    const { secret, payload, header, signedAtMs } = VECTOR;
    expect(await verifyStripeSignature(header, payload, secret, signedAtMs)).toEqual({
      ok: true,
      timestamp: 1767225660,
    });
    expect(await verifyStripeSignature(header, payload, "whsec_other", signedAtMs)).toEqual({
      ok: false,
      reason: "no_match",
    });
    expect(await verifyStripeSignature(header, `${payload} `, secret, signedAtMs)).toEqual({
      ok: false,
      reason: "no_match",
    });
    // The same signature under another timestamp signs something else.
    const moved = header.replace("t=1767225660", "t=1767225661");
    expect(await verifyStripeSignature(moved, payload, secret, signedAtMs)).toEqual({ ok: false, reason: "no_match" });
  });

  it("holds five minutes' tolerance both ways, to the second", async () => {
    const { secret, payload, header, signedAtMs } = VECTOR;
    const at = (seconds: number) => verifyStripeSignature(header, payload, secret, signedAtMs + seconds * 1000);
    expect((await at(300)).ok, "300 s after").toBe(true);
    expect((await at(-300)).ok, "300 s before").toBe(true);
    expect(await at(301)).toEqual({ ok: false, reason: "too_old" });
    expect(await at(-301)).toEqual({ ok: false, reason: "too_new" });
  });

  it("accepts any one matching v1 among several (a secret being rolled), and ignores other schemes", async () => {
    const { secret, payload, signedAtMs } = VECTOR;
    const t = signedAtMs / 1000;
    const right = await v1(payload, t, secret);
    const wrong = await v1(payload, t, "whsec_old_secret");
    for (const header of [
      `t=${t},v1=${wrong},v1=${right}`,
      `t=${t},v1=${right},v1=${wrong}`,
      `t=${t},v0=${"0".repeat(64)},v1=${right}`,
      `v1=${right},t=${t}`,
    ]) {
      expect(await verifyStripeSignature(header, payload, secret, signedAtMs), header).toEqual({
        ok: true,
        timestamp: t,
      });
    }
    expect(await verifyStripeSignature(`t=${t},v1=${wrong},v0=${right}`, payload, secret, signedAtMs)).toEqual({
      ok: false,
      reason: "no_match",
    });
  });

  it("refuses a header without exactly one timestamp or without a v1", async () => {
    const { secret, payload, signedAtMs } = VECTOR;
    const t = signedAtMs / 1000;
    const right = await v1(payload, t, secret);
    for (const header of [
      undefined,
      "",
      `v1=${right}`,
      `t=${t}`,
      `t=${t},t=${t},v1=${right}`,
      `t=soon,v1=${right}`,
      `t=${t},v1=${right.slice(0, 63)}`,
      `t=${t};v1=${right}`,
      `t=${t},v1`,
    ]) {
      expect(await verifyStripeSignature(header, payload, secret, signedAtMs), String(header)).toEqual({
        ok: false,
        reason: "malformed",
      });
    }
  });
});

/** A tenant with a customer, and an event that would make it enterprise. */
async function upgradeFixture() {
  const tenant = await createTenant();
  const customer = await withCustomer(tenant.tenantId);
  const event = subscriptionEvent("updated", customer, "active", [PRICES.enterprise], nowSeconds());
  return { tenant, event, payload: JSON.stringify(event) };
}

/** Nothing of `eventId` was applied: the tenant keeps the tier it was made with, and no record. */
async function nothingApplied(tenantId: string, eventId: string): Promise<void> {
  expect((await billingOf(tenantId)).tier).toBe("standard");
  expect(await eventRow(eventId)).toBeNull();
}

describe("POST /v1/billing/stripe/webhook", () => {
  it("applies a validly signed event, and answers what became of it", async () => {
    const { tenant, event } = await upgradeFixture();
    const res = await deliver(event);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ received: true, event_id: event.id, outcome: "applied", duplicate: false });
    expect((await billingOf(tenant.tenantId)).tier).toBe("enterprise");
    expect(await eventRow(event.id)).toMatchObject({ tenant_id: tenant.tenantId, outcome: "applied" });
  });

  it("refuses a wrong, altered or missing signature with 400 webhook-signature, and applies nothing", async () => {
    const { tenant, event, payload } = await upgradeFixture();
    const t = nowSeconds();
    const cases: [string, string, string | undefined][] = [
      ["another secret", payload, await signatureHeader(payload, t, "whsec_not_the_endpoints")],
      ["an altered body", payload.replace('"active"', '"trialing"'), await signatureHeader(payload, t)],
      ["no header", payload, ""],
      ["a header of another scheme", payload, `t=${t},v0=${await v1(payload, t)}`],
    ];
    for (const [label, body, header] of cases) {
      const res = await deliver(body, header);
      expect(res.status, label).toBe(400);
      expect(res.headers.get("Content-Type"), label).toBe("application/problem+json");
      expect(((await res.json()) as { type: string }).type, label).toBe("/problems/webhook-signature");
    }
    await nothingApplied(tenant.tenantId, event.id);
  });

  it("refuses a signature more than five minutes old or ahead of the router's clock, and takes one within", async () => {
    const { tenant, event, payload } = await upgradeFixture();
    const signedAt = nowSeconds();
    const header = await signatureHeader(payload, signedAt);
    for (const seconds of [301, -301, 3600, -3600]) {
      const res = await deliverAt((signedAt + seconds) * 1000, payload, header);
      expect(res.status, `${seconds} s`).toBe(400);
      expect(((await res.json()) as { detail: string }).detail, `${seconds} s`).toMatch(
        seconds > 0 ? /more than 5 minutes old/ : /more than 5 minutes ahead/,
      );
    }
    await nothingApplied(tenant.tenantId, event.id);
    const within = await deliverAt((signedAt - 299) * 1000, payload, header);
    expect(within.status, await within.clone().text()).toBe(200);
    expect((await billingOf(tenant.tenantId)).tier).toBe("enterprise");
  });

  it("applies nothing without STRIPE_WEBHOOK_SECRET: 503, whatever the signature", async () => {
    const { tenant, event, payload } = await upgradeFixture();
    const now = nowSeconds();
    for (const secret of ["", undefined]) {
      const res = await deliverAt(now * 1000, payload, await signatureHeader(payload, now), {
        STRIPE_WEBHOOK_SECRET: secret,
      });
      expect(res.status, `secret ${JSON.stringify(secret)}`).toBe(503);
      expect(((await res.json()) as { type: string }).type).toBe("/problems/unavailable");
    }
    await nothingApplied(tenant.tenantId, event.id);
  });

  it("applies a replayed event once: sent again, and 100 times at once, it is answered as a repeat", async () => {
    const tenant = await createTenant();
    const customer = await withCustomer(tenant.tenantId);
    const failed = subscriptionEvent("updated", customer, "past_due", [PRICES.standard], nowSeconds());
    await expect(deliver(failed).then((r) => r.json())).resolves.toMatchObject({
      outcome: "applied",
      duplicate: false,
    });
    const since = (await billingOf(tenant.tenantId)).past_due_since;
    expect(since).toBe(new Date(failed.created * 1000).toISOString());

    // Another event moves the tenant on; a replay of the first must not move it back.
    const paid = subscriptionEvent("updated", customer, "active", [PRICES.standard], failed.created);
    await expect(deliver(paid).then((r) => r.json())).resolves.toMatchObject({ outcome: "applied" });
    const again = await deliver(failed);
    expect(await again.json()).toEqual({ received: true, event_id: failed.id, outcome: "applied", duplicate: true });
    expect((await billingOf(tenant.tenantId)).subscription_status).toBe("active");

    // One new event, delivered 100 times at once: applied by exactly one delivery.
    const upgrade = subscriptionEvent("updated", customer, "active", [PRICES.enterprise], failed.created + 1);
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        deliver(upgrade).then(async (r) => ({ status: r.status, body: await r.json() })),
      ),
    );
    for (const [i, answer] of answers.entries()) expect(answer.status, `delivery ${i}`).toBe(200);
    const firsts = answers.filter((a) => (a.body as { duplicate: boolean }).duplicate === false);
    expect(firsts, "deliveries that applied it").toHaveLength(1);
    expect((await billingOf(tenant.tenantId)).tier).toBe("enterprise");
    const { results } = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT request_id FROM audit_logs WHERE tenant_id = ? AND action = 'tenant.subscription_update'")
      .bind(tenant.tenantId)
      .all<{ request_id: string }>();
    expect(results.map((r) => r.request_id).toSorted()).toEqual([failed.id, paid.id, upgrade.id].toSorted());
  });

  it("answers 400 naming the field for a signed event it cannot read, and records nothing", async () => {
    const tenant = await createTenant();
    const customer = await withCustomer(tenant.tenantId);
    const event = subscriptionEvent("updated", customer, "active", [PRICES.enterprise], nowSeconds());
    const cases: [string, unknown, string][] = [
      ["no customer", { ...event, data: { object: { ...event.data.object, customer: null } } }, "data.object.customer"],
      ["no status", { ...event, data: { object: { ...event.data.object, status: 7 } } }, "data.object.status"],
      ["no items", { ...event, data: { object: { ...event.data.object, items: "none" } } }, "data.object.items.data"],
      ["no created", { ...event, created: "yesterday" }, "created"],
      ["no id", { ...event, id: "" }, "id"],
    ];
    for (const [label, body] of cases.map(([l, b, f]) => [l, JSON.stringify(b), f] as const)) {
      const res = await deliver(body);
      expect(res.status, label).toBe(400);
      const problem = (await res.json()) as { errors: { field: string }[] };
      expect(
        problem.errors.map((e) => e.field),
        label,
      ).toContain(cases.find(([l]) => l === label)?.[2]);
    }
    expect(await eventRow(event.id)).toBeNull();
    expect((await billingOf(tenant.tenantId)).tier).toBe("standard");
  });

  it("is not a tenant route: a tenant's credential does not replace the signature", async () => {
    const { tenant, event, payload } = await upgradeFixture();
    const res = await deliver(payload, `Bearer ${tenant.ownerKey}`);
    expect(res.status).toBe(400);
    await nothingApplied(tenant.tenantId, event.id);
  });
});
