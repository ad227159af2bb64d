// The dashboard in a browser: signs in with an API key, shows the demo tenant's posts
// live, and shows new figures when events are ingested, without a reload and with
// nothing loaded from another origin.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, bearer, createApiClient, ok, type Schema } from "../client/index.ts";
import { type Demo, seedDemo } from "../scripts/demo-seed.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";
import { HAS_CHROMIUM, launchBrowser } from "./support/browser";
import { type RunningWorker, startWorker } from "./support/worker";

describe.runIf(HAS_CHROMIUM)("the dashboard in a browser", () => {
  let worker: RunningWorker;
  let browser: Browser;
  let demo: Demo;
  let api: ApiClient;

  beforeAll(async () => {
    worker = await startWorker();
    api = createApiClient(worker.url);
    browser = await launchBrowser();
    ({ demo } = await seedDemo({ origin: worker.url.origin, adminToken: TEST_SECRETS.ADMIN_TOKEN }));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
  });

  /** A page with its console, failures and requests recorded, printed if the test fails. */
  async function withPage(run: (page: Page, requests: string[]) => Promise<void>): Promise<void> {
    const page = await browser.newPage();
    const requests: string[] = [];
    const log: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("console", (message) => log.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => log.push(`pageerror: ${error.message}`));
    page.on("requestfailed", (request) => log.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
    try {
      await run(page, requests);
    } catch (error) {
      console.error("page log:\n", log.join("\n"), "\nrequests:\n", requests.join("\n"));
      throw error;
    } finally {
      await page.close();
    }
  }

  async function ingest(events: Schema<"MetricEventBatch">["events"]): Promise<void> {
    await ok(api.POST("/v1/analytics/events", { ...bearer(demo.dashboardKey), body: { events } }));
  }

  it("refuses a wrong key, then signs in through the form and lists the tenant's posts", async () => {
    await withPage(async (page) => {
      await page.goto(new URL("/", worker.url).toString());
      await page.fill("#api-key", "dify_nope_not-a-key");
      await page.click("#sign-in-form button[type=submit]");
      await page.locator("#sign-in-error").waitFor({ state: "visible", timeout: 10_000 });
      expect(await page.locator("#sign-in-error").textContent()).toContain("Refused");

      await page.fill("#api-key", demo.dashboardKey);
      await page.click("#sign-in-form button[type=submit]");
      await page.locator("#status[data-state=live]").waitFor({ timeout: 15_000 });
      await expect.poll(() => page.locator("#posts tbody tr").count(), { timeout: 10_000 }).toBe(demo.posts.length);
    });
  });

  async function publishLinkedIn(count: number): Promise<string[]> {
    const account = demo.accounts.find((a) => a.platform === "linkedin");
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const body = { account_id: account?.id ?? "", text: `Yard update ${i}` };
      const { data, error, response } = await api.POST("/v1/posts", { ...bearer(demo.ownerKey), body });
      expect(response.status, JSON.stringify(error)).toBe(201);
      ids.push(data?.id ?? "");
    }
    return ids;
  }

  it("shows new figures as events arrive, highlights an anomaly, and stays on this origin", async () => {
    // Enough LinkedIn posts for a distribution (anomalies need at least five).
    const linkedIn = [
      ...demo.posts.filter((p) => p.platform === "linkedin").map((p) => p.id),
      ...(await publishLinkedIn(6)),
    ];
    await withPage(async (page, requests) => {
      await page.goto(new URL(`/#key=${demo.dashboardKey}`, worker.url).toString());
      await page.locator("#status[data-state=live]").waitFor({ timeout: 15_000 });
      // The key leaves the address bar once taken.
      expect(page.url()).not.toContain(demo.dashboardKey);
      await expect.poll(() => page.locator("#posts tbody tr").count(), { timeout: 10_000 }).toBe(demo.posts.length + 6);

      // Ordinary figures for every LinkedIn post, then one far above the rest.
      const [star, ...rest] = linkedIn;
      if (!star) throw new Error("the demo has no LinkedIn post");
      await ingest(
        rest.map((id) => ({
          post_id: id,
          type: "snapshot",
          metrics: { impressions: 10_000, likes: 200, comments: 10, shares: 5, clicks: 20 },
        })),
      );
      await ingest([
        {
          post_id: star,
          type: "snapshot",
          metrics: { impressions: 10_000, likes: 123_456, comments: 10, shares: 5, clicks: 20 },
        },
      ]);

      const starRow = page.locator(`#posts tr[data-post-id="${star}"]`);
      await expect
        .poll(() => starRow.locator("[data-metric=likes]").textContent(), { timeout: 10_000 })
        .toBe("123,456");
      expect(await starRow.locator("[data-metric=impressions]").textContent()).toBe("10,000");
      await expect.poll(() => starRow.getAttribute("class"), { timeout: 10_000 }).toContain("anomaly");
      expect(await starRow.locator("[data-metric=anomaly]").textContent()).toContain("above normal");

      // The chart counted what was gained, the table shows where it stands.
      const total = await page.locator("#chart-engagement [data-total]").getAttribute("data-total");
      expect(Number(total)).toBeGreaterThanOrEqual(123_456 + 10 + 5 + 20);

      const origins = new Set(requests.filter((u) => !u.startsWith("data:")).map((u) => new URL(u).origin));
      expect([...origins]).toEqual([worker.url.origin]);
    });
  });
});
