// Exact windows under real concurrency, tenant overrides, what the platform reports,
// and GET /v1/rate-limits.
import { describe, expect, it } from "vitest";
import { connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { runTimersNow } from "../support/objects";
import { createOwnerKey, createTenant } from "../support/tenants";

interface Window {
  account_id: string;
  window: string;
  limit: number;
  used: number;
  remaining: number;
  reset_at: string | null;
  platform_reported: { remaining: number; source: string } | null;
}

describe("publishing windows", () => {
  it("500 concurrent publishes on an account limited to 100: exactly 100 × 201, 400 × 429, 100 platform calls", async () => {
    const tenant = await createTenant();
    // A key whose own hourly limit is not the bottleneck.
    const { key } = await createOwnerKey(tenant, {
      scopes: ["publish", "read:posts"],
      rate_limit_per_hour: 10_000,
    });
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const responses = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        call("/v1/posts", { token: key, body: publishBody(account, { text: `Post ${i}` }) }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(400);
    const counters = await sandbox("linkedin").counters(sandboxUserOf(account));
    expect(counters.publish).toBe(100);
    expect(await sandbox("linkedin").posts(sandboxUserOf(account))).toHaveLength(100);

    const refused = responses.find((r) => r.status === 429) as Response;
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(86_000);
    const problem = await json<{ window: string; limit: number; reset_at: string }>(refused);
    expect(problem).toMatchObject({ window: "linkedin_posts_per_day", limit: 100 });

    const windows = await json<{ data: Window[] }>(await call("/v1/rate-limits", { token: tenant.ownerKey }));
    expect(windows.data).toEqual([
      expect.objectContaining({
        account_id: account.id,
        window: "linkedin_posts_per_day",
        limit: 100,
        used: 100,
        remaining: 0,
      }),
    ]);
    expect(Date.parse(windows.data[0]?.reset_at ?? "")).toBeGreaterThan(Date.now());
  });

  it("follow the tenant's own limit from settings.rate_limits", async () => {
    const tenant = await createTenant({ settings: { rate_limits: { twitter: { limit: 3, window_seconds: 3600 } } } });
    const account = await connectAccount(tenant.ownerKey, "twitter");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) })).status);
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
  });

  it("are tightened by a platform 429 and its reset header: no further call until the reset", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "twitter");
    const user = sandboxUserOf(account);
    await sandbox("twitter").addFault({
      kind: "rate_limit_429",
      endpoint: "publish",
      user_id: user,
      params: { reset_seconds: 600 },
    });
    const first = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) });
    expect(first.status).toBe(429);
    expect(Number(first.headers.get("Retry-After"))).toBeGreaterThan(590);
    const second = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) });
    expect(second.status).toBe(429);
    expect((await sandbox("twitter").counters(user)).publish).toBe(1);
    // The platform's 429 did not count against our own window.
    const windows = await json<{ data: Window[] }>(await call("/v1/rate-limits", { token: tenant.ownerKey }));
    expect(windows.data[0]).toMatchObject({ used: 0, remaining: 0, platform_reported: { remaining: 0 } });
  });

  it("are tightened by Facebook's usage header (x-business-use-case-usage, which Page tokens are counted by)", async () => {
    const tenant = await createTenant({ settings: { rate_limits: { facebook: { limit: 4 } } } });
    const account = await connectAccount(tenant.ownerKey, "facebook");
    expect((await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) })).status).toBe(201);
    const windows = await json<{ data: Window[] }>(await call("/v1/rate-limits", { token: tenant.ownerKey }));
    expect(windows.data[0]?.platform_reported?.source).toBe("x-business-use-case-usage");
  });

  it("flush admitted calls to D1 rate_limits, idempotently", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "facebook");
    for (let i = 0; i < 3; i++) await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) });
    await runTimersNow(tenant.tenantId, ["flush-usage"]);
    await runTimersNow(tenant.tenantId, ["flush-usage"]);
    const rows = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT platform, request_count FROM rate_limits WHERE tenant_id = ?")
      .bind(tenant.tenantId)
      .all<{ platform: string; request_count: number }>();
    expect(rows.results).toEqual([{ platform: "facebook", request_count: 3 }]);
  });
});

describe("tenant window settings", () => {
  it("take effect at once when changed, and are validated", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    expect((await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) })).status).toBe(201);
    const bad = await call("/v1/tenant", {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { settings: { rate_limits: { linkedin: { limit: 0 } } } },
    });
    expect(bad.status).toBe(400);
    expect((await json<{ errors: { field: string }[] }>(bad)).errors[0]?.field).toBe(
      "settings.rate_limits.linkedin.limit",
    );
    const patched = await call("/v1/tenant", {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { settings: { rate_limits: { linkedin: { limit: 1 } } } },
    });
    expect(patched.status).toBe(200);
    expect((await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) })).status).toBe(429);
  });
});
