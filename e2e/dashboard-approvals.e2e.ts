// The approval queue on the dashboard (docs/approvals.md), on a phone (390 px) and a laptop
// (1280 px): the demo's waiting draft is listed, an agent's new draft appears live over the
// socket, approve publishes it and reject (with its reason) rejects it, each leaving the
// queue; and the dashboard reads at both widths: the charts' labels at 11 px or more as
// drawn on screen, the benchmarks table's last column reachable, nothing wider than the page.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, bearer, createApiClient, ok, type Schema } from "../client/index.ts";
import { type Demo, seedDemo } from "../scripts/demo-seed.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";
import { HAS_CHROMIUM, launchBrowser } from "./support/browser";
import { type RunningWorker, startWorker } from "./support/worker";

const WIDTHS = [
  { name: "a phone", width: 390, height: 844 },
  { name: "a laptop", width: 1280, height: 800 },
] as const;

describe.runIf(HAS_CHROMIUM)("the approval queue and the dashboard at 390 and 1280 px", () => {
  let worker: RunningWorker;
  let browser: Browser;
  let demo: Demo;
  let api: ApiClient;

  beforeAll(async () => {
    worker = await startWorker();
    api = createApiClient(worker.url);
    browser = await launchBrowser();
    ({ demo } = await seedDemo({ origin: worker.url.origin, adminToken: TEST_SECRETS.ADMIN_TOKEN }));
    // Figures for every post, so the benchmarks table has rows once the object flushes them.
    const events: Schema<"MetricEventBatch">["events"] = demo.posts.map((post, i) => ({
      post_id: post.id,
      type: "snapshot",
      metrics: { impressions: 5_000 + i * 700, reach: 4_000 + i * 500, likes: 120 + i * 9, comments: 7, shares: 3 + i },
    }));
    await ok(api.POST("/v1/analytics/events", { ...bearer(demo.dashboardKey), body: { events } }));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
  });

  /** A page of `width` with its console and failures recorded, printed if the test fails. */
  async function withPage(size: { width: number; height: number }, run: (page: Page) => Promise<void>) {
    const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
    const log: string[] = [];
    page.on("console", (message) => log.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => log.push(`pageerror: ${error.message}`));
    try {
      await run(page);
    } catch (error) {
      console.error(`page log at ${size.width} px:\n`, log.join("\n"));
      throw error;
    } finally {
      await page.close();
    }
  }

  /** A new draft of the demo's agent, which waits for approval; its id and text. */
  async function agentDraft(label: string): Promise<{ id: string; text: string }> {
    const account = demo.accounts.find((a) => a.platform === "linkedin");
    const text = `${label} ${crypto.randomUUID().slice(0, 8)}`;
    const post = await ok(
      api.POST("/v1/posts", { ...bearer(demo.agentKey ?? ""), body: { account_id: account?.id ?? "", text } }),
    );
    expect(post.status).toBe("pending_approval");
    return { id: post.id, text };
  }

  async function postStatus(id: string) {
    return ok(api.GET("/v1/posts/{id}", { ...bearer(demo.ownerKey), params: { path: { id } } }));
  }

  const queued = (page: Page, id: string) => page.locator(`#approval-queue li[data-post-id="${id}"]`);

  for (const size of WIDTHS) {
    it(`on ${size.name} (${size.width} px): the queue renders, a live draft appears, approve and reject work`, async () => {
      await withPage(size, async (page) => {
        await page.goto(new URL(`/#key=${demo.dashboardKey}`, worker.url).toString());
        await page.locator("#status[data-state=live]").waitFor({ timeout: 15_000 });
        const waiting = demo.waiting?.[0];
        if (!waiting) throw new Error("the demo has no draft waiting");
        await queued(page, waiting.id).waitFor({ timeout: 10_000 });
        expect(await queued(page, waiting.id).locator(".text").textContent()).toContain("Steel prices held steady");

        // Drafted while the page is open: it arrives over the socket, no reload.
        const approving = await agentDraft("Approve me");
        await queued(page, approving.id).waitFor({ timeout: 10_000 });
        expect(await queued(page, approving.id).locator(".text").textContent()).toBe(approving.text);
        await queued(page, approving.id).locator("button.approve").click();
        await queued(page, approving.id).waitFor({ state: "detached", timeout: 10_000 });
        expect((await postStatus(approving.id)).status).toBe("published");

        const rejecting = await agentDraft("Reject me");
        await queued(page, rejecting.id).waitFor({ timeout: 10_000 });
        await queued(page, rejecting.id).locator("button.reject").click();
        const reason = `Off-brand at ${size.width} px`;
        await queued(page, rejecting.id).locator("textarea").fill(reason);
        await queued(page, rejecting.id).locator("form button[type=submit]").click();
        await queued(page, rejecting.id).waitFor({ state: "detached", timeout: 10_000 });
        const rejected = await postStatus(rejecting.id);
        expect(rejected.status).toBe("rejected");
        expect(rejected.approval?.rejection_reason).toBe(reason);

        // The demo's own draft still waits, and its buttons are finger-sized.
        const box = await queued(page, waiting.id).locator("button.approve").boundingBox();
        expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
        expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(size.width);
      });
    });

    it(`on ${size.name} (${size.width} px): chart labels read at 11 px or more, the benchmarks' last column is reachable`, async () => {
      await withPage(size, async (page) => {
        await page.goto(new URL(`/#key=${demo.dashboardKey}`, worker.url).toString());
        await page.locator("#status[data-state=live]").waitFor({ timeout: 15_000 });
        await page.locator("#chart-engagement svg text.tick").first().waitFor({ timeout: 10_000 });
        await expect.poll(() => page.locator("#chart-rates svg text").count(), { timeout: 20_000 }).toBeGreaterThan(0);

        // Every label of every chart: its computed font size, and its size as drawn on screen.
        const labels = await page.$$eval(".chart svg text", (texts) =>
          texts.map((text) => {
            const size = Number.parseFloat(getComputedStyle(text).fontSize);
            const scale = (text as SVGTextElement).getScreenCTM()?.a ?? 0;
            return { text: text.textContent, chart: text.closest(".chart")?.id, size, drawn: size * scale };
          }),
        );
        expect(labels.length).toBeGreaterThan(4);
        for (const label of labels) {
          const name = `${label.chart}: "${label.text}"`;
          expect(label.size, `${name} font size`).toBeGreaterThanOrEqual(11);
          expect(label.drawn, `${name} size on screen`).toBeGreaterThanOrEqual(11);
        }
        // No label runs past its chart's edge.
        const outside = await page.$$eval(".chart svg", (charts) =>
          charts.flatMap((chart) => {
            const edge = chart.getBoundingClientRect();
            return [...chart.querySelectorAll("text")]
              .map((text) => ({ text: text.textContent, box: text.getBoundingClientRect() }))
              .filter(({ box }) => box.left < edge.left - 1 || box.right > edge.right + 1)
              .map(({ text }) => text);
          }),
        );
        expect(outside, "labels cut off at a chart's edge").toEqual([]);

        // The benchmarks table: its last column, scrolled to if need be, lies within the table's
        // frame and the screen, its heading not clipped; on a laptop it fits without scrolling.
        await expect.poll(() => page.locator("#benchmarks tbody tr").count(), { timeout: 30_000 }).toBeGreaterThan(0);
        const table = await page.$eval("#benchmarks", (benchmarks) => {
          const wrap = benchmarks.closest(".table-wrap") as HTMLElement;
          const last = benchmarks.querySelector("thead th:last-child") as HTMLElement;
          const cell = benchmarks.querySelector("tbody tr td:last-child") as HTMLElement;
          const scrolls = wrap.scrollWidth > wrap.clientWidth;
          last.scrollIntoView({ inline: "end", block: "nearest" });
          const frame = wrap.getBoundingClientRect();
          const heading = last.getBoundingClientRect();
          const value = cell.getBoundingClientRect();
          return {
            scrolls,
            overflow: getComputedStyle(wrap).overflowX,
            heading: last.textContent,
            within: heading.right <= frame.right + 1 && value.right <= frame.right + 1,
            onScreen: heading.right <= window.innerWidth && heading.left >= 0,
            clipped: last.scrollWidth > last.clientWidth,
          };
        });
        expect(table.heading).toBe("p90 share rate");
        expect(table.within, JSON.stringify(table)).toBe(true);
        expect(table.onScreen, JSON.stringify(table)).toBe(true);
        expect(table.clipped, JSON.stringify(table)).toBe(false);
        if (table.scrolls) expect(["auto", "scroll"]).toContain(table.overflow);
        if (size.width >= 1280) expect(table.scrolls, "fits on a laptop").toBe(false);

        // Nothing makes the page itself wider than the screen.
        const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(pageWidth).toBeLessThanOrEqual(size.width);
      });
    });
  }
});
