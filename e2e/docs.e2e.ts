// /docs renders the API reference with nothing but this origin: every request the
// page makes is same-origin, so it works with the network off.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_CHROMIUM, launchBrowser } from "./support/browser";
import { type RunningWorker, startWorker } from "./support/worker";

describe.runIf(HAS_CHROMIUM)("/docs in a browser", () => {
  let worker: RunningWorker;
  let browser: Browser;

  beforeAll(async () => {
    worker = await startWorker();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
  });

  it("lists the API's operations and loads nothing from another origin", async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    const failures: string[] = [];
    const consoleLines: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("requestfailed", (request) => failures.push(`${request.url()} ${request.failure()?.errorText}`));
    page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    try {
      const response = await page.goto(new URL("/docs", worker.url).toString(), { timeout: 15_000 });
      expect(response?.status()).toBe(200);
      // Swagger UI renders one block per operation once it has read /openapi.json.
      await page.locator(".opblock-summary-path", { hasText: "/v1/health" }).first().waitFor({ timeout: 15_000 });
      expect(await page.title()).toContain("API reference");
      const origins = new Set(requests.filter((u) => !u.startsWith("data:")).map((u) => new URL(u).origin));
      expect([...origins]).toEqual([worker.url.origin]);
      expect(requests, "the page's requests").toContainEqual(expect.stringMatching(/\/openapi\.json$/));
      expect(failures).toEqual([]);
    } catch (error) {
      console.error("page console:\n", consoleLines.join("\n"), "\nrequests:\n", requests.join("\n"));
      throw error;
    } finally {
      await page.close();
    }
  });
});
