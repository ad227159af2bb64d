// rate_limit_per_hour is enforced exactly by the tenant's TenantObject, however
// many requests arrive at once; usage reaches D1 through the object's flush.
import { describe, expect, it } from "vitest";
import { tenantDb } from "../support/databases";
import { call } from "../support/http";
import { runTimersNow } from "../support/objects";
import { createKey, createTenant } from "../support/tenants";

describe("per-key hourly limit", () => {
  it("admits exactly 100 of 200 concurrent requests on a key limited to 100 per hour", async () => {
    const tenant = await createTenant();
    const { key, id } = await createKey(tenant.ownerKey, { scopes: ["read:users"], rate_limit_per_hour: 100 });

    const responses = await Promise.all(Array.from({ length: 200 }, () => call("/v1/me", { token: key })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(100);

    const refused = responses.find((r) => r.status === 429) as Response;
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(refused.headers.get("Content-Type")).toBe("application/problem+json");
    const problem = (await refused.json()) as { window: string; limit: number; reset_at: string };
    expect(problem).toMatchObject({ window: "api_key_hour", limit: 100 });
    expect(Date.parse(problem.reset_at)).toBeGreaterThan(Date.now());
    expect(refused.headers.get("RateLimit-Remaining")).toBe("0");

    // Other keys of the same tenant are not affected.
    expect((await call("/v1/me", { token: tenant.ownerKey })).status).toBe(200);

    // The object writes the absolute use count to D1 on its alarm.
    await runTimersNow(tenant.tenantId, ["flush-key-usage"]);
    const row = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT use_count, last_used_at FROM api_keys WHERE key_id = ?")
      .bind(id)
      .first<{ use_count: number; last_used_at: string }>();
    expect(row?.use_count).toBe(100);
    expect(Date.parse(row?.last_used_at ?? "")).toBeGreaterThan(Date.now() - 60_000);
  });

  it("counts remaining requests down in RateLimit headers", async () => {
    const tenant = await createTenant();
    const { key } = await createKey(tenant.ownerKey, { scopes: ["read:users"], rate_limit_per_hour: 3 });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 4; i++)
      remaining.push((await call("/v1/me", { token: key })).headers.get("RateLimit-Remaining"));
    expect(remaining).toEqual(["2", "1", "0", "0"]);
  });
});
