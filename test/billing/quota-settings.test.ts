// The plan's quota overrides in a tenant's settings (docs/billing.md, Tiers and quotas):
// validated wherever settings are written, set by the operator only. The owner cannot
// raise (or clear, or lower) their own quota through PATCH /v1/tenant.
import { describe, expect, it } from "vitest";
import { PLAN_QUOTAS } from "../../src/core/billing/plans";
import { call, json } from "../support/http";
import { ADMIN, createTenant, PASSWORD, snapshotExceptAudit } from "../support/tenants";
import { operatorSets, usage } from "./quota-support";

type Problem = { type: string; detail: string; errors?: { in: string; field: string; message: string }[] };

const tenantSettings = async (key: string) =>
  (await json<{ settings: Record<string, unknown> }>(await call("/v1/tenant", { token: key }))).settings;

describe("quota overrides in settings", () => {
  it("the owner cannot change one: 403 naming the field, nothing written", async () => {
    const tenant = await createTenant({ settings: { max_posts_per_month: 5, timezone: "Europe/Paris" } });
    for (const [key, value] of [
      ["max_posts_per_month", 1_000_000],
      ["max_posts_per_month", 4],
      ["max_users", 500],
      ["max_social_accounts", 100],
      ["max_api_keys", 900],
      ["max_knowledge_entries", 10_000],
    ] as const) {
      const before = await snapshotExceptAudit();
      const res = await call("/v1/tenant", {
        method: "PATCH",
        token: tenant.ownerKey,
        body: { settings: { timezone: "Europe/London", [key]: value } },
      });
      expect(res.status, `${key} ${value}`).toBe(403);
      const problem = await json<Problem>(res);
      expect(problem.type, key).toBe("/problems/billing-managed");
      expect(problem.errors, key).toEqual([{ in: "body", field: `settings.${key}`, message: expect.any(String) }]);
      expect(await snapshotExceptAudit(), `${key} ${value}: nothing written`).toBe(before);
    }
    expect((await usage(tenant)).quotas.posts_per_month).toMatchObject({ limit: 5, overridden: true });
  });

  it("the owner's settings keep the operator's overrides: left out, or written back as they are", async () => {
    const tenant = await createTenant({ settings: { max_posts_per_month: 5, max_users: 7 } });
    const patch = (settings: Record<string, unknown>) =>
      call("/v1/tenant", { method: "PATCH", token: tenant.ownerKey, body: { settings } });
    // Left out: kept (a replacement of the settings does not clear them).
    expect((await patch({ timezone: "Europe/London" })).status).toBe(200);
    expect(await tenantSettings(tenant.ownerKey)).toEqual({
      timezone: "Europe/London",
      max_posts_per_month: 5,
      max_users: 7,
    });
    // Read and written back unchanged: accepted.
    const read = await tenantSettings(tenant.ownerKey);
    expect((await patch({ ...read, timezone: "Asia/Tokyo" })).status).toBe(200);
    expect(await tenantSettings(tenant.ownerKey)).toEqual({
      timezone: "Asia/Tokyo",
      max_posts_per_month: 5,
      max_users: 7,
    });
    const plan = await usage(tenant);
    expect(plan.quotas.posts_per_month.limit).toBe(5);
    expect(plan.quotas.users.limit).toBe(7);
    expect(plan.quotas.api_keys).toMatchObject({ limit: PLAN_QUOTAS.standard.api_keys, overridden: false });
  });

  it("an admin cannot either, and a tenant without overrides cannot gain one", async () => {
    const tenant = await createTenant();
    const email = `admin-${crypto.randomUUID()}@example.com`;
    expect(
      (await call("/v1/users", { token: tenant.ownerKey, body: { email, password: PASSWORD, role: "admin" } })).status,
    ).toBe(201);
    const login = await json<{ token: string }>(
      await call("/v1/auth/login", { body: { tenant_id: tenant.tenantId, email, password: PASSWORD } }),
    );
    const res = await call("/v1/tenant", {
      method: "PATCH",
      token: login.token,
      body: { settings: { max_api_keys: 1000 } },
    });
    expect(res.status).toBe(403);
    expect((await json<Problem>(res)).errors?.[0]?.field).toBe("settings.max_api_keys");
    expect(await tenantSettings(tenant.ownerKey)).toEqual({});
  });

  it("the operator's are validated: whole numbers from 0 to 10,000,000, else 400 naming the field", async () => {
    const body = (settings: Record<string, unknown>) => ({
      name: "Quota Check Ltd",
      region: "eu-west",
      settings,
      owner: { email: `owner-${crypto.randomUUID()}@example.com`, password: PASSWORD },
    });
    for (const [key, value] of [
      ["max_posts_per_month", -1],
      ["max_users", 1.5],
      ["max_api_keys", 10_000_001],
      ["max_social_accounts", "100"],
      ["max_knowledge_entries", null],
    ] as const) {
      const before = await snapshotExceptAudit();
      const res = await call("/v1/tenants", { token: ADMIN, body: body({ [key]: value }) });
      expect(res.status, `${key} ${String(value)}`).toBe(400);
      const problem = await json<Problem>(res);
      expect(
        problem.errors?.map((e) => e.field),
        `${key} ${String(value)}`,
      ).toContain(`settings.${key}`);
      expect(await snapshotExceptAudit(), `${key}: nothing written`).toBe(before);
    }
    const made = await call("/v1/tenants", { token: ADMIN, body: body({ max_posts_per_month: 0 }) });
    expect(made.status).toBe(201);
    // The operator's tenant route validates them alike.
    const tenantId = (await json<{ tenant: { id: string } }>(made)).tenant.id;
    const before = await snapshotExceptAudit();
    const res = await call(`/v1/admin/tenants/${tenantId}`, {
      method: "PATCH",
      token: ADMIN,
      body: { settings: { max_users: -3 } },
    });
    expect(res.status).toBe(400);
    expect((await json<Problem>(res)).errors?.map((e) => e.field)).toContain("settings.max_users");
    expect(await snapshotExceptAudit()).toBe(before);
  });

  it("the operator lowers one below what exists (nothing removed, creations refused) and raises it again", async () => {
    const tenant = await createTenant();
    const invite = () =>
      call("/v1/users", {
        token: tenant.ownerKey,
        body: { email: `m-${crypto.randomUUID()}@example.com`, password: PASSWORD },
      });
    expect((await invite()).status).toBe(201);
    expect((await invite()).status).toBe(201);
    await operatorSets(tenant.tenantId, { settings: { max_users: 2 } });
    const refused = await invite();
    expect(refused.status).toBe(403);
    expect(await json<Record<string, unknown>>(refused)).toMatchObject({
      type: "/problems/quota-users",
      limit: 2,
      used: 3,
      resets_at: null,
    });
    expect((await usage(tenant)).quotas.users).toMatchObject({ limit: 2, used: 3, remaining: 0, overridden: true });
    await operatorSets(tenant.tenantId, { settings: { max_users: 4 } });
    expect((await invite()).status).toBe(201);
    await operatorSets(tenant.tenantId, { settings: { max_users: null } });
    expect((await usage(tenant)).quotas.users).toMatchObject({ limit: PLAN_QUOTAS.standard.users, overridden: false });
  });
});
