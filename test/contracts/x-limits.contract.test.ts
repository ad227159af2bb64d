// X's rate-limit headers (docs.x.com, "Rate limits"): x-rate-limit-* (the endpoint's
// 15-minute window), x-user-limit-24hour-* (the user's day) and x-app-limit-24hour-*
// (the app's day, every user together), read together: when windows are exhausted, the
// later reset is the one that holds. From both sides (exchange.ts): the adapter reads
// the documented headers, and the sandbox sends them, on a post and on a throttled one.
import { describe, expect, it } from "vitest";
import { PlatformError } from "../../src/core/platforms/errors";
import { XAdapter, xQuota } from "../../src/core/platforms/x";
import { connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { call } from "../support/http";
import { createTenant } from "../support/tenants";
import { recordingConfig, sandboxFetch, sandboxGrant } from "./exchange";

const NOW_S = Math.floor(Date.parse("2026-03-10T12:00:00Z") / 1000);

function headers(windows: Record<string, [remaining: number, resetInSeconds: number]>): Headers {
  const out = new Headers();
  for (const [prefix, [remaining, reset]] of Object.entries(windows)) {
    out.set(`${prefix}-limit`, "100");
    out.set(`${prefix}-remaining`, String(remaining));
    out.set(`${prefix}-reset`, String(NOW_S + reset));
  }
  return out;
}

describe("X limits contract", () => {
  it.each([
    [
      "the app's day spent after the user's: the app's reset",
      { user: [0, 3_600], app: [0, 72_000] },
      72_000,
      "x-app-limit-24hour",
    ],
    [
      "the user's day spent after the app's: the user's reset",
      { user: [0, 50_000], app: [0, 7_200] },
      50_000,
      "x-user-limit-24hour",
    ],
    ["the app's day alone spent", { user: [40, 50_000], app: [0, 7_200] }, 7_200, "x-app-limit-24hour"],
    ["nothing spent: the tightest window", { user: [40, 50_000], app: [3, 7_200] }, 7_200, "x-app-limit-24hour"],
  ] as const)("%s", (_name, windows, resetIn, source) => {
    const read = xQuota(
      headers({
        "x-rate-limit": [200, 900],
        "x-user-limit-24hour": windows.user as [number, number],
        "x-app-limit-24hour": windows.app as [number, number],
      }),
    );
    expect(read).toMatchObject({ resetAtMs: (NOW_S + resetIn) * 1000, source });
  });

  it("the adapter: a 429 whose app day is spent waits for the app's later reset", async () => {
    const { config } = recordingConfig("twitter", () =>
      Response.json(
        { title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status: 429 },
        {
          status: 429,
          headers: headers({
            "x-rate-limit": [0, 900],
            "x-user-limit-24hour": [0, 3_600],
            "x-app-limit-24hour": [0, 80_000],
          }),
        },
      ),
    );
    const refused = await new XAdapter(config)
      .publish("tok", "u", { text: "x", imageUrl: null, videoUrl: null })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PlatformError);
    expect(refused).toMatchObject({ kind: "rate_limited", details: { resetAtMs: (NOW_S + 80_000) * 1000 } });
  });

  it("the sandbox: a post answers the three windows' headers; a throttled one names the app's spent day", async () => {
    const grant = await sandboxGrant("twitter");
    const post = () =>
      sandboxFetch("twitter", "/2/tweets", {
        method: "POST",
        headers: { Authorization: `Bearer ${grant.tokens.accessToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ text: `Limits ${crypto.randomUUID()}` }),
      });
    const ok = await post();
    expect(ok.status).toBe(201);
    for (const prefix of ["x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"]) {
      for (const part of ["limit", "remaining", "reset"]) {
        expect(ok.headers.get(`${prefix}-${part}`), `${prefix}-${part}`).toMatch(/^\d+$/);
      }
    }
    await sandbox("twitter").addFault({
      kind: "rate_limit_429",
      endpoint: "publish",
      user_id: grant.user,
      params: { reset_seconds: 900, daily_reset_seconds: 3_600, app_daily_reset_seconds: 80_000 },
    });
    const throttled = await post();
    expect(throttled.status).toBe(429);
    const read = xQuota(throttled.headers);
    expect(read?.source).toBe("x-app-limit-24hour");
    expect((read?.resetAtMs ?? 0) - Date.now()).toBeGreaterThan(79_000_000);
  });

  it("through the API: the account waits for the app's day, the later reset, and makes no further call", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "twitter");
    const user = sandboxUserOf(account);
    await sandbox("twitter").addFault({
      kind: "rate_limit_429",
      endpoint: "publish",
      user_id: user,
      params: { reset_seconds: 600, daily_reset_seconds: 3_600, app_daily_reset_seconds: 70_000 },
    });
    const first = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) });
    expect(first.status).toBe(429);
    expect(Number(first.headers.get("Retry-After"))).toBeGreaterThan(69_000);
    const second = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) });
    expect(second.status).toBe(429);
    expect((await sandbox("twitter").counters(user)).publish).toBe(1);
  });
});
