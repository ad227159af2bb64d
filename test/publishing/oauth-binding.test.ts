// An OAuth connection completes only in the browser that started it (docs/publishing.md, "OAuth
// binding"): whoever else opens the platform's authorize URL cannot land their account
// in the initiator's tenant, nor burn the initiator's state. (The consent page a
// forwarded start URL shows first: oauth-consent.test.ts.)
import { describe, expect, it } from "vitest";
import { completeInBrowser, expectRedirect, sandboxUser, toPlatform } from "../support/accounts";
import { TestBrowser } from "../support/browser";
import { tenantDb } from "../support/databases";
import { call, json, ORIGIN } from "../support/http";
import { consentPage, submitConsent } from "../support/oauth-consent";
import { approveAtSandbox } from "../support/sandbox-sign-in";
import { createTenant, type TestTenant } from "../support/tenants";

interface Started {
  authorize_url: string;
  state: string;
}

async function connect(tenant: TestTenant, browser?: TestBrowser): Promise<Started> {
  const init = {
    method: "POST",
    // What a browser sends with a page's fetch to its own site.
    headers: {
      Authorization: `Bearer ${tenant.ownerKey}`,
      "Content-Type": "application/json",
      "Sec-Fetch-Site": "same-origin",
    },
    body: JSON.stringify({ login_hint: sandboxUser("bd") }),
  };
  const res = browser
    ? await browser.open("/v1/social-accounts/linkedin/connect", init)
    : await call("/v1/social-accounts/linkedin/connect", {
        token: tenant.ownerKey,
        body: { login_hint: sandboxUser("bd") },
      });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<Started>(res);
}

async function accountsOf(tenant: TestTenant): Promise<number> {
  const row = await (await tenantDb(tenant.tenantId))
    .prepare("SELECT COUNT(*) AS n FROM social_accounts WHERE tenant_id = ?")
    .bind(tenant.tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function refusedField(res: Response): Promise<string[]> {
  expect(res.status, await res.clone().text()).toBe(400);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  return (await json<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field);
}

describe("the OAuth binding", () => {
  it("hands out a start URL on this origin, never the platform's, and a __Host- cookie for the state", async () => {
    const tenant = await createTenant();
    const res = await call("/v1/social-accounts/linkedin/connect", { token: tenant.ownerKey, body: {} });
    const { authorize_url, state } = await json<Started>(res);
    const url = new URL(authorize_url);
    expect(url.origin).toBe(ORIGIN);
    expect(url.pathname).toBe("/v1/oauth/linkedin/start");
    expect(url.searchParams.get("state")).toBe(state);
    const [cookie] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-oauth_[0-9a-f]{16}=[A-Za-z0-9_-]{43};/);
    for (const attribute of ["Max-Age=600", "Path=/", "HttpOnly", "Secure", "SameSite=Lax"]) {
      expect(cookie).toContain(attribute);
    }
  });

  it("refuses a callback without the cookie, links nothing, and keeps the state for the browser that started", async () => {
    const tenant = await createTenant();
    const { authorize_url } = await connect(tenant);
    const initiator = new TestBrowser();
    const atPlatform = await toPlatform(initiator, authorize_url);
    // The platform's authorize URL, sent to someone else: their browser has no cookie.
    const victim = new TestBrowser();
    const callback = await expectRedirect(await approveAtSandbox(victim, atPlatform));
    expect(await refusedField(await victim.open(callback))).toEqual(["state"]);
    expect(await accountsOf(tenant)).toBe(0);
    // Not burnt: the browser that started completes it.
    const own = await expectRedirect(await approveAtSandbox(initiator, atPlatform));
    expect((await initiator.open(own)).status).toBe(201);
    expect(await accountsOf(tenant)).toBe(1);
  });

  it("refuses a callback with another browser's cookie", async () => {
    const tenant = await createTenant();
    const { authorize_url, state } = await connect(tenant);
    const initiator = new TestBrowser();
    const atPlatform = await toPlatform(initiator, authorize_url);
    const callback = await expectRedirect(await approveAtSandbox(initiator, atPlatform));
    const [name] = initiator.cookieNames();
    // Another browser holding a cookie of that name (its own value) for the state.
    const other = await call(`${callback.pathname}${callback.search}`, {
      headers: { Cookie: `${name}=${"B".repeat(43)}` },
    });
    expect(await refusedField(other)).toEqual(["state"]);
    // And one holding the binding cookie of a different connection.
    const mine = await connect(tenant);
    const otherBrowser = new TestBrowser();
    await consentPage(await otherBrowser.open(mine.authorize_url));
    expect(otherBrowser.cookieNames()).toHaveLength(1);
    expect(await refusedField(await otherBrowser.open(callback))).toEqual(["state"]);
    expect(await accountsOf(tenant)).toBe(0);
    expect(state).toBe(callback.searchParams.get("state"));
    expect((await initiator.open(callback)).status).toBe(201);
  });

  it("lets the first browser that opens the start URL claim it, and refuses a second", async () => {
    const tenant = await createTenant();
    const { authorize_url } = await connect(tenant);
    const first = new TestBrowser();
    const claimed = await first.open(authorize_url);
    // Claimed (its cookie), and stopped at this site's consent page.
    expect(claimed.headers.getSetCookie()).toHaveLength(1);
    await consentPage(claimed);
    expect(await refusedField(await new TestBrowser().open(authorize_url))).toEqual(["state"]);
    // The claiming browser may open it again (no new cookie): the page again, then it confirms and completes.
    const again = await first.open(authorize_url);
    expect(again.headers.getSetCookie()).toEqual([]);
    const atPlatform = await expectRedirect(await submitConsent(first, await consentPage(again)));
    const callback = await expectRedirect(await approveAtSandbox(first, atPlatform));
    expect((await first.open(callback)).status).toBe(201);
  });

  it("binds a page of this site that called connect at once: no other browser can claim its start URL", async () => {
    const tenant = await createTenant();
    const dashboard = new TestBrowser();
    const { authorize_url } = await connect(tenant, dashboard);
    // Even opened elsewhere first, the start URL belongs to the dashboard's browser.
    expect(await refusedField(await new TestBrowser().open(authorize_url))).toEqual(["state"]);
    const opened = await dashboard.open(authorize_url);
    expect(opened.status).toBe(302);
    expect(opened.headers.getSetCookie()).toEqual([]);
    const callback = await expectRedirect(await approveAtSandbox(dashboard, await expectRedirect(opened)));
    expect((await dashboard.open(callback)).status).toBe(201);
  });

  it("keeps two connections in one browser apart (one cookie per state)", async () => {
    const tenant = await createTenant();
    const browser = new TestBrowser();
    const one = await connect(tenant, browser);
    const two = await connect(tenant, browser);
    expect(browser.cookieNames()).toHaveLength(2);
    const landedTwo = await completeInBrowser(browser, two.authorize_url);
    const landedOne = await completeInBrowser(browser, one.authorize_url);
    expect([landedOne.status, landedTwo.status]).toEqual([201, 201]);
    expect(await accountsOf(tenant)).toBe(2);
    // Each callback told the browser to forget its cookie.
    expect(browser.cookieNames()).toEqual([]);
  });
});
