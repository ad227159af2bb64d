// The Worker as `wrangler deploy` configures it (wrangler.toml's top level: no
// SandboxPlatform binding, PLATFORM_MODE live), with credentials for LinkedIn only.
// The sandbox is unreachable; a platform without credentials is a clear 409 at
// connect and publish, and a failure for scheduled posts and insight pulls, never a
// fallback to the sandbox (ARCHITECTURE.md, Fail closed).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { expectRedirect } from "../support/accounts";
import { TestBrowser } from "../support/browser";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { consentPage, submitConsent } from "../support/oauth-consent";
import { makeDue, runTimersNow, tenantObjectOf } from "../support/objects";
import { ADMIN, createTenant } from "../support/tenants";
import { TEST_LIVE_LINKEDIN } from "../support/test-secrets";
import { LINKEDIN_HOST, type StubbedPlatform, stubPlatform } from "./linkedin-stub";

/**
 * A tenant of a region whose objects take a location hint only. In production an EU
 * tenant's TenantObject is asked for in the `eu` jurisdiction (src/router/objects.ts), which
 * workerd refuses ("Jurisdiction restrictions are not implemented in workerd"); what
 * these tests check does not depend on the region.
 */
const productionTenant = () => createTenant({ region: "us-east" });

let platform: StubbedPlatform;
beforeEach(() => {
  platform = stubPlatform();
});
afterEach(() => platform.restore());

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { field: string }[];
}

async function problem(res: Response, status: number): Promise<Problem> {
  expect(res.status, await res.clone().text()).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  return json<Problem>(res);
}

/** Connects the stubbed LinkedIn member to the tenant the way a browser does. */
async function connectLinkedIn(ownerKey: string): Promise<string> {
  const started = await call("/v1/social-accounts/linkedin/connect", { token: ownerKey, body: {} });
  const { authorize_url, state } = await json<{ authorize_url: string; state: string }>(started);
  const browser = new TestBrowser();
  // An API client's link: the browser confirms on this site's page, then goes to LinkedIn.
  const opened = await browser.open(authorize_url);
  // Browsers hold the redirect after the form's POST to form-action too: LinkedIn's origin is named.
  expect(opened.headers.get("Content-Security-Policy")).toContain(
    `form-action 'self' ${new URL(TEST_LIVE_LINKEDIN.LINKEDIN_AUTH_BASE).origin}`,
  );
  const atLinkedIn = await expectRedirect(await submitConsent(browser, await consentPage(opened)));
  expect(atLinkedIn.origin).toBe(TEST_LIVE_LINKEDIN.LINKEDIN_AUTH_BASE);
  // LinkedIn's consent page approves and sends the browser back with a code.
  const callback = new URL(atLinkedIn.searchParams.get("redirect_uri") as string);
  callback.searchParams.set("code", `code-${crypto.randomUUID()}`);
  callback.searchParams.set("state", state);
  const landed = await browser.open(callback);
  expect(landed.status, await landed.clone().text()).toBe(201);
  return (await json<{ accounts: { id: string }[] }>(landed)).accounts[0]?.id as string;
}

/** Runs `during` with LinkedIn's secret removed from the tenant's object, as an operator deleting it would. */
async function withoutLinkedInSecret(tenantId: string, during: () => Promise<void>): Promise<void> {
  const edit = (value: string) =>
    runInDurableObject(tenantObjectOf(tenantId), (instance: TenantObject) => {
      (instance as unknown as { env: Record<string, unknown> }).env.LINKEDIN_CLIENT_SECRET = value;
    });
  await edit("");
  try {
    await during();
  } finally {
    await edit(TEST_LIVE_LINKEDIN.LINKEDIN_CLIENT_SECRET);
  }
}

