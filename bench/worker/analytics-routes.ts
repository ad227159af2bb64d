// Routes that exist only in the benchmarks' entry (bench/worker/index.ts), for
// `npm run bench:analytics` (not in the OpenAPI document):
//   POST /bench/analytics/flush            the caller's TenantObject flushes now and
//                                          reports D1's own rows_written
//   POST /bench/analytics/per-event-writes the design the flush replaces: every event
//                                          one UPDATE of post_analytics in D1, with D1's
//                                          rows_written summed
import { z } from "@hono/zod-openapi";
import type { FlushReport } from "../../objects/analytics/flush";
import { chunk } from "../../src/core/db/chunk";
import { guard } from "../../src/router/auth/guard";
import { createRouter } from "../../src/router/http/app-env";
import { ProblemError } from "../../src/router/http/problem";
import { caller, callerObject } from "../../src/router/http/request-context";
import type { TenantObjectClient } from "../../src/router/objects";
import type { BenchObjectMethods } from "./bench-tenant-object";

const DeltaEvents = z.object({
  events: z
    .array(
      z.object({
        post_id: z.string(),
        metrics: z.object({
          likes: z.number().int(),
          comments: z.number().int(),
          shares: z.number().int(),
          clicks: z.number().int(),
          impressions: z.number().int(),
        }),
      }),
    )
    .max(1000),
});

export const benchAnalyticsRoutes = createRouter()
  .use("/bench/analytics/flush", ...guard("analytics.write", { action: "bench.flush", resource: "post_analytics" }))
  .use(
    "/bench/analytics/per-event-writes",
    ...guard("analytics.write", { action: "bench.per_event_writes", resource: "post_analytics" }),
  )
  .post("/bench/analytics/flush", async (c) => {
    // The benchmarks' entry binds BenchTenantObject, which has the flush (bench-tenant-object.ts).
    const object = (await callerObject(c)) as TenantObjectClient & BenchObjectMethods;
    let total: FlushReport = { posts: 0, statements: 0, rowsWritten: 0, benchmarkRowsWritten: 0, more: true };
    while (total.more) {
      const report = await object.flushAnalytics();
      total = {
        posts: total.posts + report.posts,
        statements: total.statements + report.statements,
        rowsWritten: total.rowsWritten + report.rowsWritten,
        benchmarkRowsWritten: total.benchmarkRowsWritten + report.benchmarkRowsWritten,
        more: report.more,
      };
    }
    return c.json(total);
  })
  .post("/bench/analytics/per-event-writes", async (c) => {
    const parsed = DeltaEvents.safeParse(await c.req.json());
    if (!parsed.success) throw new ProblemError("validation", parsed.error.message);
    const { scope } = caller(c);
    const statements = parsed.data.events.map((e) =>
      scope.db
        .prepare(
          `UPDATE post_analytics SET likes = likes + ?, comments = comments + ?, shares = shares + ?,
             clicks = clicks + ?, impressions = impressions + ?, updated_at = ?
           WHERE tenant_id = ? AND post_id = ?`,
        )
        .bind(
          e.metrics.likes,
          e.metrics.comments,
          e.metrics.shares,
          e.metrics.clicks,
          e.metrics.impressions,
          new Date().toISOString(),
          scope.tenantId,
          e.post_id,
        ),
    );
    let rowsWritten = 0;
    for (const part of chunk(statements, 100)) {
      for (const result of await scope.db.batch(part)) rowsWritten += result.meta.rows_written ?? 0;
    }
    return c.json({ statements: statements.length, rowsWritten });
  });
