// A forwarded OAuth start URL in a real browser (docs/publishing.md, "OAuth binding"): the page it
// stops at names the tenant and the masked member who asked, renders under its CSP
// without a violation, and its button is the only way on: the POST, the redirect to
// the (sandbox) platform that CSP's form-action must let through, the approval and
// the callback, which completes with the browser's __Host- cookie. A second browser
// opening the same link is refused.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createApiClient, ok } from "../client/index.ts";
import { createTenant } from "../client/tenants.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";
import { HAS_CHROMIUM, launchBrowser } from "./support/browser";
import { type RunningWorker, startWorker } from "./support/worker";

describe.runIf(HAS_CHROMIUM)("a forwarded connect link in a browser", () => {
  let worker: RunningWorker;
  let browser: Browser;

  beforeAll(async () => {
    worker = await startWorker();
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
  });

  /** A page of its own browser context (its own cookies), with what the console said. */
  async function freshPage(): Promise<{ page: Page; log: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const log: string[] = [];
    page.on("console", (message) => log.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => log.push(`pageerror: ${error.message}`));
    return { page, log };
  }

  it("stops at the consent page, and connects only once its button is pressed", async () => {
    const api = createApiClient(worker.url);
    const ownerEmail = `jane-${crypto.randomUUID()}@example.com`;
    const tenant = await createTenant(api, TEST_SECRETS.ADMIN_TOKEN, { name: "Rebar <Mesh> & Co", ownerEmail });
    // An API client asks: its start URL is a link anyone it is sent to can open.
    const { authorize_url } = await ok(
      api.POST("/v1/social-accounts/{platform}/connect", {
        ...bearer(tenant.ownerKey),
        params: { path: { platform: "linkedin" } },
        body: { login_hint: `e2e${Date.now().toString(36)}` },
      }),
    );

    const { page, log } = await freshPage();
    const opened = await page.goto(authorize_url);
    expect(opened?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/v1/oauth/linkedin/start");
    expect(await page.locator("#tenant").textContent()).toBe("Rebar <Mesh> & Co");
    expect(await page.locator("#asked-by").textContent()).toBe("j•••@example.com");
    expect(await page.locator("#platform").textContent()).toBe("LinkedIn");
    // The nonce'd style applied (a CSP refusal would leave the button unstyled).
    const background = await page.locator("button[type=submit]").evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(background).toBe("rgb(0, 170, 85)");
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => c.name)).toEqual([expect.stringMatching(/^__Host-oauth_[0-9a-f]{16}$/)]);

    // Nothing connected until the button: then the POST, the sandbox's sign-in page (the
    // user filled in from login_hint, its password typed, Approve pressed), the callback.
    const before = await ok(api.GET("/v1/social-accounts", bearer(tenant.ownerKey)));
    expect(before.data).toEqual([]);
    const atPlatform = page.waitForURL((url) => url.pathname === "/sandbox/linkedin/oauth/v2/authorization", {
      timeout: 15_000,
    });
    await page.click("button[type=submit]");
    await atPlatform;
    expect(await page.inputValue("#sandbox_user")).toMatch(/^e2e/);
    await page.fill("#sandbox_password", "e2e-sandbox-password");
    const landed = page.waitForURL((url) => url.pathname === "/v1/oauth/linkedin/callback", { timeout: 15_000 });
    await page.click("button[value=approve]");
    await landed;
    const body = JSON.parse((await page.locator("body").textContent()) ?? "") as { accounts: { platform: string }[] };
    expect(body.accounts.map((a) => a.platform)).toEqual(["linkedin"]);
    expect(log.filter((line) => /Content Security Policy|Refused/i.test(line))).toEqual([]);
    const after = await ok(api.GET("/v1/social-accounts", bearer(tenant.ownerKey)));
    expect(after.data.map((a) => a.platform)).toEqual(["linkedin"]);
  });

  it("refuses a second browser opening the same link", async () => {
    const api = createApiClient(worker.url);
    const tenant = await createTenant(api, TEST_SECRETS.ADMIN_TOKEN, { name: "Second Browser Ltd" });
    const { authorize_url } = await ok(
      api.POST("/v1/social-accounts/{platform}/connect", {
        ...bearer(tenant.ownerKey),
        params: { path: { platform: "linkedin" } },
        body: {},
      }),
    );
    const first = await freshPage();
    expect((await first.page.goto(authorize_url))?.status()).toBe(200);
    const second = await freshPage();
    const refused = await second.page.goto(authorize_url);
    expect(refused?.status()).toBe(400);
    expect(refused?.headers()["content-type"]).toBe("application/problem+json");
  });
});
