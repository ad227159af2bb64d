// settings.rate_limits may only lower a live platform's publishing window
// (src/core/platforms/publish-windows.ts): every tenant publishes through this deployment's
// one application, so a raise would spend the quota the others share. In production
// (this project: LinkedIn live, the others not configured) a raise is a 400 naming the
// field, nothing written; and the TenantObject clamps whatever the directory row holds.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { call, json } from "../support/http";
import { tenantObjectOf } from "../support/objects";
import { ADMIN, createTenant } from "../support/tenants";

interface Problem {
  errors?: { field: string; message: string }[];
}

async function settingsOf(key: string): Promise<unknown> {
  const res = await call("/v1/tenant", { token: key });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await json<{ settings: unknown }>(res)).settings;
}

function patchSettings(key: string, settings: unknown): Promise<Response> {
  return call("/v1/tenant", { method: "PATCH", token: key, body: { settings } });
}

/** The windows the tenant's object enforces for a LinkedIn and an X account. */
async function enforced(tenantId: string) {
  return runInDurableObject(tenantObjectOf(tenantId), async (instance: TenantObject) => {
    await instance.forgetTenantRecord();
    const windows = await instance.rateLimits([
      { accountId: "acc_linkedin", platform: "linkedin" },
      { accountId: "acc_x", platform: "twitter" },
    ]);
    return windows.map((w) => ({ platform: w.platform, limit: w.limit, windowSeconds: w.windowSeconds }));
  });
}

describe("settings.rate_limits in production", () => {
  it("refuses a window above the platform's with a 400 naming the field, and writes nothing", async () => {
    const tenant = await createTenant({ region: "us-east" });
    const kept = { rate_limits: { linkedin: { limit: 50 } } };
    expect((await patchSettings(tenant.ownerKey, kept)).status).toBe(200);

    const raises: [unknown, string][] = [
      [{ linkedin: { limit: 101 } }, "settings.rate_limits.linkedin.limit"],
      [{ linkedin: { limit: 100_000 } }, "settings.rate_limits.linkedin.limit"],
      // 100 an hour is 2,400 a day; 5 an hour would be 120.
      [{ linkedin: { window_seconds: 3600 } }, "settings.rate_limits.linkedin.window_seconds"],
      [{ linkedin: { limit: 5, window_seconds: 3600 } }, "settings.rate_limits.linkedin.limit"],
      // Not even one post a minute fits in 100 a day.
      [{ linkedin: { limit: 1, window_seconds: 60 } }, "settings.rate_limits.linkedin.window_seconds"],
      // Not configured here: capped all the same (it would be the deployment's app).
      [{ twitter: { limit: 51 } }, "settings.rate_limits.twitter.limit"],
      [{ facebook: { limit: 201 } }, "settings.rate_limits.facebook.limit"],
      [{ instagram: { limit: 26 } }, "settings.rate_limits.instagram.limit"],
    ];
    for (const [rateLimits, field] of raises) {
      const res = await patchSettings(tenant.ownerKey, { rate_limits: rateLimits });
      const label = JSON.stringify(rateLimits);
      expect(res.status, label).toBe(400);
      expect(res.headers.get("Content-Type"), label).toContain("application/problem+json");
      expect(
        (await json<Problem>(res)).errors?.map((e) => e.field),
        label,
      ).toEqual([field]);
      expect(await settingsOf(tenant.ownerKey), label).toEqual(kept);
    }
  });

  it("accepts a window that only lowers the platform's", async () => {
    const tenant = await createTenant({ region: "us-east" });
    const lowered = {
      rate_limits: {
        linkedin: { limit: 4, window_seconds: 3600 },
        twitter: { limit: 50, window_seconds: 2 * 86_400 },
        facebook: { limit: 10 },
      },
    };
    const res = await patchSettings(tenant.ownerKey, lowered);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await settingsOf(tenant.ownerKey)).toEqual(lowered);
    expect(await enforced(tenant.tenantId)).toEqual([
      { platform: "linkedin", limit: 4, windowSeconds: 3600 },
      { platform: "twitter", limit: 50, windowSeconds: 2 * 86_400 },
    ]);
  });

  it("refuses the operator's raise at creation too, and creates nothing", async () => {
    const name = `Raised ${crypto.randomUUID()}`;
    const res = await call("/v1/tenants", {
      token: ADMIN,
      body: {
        name,
        region: "us-east",
        settings: { rate_limits: { linkedin: { limit: 1000 } } },
        owner: { email: `o-${crypto.randomUUID()}@example.com`, password: "correct horse battery staple" },
      },
    });
    expect(res.status).toBe(400);
    expect((await json<Problem>(res)).errors?.map((e) => e.field)).toEqual(["settings.rate_limits.linkedin.limit"]);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM tenants WHERE name = ?").bind(name).first("n")).toBe(0);
  });

  it("the object enforces at most the platform's window, whatever an old directory row holds", async () => {
    const tenant = await createTenant({ region: "us-east" });
    const rows: [unknown, { limit: number; windowSeconds: number }[]][] = [
      [
        { linkedin: { limit: 100_000 }, twitter: { limit: 1000, window_seconds: 86_400 } },
        [
          { limit: 100, windowSeconds: 86_400 },
          { limit: 50, windowSeconds: 86_400 },
        ],
      ],
      [
        // Ten an hour on LinkedIn is 240 a day: at most 4 an hour fit in 100 a day.
        { linkedin: { limit: 10, window_seconds: 3600 }, twitter: { limit: 50, window_seconds: 60 } },
        [
          { limit: 4, windowSeconds: 3600 },
          // Not one post a minute fits in 50 a day: the platform's own window.
          { limit: 50, windowSeconds: 86_400 },
        ],
      ],
    ];
    for (const [rateLimits, expected] of rows) {
      await env.DB.prepare("UPDATE tenants SET settings = ? WHERE tenant_id = ?")
        .bind(JSON.stringify({ rate_limits: rateLimits }), tenant.tenantId)
        .run();
      const label = JSON.stringify(rateLimits);
      expect(
        (await enforced(tenant.tenantId)).map(({ limit, windowSeconds }) => ({ limit, windowSeconds })),
        label,
      ).toEqual(expected);
    }
  });
});
