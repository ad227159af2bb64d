// How far settings.rate_limits may move a platform's window (src/core/platforms/publish-windows.ts):
// only down on a platform this deployment reaches live (test/production/window-ceiling.test.ts
// checks the routes and the object there); in development mode the sandbox platforms
// share no application, and their windows may be raised.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { ceilingFor, DEFAULT_WINDOWS, raisedWindow, windowFor } from "../../src/core/platforms/publish-windows";
import type { Platform } from "../../src/core/platforms/types";
import { call } from "../support/http";
import { tenantObjectOf } from "../support/objects";
import { createTenant } from "../support/tenants";

const PLATFORMS = Object.keys(DEFAULT_WINDOWS) as Platform[];

describe("the ceiling of a tenant's window", () => {
  it("is the platform's own limit, and a limit one above it is refused, on every platform", () => {
    for (const platform of PLATFORMS) {
      const { limit, windowMs } = DEFAULT_WINDOWS[platform];
      expect(raisedWindow(platform, { limit }), platform).toBeNull();
      expect(raisedWindow(platform, { limit: limit + 1 })?.field, platform).toBe("limit");
      expect(raisedWindow(platform, { window_seconds: windowMs / 1000 - 1 })?.field, platform).toBe("window_seconds");
      // A longer window may keep the platform's limit: it admits less.
      expect(raisedWindow(platform, { window_seconds: (2 * windowMs) / 1000 }), platform).toBeNull();
    }
  });

  it("holds over any span of the platform's window: L × ⌈W0 / W⌉ ≤ L0", () => {
    // LinkedIn, 100 a day: 4 an hour is 96 a day, 5 an hour 120.
    expect(ceilingFor("linkedin", 3_600_000)).toBe(4);
    expect(raisedWindow("linkedin", { limit: 4, window_seconds: 3600 })).toBeNull();
    expect(raisedWindow("linkedin", { limit: 5, window_seconds: 3600 })?.field).toBe("limit");
    // Facebook, 200 an hour: 3 a minute is 180 an hour.
    expect(ceilingFor("facebook", 60_000)).toBe(3);
    // Instagram, 25 a day: a post every 58 minutes would be 25; every 57, 26.
    expect(raisedWindow("instagram", { limit: 1, window_seconds: 3456 })).toBeNull();
    expect(raisedWindow("instagram", { limit: 1, window_seconds: 3455 })?.field).toBe("window_seconds");
  });

  it("clamps a capped override to the most it may be, and leaves an uncapped one alone", () => {
    expect(windowFor("linkedin", { limit: 100_000 }, true)).toMatchObject({ limit: 100, windowMs: 86_400_000 });
    expect(windowFor("linkedin", { limit: 10, window_seconds: 3600 }, true)).toMatchObject({
      limit: 4,
      windowMs: 3_600_000,
    });
    expect(windowFor("twitter", { limit: 50, window_seconds: 60 }, true)).toMatchObject({
      limit: 50,
      windowMs: 86_400_000,
    });
    expect(windowFor("linkedin", { limit: 3 }, true)).toMatchObject({ limit: 3, windowMs: 86_400_000 });
    expect(windowFor("linkedin", { limit: 100_000 })).toMatchObject({ limit: 100_000 });
  });
});

describe("in development mode", () => {
  it("a sandbox platform's window may be raised: it shares no application (tests and benchmarks publish thousands)", async () => {
    const tenant = await createTenant();
    const res = await call("/v1/tenant", {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { settings: { rate_limits: { linkedin: { limit: 100_000 } } } },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const [window] = await runInDurableObject(tenantObjectOf(tenant.tenantId), (instance: TenantObject) =>
      instance.rateLimits([{ accountId: "acc_linkedin", platform: "linkedin" }]),
    );
    expect(window?.limit).toBe(100_000);
  });
});