describe("production configuration", () => {
  it("is the top level of wrangler.toml: no sandbox binding, live mode", () => {
    expect(env.SandboxPlatform).toBeUndefined();
    expect(env.PLATFORM_MODE).toBe("live");
  });

  it("answers 404 for every /sandbox path, exactly as for a path that does not exist", async () => {
    const unknown = await problem(await call("/nowhere/linkedin/oauth/v2/authorization"), 404);
    for (const [path, init] of [
      ["/sandbox/linkedin/oauth/v2/authorization?client_id=sandbox-client&login_hint=victim", {}],
      ["/sandbox/twitter/_control/state", { token: ADMIN }],
      ["/sandbox/facebook/_control/faults", { token: ADMIN, body: { kind: "error_500" } }],
      ["/sandbox/instagram/oauth/access_token", { body: "code=x" }],
    ] as const) {
      const found = await problem(await call(path, init), 404);
      expect(found.type).toBe(unknown.type);
      expect(found.detail).toMatch(/^No route for (GET|POST) \/sandbox\//);
    }
    expect(platform.requests).toEqual([]);
  });
});

describe("a platform without credentials", () => {
  it.each(["twitter", "facebook", "instagram"] as const)(
    "%s: connect answers 409 platform-not-configured; no state is kept, nothing is sent",
    async (name) => {
      const tenant = await productionTenant();
      const refused = await problem(
        await call(`/v1/social-accounts/${name}/connect`, { token: tenant.ownerKey, body: { login_hint: "victim" } }),
        409,
      );
      expect(refused).toMatchObject({ type: "/problems/platform-not-configured", platform: name });
      expect(refused.detail).toContain("not configured");
      const states = await runInDurableObject(
        tenantObjectOf(tenant.tenantId),
        (_o: TenantObject, state) =>
          state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM oauth_states").one().n,
      );
      expect(states).toBe(0);
      expect(platform.requests).toEqual([]);
    },
  );
});

describe("a configured platform", () => {
  it("connects through its real authorize URL and publishes there, never to the sandbox", async () => {
    const tenant = await productionTenant();
    const accountId = await connectLinkedIn(tenant.ownerKey);
    const res = await call("/v1/posts", { token: tenant.ownerKey, body: { account_id: accountId, text: "Live" } });
    expect(res.status, await res.clone().text()).toBe(201);
    for (const request of platform.requests)
      expect(new URL(request.split(" ")[1] as string).host, request).toBe(LINKEDIN_HOST);
    expect(platform.requests).toContain(`POST https://${LINKEDIN_HOST}/rest/posts`);
  });

  it("refuses an image it cannot take as a 400 naming image_url, before anything is sent to it", async () => {
    const tenant = await productionTenant();
    const accountId = await connectLinkedIn(tenant.ownerKey);
    const chunk = new Uint8Array(64 * 1024);
    let pulled = 0;
    platform.media.set(
      "https://media.test/huge.jpg",
      () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              pulled += 1;
              controller.enqueue(chunk);
            },
          }),
          { headers: { "Content-Type": "image/jpeg" } },
        ),
    );
    platform.media.set(
      "https://media.test/page.jpg",
      () => new Response("<html>", { headers: { "Content-Type": "text/html" } }),
    );
    const sentBefore = platform.requests.length;
    for (const image_url of ["https://media.test/huge.jpg", "https://media.test/page.jpg"]) {
      const res = await call("/v1/posts", {
        token: tenant.ownerKey,
        body: { account_id: accountId, text: "Rebar", image_url },
      });
      expect((await problem(res, 400)).errors?.map((e) => e.field)).toEqual(["image_url"]);
    }
    // The endless image was read to just past LinkedIn's 5 MB, then cut off.
    expect(pulled * chunk.byteLength).toBeLessThan(6 * 1024 * 1024);
    expect(platform.requests.slice(sentBefore)).toEqual([
      "GET https://media.test/huge.jpg",
      "GET https://media.test/page.jpg",
    ]);
    const listed = await json<{ data: unknown[] }>(await call("/v1/posts", { token: tenant.ownerKey }));
    expect(listed.data).toEqual([]);

    platform.media.set(
      "https://media.test/small.png",
      () => new Response(new Uint8Array(1024), { headers: { "Content-Type": "image/png" } }),
    );
    const ok = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: { account_id: accountId, text: "Rebar", image_url: "https://media.test/small.png" },
    });
    expect(ok.status, await ok.clone().text()).toBe(201);
  });

  it("loses its credentials: publishing answers 409, a scheduled post fails on record, an insight pull records a failure", async () => {
    const tenant = await productionTenant();
    const accountId = await connectLinkedIn(tenant.ownerKey);
    const published = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: { account_id: accountId, text: "Measured" },
    });
    const postId = (await json<{ id: string }>(published)).id;
    const scheduled = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: { account_id: accountId, text: "Later", scheduled_at: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(scheduled.status, await scheduled.clone().text()).toBe(202);
    const scheduledId = (await json<{ id: string }>(scheduled)).id;
    const sentBefore = platform.requests.length;

    await withoutLinkedInSecret(tenant.tenantId, async () => {
      const now = await call("/v1/posts", { token: tenant.ownerKey, body: { account_id: accountId, text: "Now" } });
      expect(await problem(now, 409)).toMatchObject({
        type: "/problems/platform-not-configured",
        platform: "linkedin",
      });

      await makeDue(tenant.tenantId, scheduledId);
      await runTimersNow(tenant.tenantId, ["publish-due"]);
      await runInDurableObject(tenantObjectOf(tenant.tenantId), (_o: TenantObject, state) => {
        state.storage.sql.exec("UPDATE insight_syncs SET next_sync_ms = 0");
      });
      await runTimersNow(tenant.tenantId, ["sync-insights"]);
    });

    const fired = await json<{ status: string; error: { type: string; message: string } }>(
      await call(`/v1/posts/${scheduledId}`, { token: tenant.ownerKey }),
    );
    expect(fired.status).toBe("failed");
    expect(fired.error.message).toContain("not configured");
    const syncErrors = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT error_type, error_message FROM analytics_sync_errors WHERE post_id = ? AND resolved_at IS NULL")
      .bind(postId)
      .all<{ error_type: string; error_message: string }>();
    expect(syncErrors.results).toEqual([
      expect.objectContaining({ error_type: "api_error", error_message: expect.stringContaining("not configured") }),
    ]);
    expect(platform.requests.slice(sentBefore)).toEqual([]);
  });
});
