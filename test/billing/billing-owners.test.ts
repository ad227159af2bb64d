// Who sets billing (docs/billing.md, Stripe and subscription states): the owner cannot set
// the tier, the subscription or the Stripe customer (PATCH /v1/tenant/billing answers 403
// billing-managed naming each field, and changes nothing), nor the past_due grace in
// their settings; the operator sets all of them with PATCH /v1/admin/tenants/{id}, in the
// operator audit, and the tenant's object learns it at once.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, json } from "../support/http";
import { ADMIN, createTenant, login } from "../support/tenants";
import { billingOf, freshId } from "./stripe";

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { field: string }[];
}

function operatorPatch(tenantId: string, body: unknown, token: string = ADMIN): Promise<Response> {
  return call(`/v1/admin/tenants/${tenantId}`, { method: "PATCH", token, body });
}

async function operatorAudit(tenantId: string): Promise<{ action: string; metadata: string; success: number }[]> {
  const { results } = await env.DB.prepare(
    "SELECT action, metadata, success FROM operator_audit_logs WHERE resource_id = ? ORDER BY timestamp, log_id",
  )
    .bind(tenantId)
    .all<{ action: string; metadata: string; success: number }>();
  return results;
}

describe("the owner", () => {
  it.each([
    [{ tier: "enterprise" }, ["tier"]],
    [{ subscription_status: "active" }, ["subscription_status"]],
    [{ stripe_customer_id: "cus_Mine" }, ["stripe_customer_id"]],
    [{ tier: "free", subscription_status: "canceled" }, ["tier", "subscription_status"]],
  ])("cannot set billing: %o answers 403 billing-managed naming %o, and changes nothing", async (body, fields) => {
    const tenant = await createTenant();
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    const before = await billingOf(tenant.tenantId);
    for (const token of [tenant.ownerKey, session]) {
      const res = await call("/v1/tenant/billing", { method: "PATCH", token, body });
      expect(res.status).toBe(403);
      const problem = await json<Problem>(res);
      expect(problem.type).toBe("/problems/billing-managed");
      expect(problem.errors?.map((e) => e.field)).toEqual(fields);
    }
    expect(await billingOf(tenant.tenantId)).toEqual(before);
    // Each refusal is in the tenant's trail.
    const tenantAudit = await call("/v1/audit-logs?action=tenant.billing_update", { token: tenant.ownerKey });
    const rows = (await json<{ data: { success: boolean; error_message: string }[] }>(tenantAudit)).data;
    expect(rows.map((r) => [r.success, r.error_message.slice(0, 4)])).toEqual([
      [false, "403:"],
      [false, "403:"],
    ]);
  });

  it("cannot set the past_due grace in the settings; replacing them keeps the operator's", async () => {
    const tenant = await createTenant();
    expect((await operatorPatch(tenant.tenantId, { settings: { past_due_grace_days: 21 } })).status).toBe(200);
    const raise = await call("/v1/tenant", {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { settings: { past_due_grace_days: 365 } },
    });
    expect(raise.status).toBe(403);
    expect((await json<Problem>(raise)).errors?.map((e) => e.field)).toEqual(["settings.past_due_grace_days"]);
    // Sent back unchanged, or left out: accepted, and the operator's value stays.
    for (const settings of [{ timezone: "Europe/London", past_due_grace_days: 21 }, { timezone: "Europe/Paris" }]) {
      const res = await call("/v1/tenant", { method: "PATCH", token: tenant.ownerKey, body: { settings } });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(JSON.parse((await billingOf(tenant.tenantId)).settings ?? "{}")).toEqual({
        timezone: settings.timezone,
        past_due_grace_days: 21,
      });
    }
  });
});

