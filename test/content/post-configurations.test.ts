// Post configurations: exactly one active default whenever there is an active one,
// also when dozens of changes race.
import { describe, expect, it } from "vitest";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { createTenant, type TestTenant } from "../support/tenants";

interface Configuration {
  id: string;
  is_default: boolean;
  status: string;
}

async function create(tenant: TestTenant, body: Record<string, unknown> = {}): Promise<Configuration> {
  const res = await call("/v1/post-configurations", {
    token: tenant.ownerKey,
    body: { name: "Default LinkedIn", platforms: ["linkedin"], ...body },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<Configuration>(res);
}

function patch(tenant: TestTenant, id: string, body: unknown) {
  return call(`/v1/post-configurations/${id}`, { method: "PATCH", token: tenant.ownerKey, body });
}

async function defaults(tenantId: string) {
  const { results } = await (await tenantDb(tenantId))
    .prepare("SELECT config_id, status FROM post_configurations WHERE tenant_id = ? AND is_default = 1")
    .bind(tenantId)
    .all<{ config_id: string; status: string }>();
  return results;
}

async function activeCount(tenantId: string): Promise<number> {
  const row = await (await tenantDb(tenantId))
    .prepare("SELECT COUNT(*) AS n FROM post_configurations WHERE tenant_id = ? AND status = 'active'")
    .bind(tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("post configurations", () => {
  it("make the first one the default, and move the default on request", async () => {
    const tenant = await createTenant();
    const first = await create(tenant, {
      max_hashtags_per_platform: { linkedin: 5 },
      best_posting_times: { linkedin: ["09:00", "17:30"] },
      timezone: "Europe/London",
    });
    expect(first).toMatchObject({ is_default: true, timezone: "Europe/London", min_brand_voice_score: 0.8 });
    const second = await create(tenant);
    expect(second.is_default).toBe(false);
    const third = await create(tenant, { is_default: true });
    expect(third.is_default).toBe(true);
    expect((await defaults(tenant.tenantId)).map((d) => d.config_id)).toEqual([third.id]);
    expect((await json<Configuration>(await patch(tenant, second.id, { is_default: true }))).is_default).toBe(true);
    expect((await defaults(tenant.tenantId)).map((d) => d.config_id)).toEqual([second.id]);
  });

  it("pass the default to the oldest active one when the default is archived or deleted", async () => {
    const tenant = await createTenant();
    const a = await create(tenant);
    const b = await create(tenant);
    const c = await create(tenant, { is_default: true });
    expect((await patch(tenant, c.id, { status: "archived" })).status).toBe(200);
    expect((await defaults(tenant.tenantId)).map((d) => d.config_id)).toEqual([a.id]);
    const del = await call(`/v1/post-configurations/${a.id}`, { method: "DELETE", token: tenant.ownerKey });
    expect(del.status).toBe(204);
    expect((await defaults(tenant.tenantId)).map((d) => d.config_id)).toEqual([b.id]);
    // The last active one archived: no default; brought back, it is the default again.
    await patch(tenant, b.id, { status: "archived" });
    expect(await defaults(tenant.tenantId)).toEqual([]);
    await patch(tenant, c.id, { status: "active" });
    expect((await defaults(tenant.tenantId)).map((d) => d.config_id)).toEqual([c.id]);
  });

  it("refuse to drop the default without naming another, or to archive and default at once", async () => {
    const tenant = await createTenant();
    const a = await create(tenant);
    const off = await patch(tenant, a.id, { is_default: false });
    expect(off.status).toBe(400);
    expect((await json<{ errors: { field: string }[] }>(off)).errors[0]?.field).toBe("is_default");
    const both = await patch(tenant, a.id, { is_default: true, status: "archived" });
    expect(both.status).toBe(400);
    const zone = await patch(tenant, a.id, { timezone: "Mars/Olympus" });
    expect((await json<{ errors: { field: string }[] }>(zone)).errors[0]?.field).toBe("timezone");
  });

  it("keep exactly one active default under a hundred concurrent changes", async () => {
    const tenant = await createTenant();
    const made: Configuration[] = [];
    for (let i = 0; i < 8; i++) made.push(await create(tenant));
    const pick = (i: number) => made[(i * 7) % made.length] as Configuration;
    const requests = Array.from({ length: 100 }, (_, i) => {
      switch (i % 5) {
        case 0:
        case 1:
          return patch(tenant, pick(i).id, { is_default: true });
        case 2:
          return patch(tenant, pick(i).id, { status: "archived" });
        case 3:
          return patch(tenant, pick(i).id, { status: "active" });
        default:
          return call("/v1/post-configurations", {
            token: tenant.ownerKey,
            body: { name: `Concurrent ${i}`, platforms: ["twitter"], is_default: i % 10 === 4 },
          });
      }
    });
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    statuses.forEach((status, i) => {
      expect([200, 201], `request ${i}`).toContain(status);
    });
    const rows = await defaults(tenant.tenantId);
    expect(await activeCount(tenant.tenantId)).toBeGreaterThan(0);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe("active");
  });
});
