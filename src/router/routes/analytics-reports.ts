// Reports over the tenant's analytics: benchmarks per platform, viral posts (the
// approved schema's query) and ROI by campaign (its query, without the fan-out). Reads only.
import { createRoute, z } from "@hono/zod-openapi";
import { isRoiWindow, type RoiWindow } from "../../core/analytics/roi-windows";
import { listBenchmarks, toBenchmark } from "../../core/db/reports/benchmarks";
import { viralPosts } from "../../core/db/reports/viral-posts";
import { iso } from "../../core/db/time";
import { PLATFORMS } from "../../core/platforms/types";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { decodeCursor, encodeCursor } from "../http/cursor";
import { bearer, jsonResponse, problems } from "../http/openapi-parts";
import { BenchmarkList, daysQuery, RoiPage, RoiQuery, ViralPage } from "../http/report-schemas";
import { caller, callerObject, settlePosts } from "../http/request-context";
import { retryOnReset } from "../objects";

const DAY_MS = 86_400_000;

const benchmarksRoute = createRoute({
  method: "get",
  path: "/v1/analytics/benchmarks",
  operationId: "benchmarks",
  tags: ["Reports"],
  summary: "The tenant's benchmarks per platform (last 90 days, as last recomputed)",
  security: bearer,
  middleware: guard("analytics.read", { action: "analytics.benchmarks", resource: "analytics" }),
  request: { query: z.object({ platform: z.enum(PLATFORMS).optional() }) },
  responses: { 200: jsonResponse("One row per platform with analytics", BenchmarkList), ...problems() },
});

const viralRoute = createRoute({
  method: "get",
  path: "/v1/analytics/viral",
  operationId: "viral_posts",
  tags: ["Reports"],
  summary: "Posts with a viral coefficient of at least 1, most viral first",
  security: bearer,
  middleware: guard("analytics.read", { action: "analytics.viral", resource: "analytics" }),
  request: {
    query: z.object({
      days: daysQuery(30),
      platform: z.enum(PLATFORMS).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(10).openapi({ description: "Page size (1 to 100)" }),
      cursor: z.string().max(512).optional().openapi({ description: "next_cursor of the previous page" }),
    }),
  },
  responses: { 200: jsonResponse("A page of viral posts", ViralPage), ...problems() },
});

const roiRoute = createRoute({
  method: "get",
  path: "/v1/analytics/roi",
  operationId: "campaign_roi",
  tags: ["Reports"],
  summary: "ROI per campaign of the posts published in the last `days` days, best first",
  description:
    "Answered from the tenant's running totals (one per campaign and window, kept live by publishes, counters and conversions), so a report reads one row per campaign. `days` is one of the kept windows. A page after the first is computed anew: it follows the previous page's last ROI and campaign, over the window as it is now.",
  security: bearer,
  middleware: guard("analytics.read", { action: "analytics.roi", resource: "analytics" }),
  request: { query: RoiQuery },
  responses: { 200: jsonResponse("A page of campaigns", RoiPage), ...problems() },
});

/** The window start of a first page; later pages keep it (it travels in the cursor). */
function sinceOf(nowMs: number, days: number): string {
  return new Date(nowMs - days * DAY_MS).toISOString();
}

const ViralCursor = z.object({ s: z.string(), v: z.number(), id: z.string() });
const RoiCursor = z.object({
  d: z.number().refine(isRoiWindow),
  r: z.number(),
  c: z.string(),
});

export const analyticsReportsRoutes = createRouter()
  .openapi(benchmarksRoute, async (c) => {
    const rows = await listBenchmarks(caller(c).scope, c.req.valid("query").platform);
    return c.json({ data: rows.map(toBenchmark) }, 200);
  })
  .openapi(viralRoute, async (c) => {
    const query = c.req.valid("query");
    const cursor = decodeCursor(query.cursor, ViralCursor);
    const nowMs = c.var.clock();
    const since = cursor?.s ?? sinceOf(nowMs, query.days);
    await settlePosts(c);
    const page = await viralPosts(caller(c).scope, {
      since,
      nowMs,
      platform: query.platform,
      after: cursor ? { coefficient: cursor.v, id: cursor.id } : undefined,
      limit: query.limit,
    });
    const last = page.rows.at(-1);
    return c.json(
      {
        data: page.rows.map((r) => ({ ...r, published_at: iso(r.published_at) })),
        next_cursor:
          page.hasMore && last ? encodeCursor({ s: since, v: last.viral_coefficient, id: last.post_id }) : null,
        since,
      },
      200,
    );
  })
  .openapi(roiRoute, async (c) => {
    const query = c.req.valid("query");
    const cursor = decodeCursor(query.cursor, RoiCursor);
    // A cursor keeps its window: a next page of another window would mix two orders.
    const window = (cursor?.d ?? query.days) as RoiWindow;
    const object = await callerObject(c);
    const page = await retryOnReset(object, "campaignRoi", {
      window,
      model: query.model,
      costPerPost: query.cost_per_post,
      ...(cursor ? { after: { roi: cursor.r, campaign: cursor.c } } : {}),
      limit: query.limit,
    });
    const last = page.rows.at(-1);
    return c.json(
      {
        data: page.rows,
        next_cursor:
          page.hasMore && last ? encodeCursor({ d: window, r: last.roi_percent, c: last.campaign_id }) : null,
        since: new Date(page.sinceMs).toISOString(),
        days: window,
        model: query.model,
        cost_per_post: query.cost_per_post,
      },
      200,
    );
  });