describe("PATCH /v1/admin/tenants/{id}", () => {
  it("sets the Stripe customer and overrides tier, subscription status and settings, each in the operator audit", async () => {
    const tenant = await createTenant({ settings: { timezone: "Europe/London", max_users: 9 } });
    const customer = freshId("cus");
    const res = await operatorPatch(tenant.tenantId, {
      stripe_customer_id: customer,
      tier: "enterprise",
      subscription_status: "past_due",
      settings: { past_due_grace_days: 3, max_users: null },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await json<Record<string, unknown>>(res);
    expect(body).toMatchObject({
      id: tenant.tenantId,
      stripe_customer_id: customer,
      tier: "enterprise",
      subscription_status: "past_due",
      // Merged: the key given as null is gone, the others kept.
      settings: { timezone: "Europe/London", past_due_grace_days: 3 },
    });
    expect(typeof body.past_due_since).toBe("string");
    const since = body.past_due_since;
    // past_due again keeps the spell's start; active ends it.
    await operatorPatch(tenant.tenantId, { subscription_status: "past_due" });
    expect((await billingOf(tenant.tenantId)).past_due_since).toBe(since);
    await operatorPatch(tenant.tenantId, { subscription_status: "active", tier: "free" });
    expect(await billingOf(tenant.tenantId)).toMatchObject({
      subscription_status: "active",
      past_due_since: null,
      tier: "free",
    });
    // The owner reads what the operator set.
    const own = await json<Record<string, unknown>>(await call("/v1/tenant", { token: tenant.ownerKey }));
    expect(own).toMatchObject({ tier: "free", subscription_status: "active", stripe_customer_id: customer });

    const audit = await operatorAudit(tenant.tenantId);
    const overrides = audit.filter((row) => row.action === "tenant.billing_override");
    expect(overrides).toHaveLength(3);
    expect(JSON.parse(overrides[0]?.metadata ?? "{}")).toMatchObject({
      fields: ["stripe_customer_id", "tier", "subscription_status", "settings"],
      tier: { from: "standard", to: "enterprise" },
      subscription_status: { from: "active", to: "past_due" },
      stripe_customer_id: customer,
    });
  });

  it("suspends and reactivates as PATCH /v1/tenants/{id} does: its credentials stop at once and come back", async () => {
    const tenant = await createTenant();
    expect((await call("/v1/tenant", { token: tenant.ownerKey })).status).toBe(200);
    expect((await operatorPatch(tenant.tenantId, { status: "suspended" })).status).toBe(200);
    expect((await call("/v1/tenant", { token: tenant.ownerKey })).status).toBe(401);
    expect((await operatorPatch(tenant.tenantId, { status: "active" })).status).toBe(200);
    expect((await call("/v1/tenant", { token: tenant.ownerKey })).status).toBe(200);
  });

  it("gives a Stripe customer to one tenant only: another's is 409, and nothing changes", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const customer = freshId("cus");
    expect((await operatorPatch(a.tenantId, { stripe_customer_id: customer })).status).toBe(200);
    const taken = await operatorPatch(b.tenantId, { stripe_customer_id: customer, tier: "free" });
    expect(taken.status).toBe(409);
    expect(await billingOf(b.tenantId)).toMatchObject({ stripe_customer_id: null, tier: "standard" });
    // Cleared from the first, it can be the second's.
    expect((await operatorPatch(a.tenantId, { stripe_customer_id: null })).status).toBe(200);
    expect((await operatorPatch(b.tenantId, { stripe_customer_id: customer })).status).toBe(200);
  });

  it("is the operator's, validates every field (400 naming it), answers 404 and 409 once deleted; bad input writes nothing", async () => {
    const tenant = await createTenant();
    expect((await operatorPatch(tenant.tenantId, { tier: "free" }, tenant.ownerKey)).status).toBe(401);
    const before = await billingOf(tenant.tenantId);
    const invalid: [unknown, string][] = [
      [{ tier: "platinum" }, "tier"],
      [{ subscription_status: "trialing" }, "subscription_status"],
      [{ status: "deleted" }, "status"],
      [{ stripe_customer_id: "customer-1" }, "stripe_customer_id"],
      [{ settings: { past_due_grace_days: 366 } }, "settings.past_due_grace_days"],
      [{ settings: { past_due_grace_days: 1.5 } }, "settings.past_due_grace_days"],
      [{ plan: "gold" }, ""],
      [{}, ""],
    ];
    for (const [body, field] of invalid) {
      const res = await operatorPatch(tenant.tenantId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const fields = ((await json<Problem>(res)).errors ?? []).map((e) => e.field);
      if (field) expect(fields, JSON.stringify(body)).toContain(field);
    }
    expect(await billingOf(tenant.tenantId)).toEqual(before);
    expect((await operatorPatch("ten_00000000000000000000000000", { tier: "free" })).status).toBe(404);
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    expect((await call("/v1/tenant", { method: "DELETE", token: session })).status).toBe(200);
    expect((await operatorPatch(tenant.tenantId, { subscription_status: "active" })).status).toBe(409);
  });
});
