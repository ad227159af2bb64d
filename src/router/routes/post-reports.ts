// The post reports over the live figures (docs/reports.md, Top posts and anomalies): the
// tenant's best posts of the last days by performance score, and its posts whose
// engagement rate is an anomaly for their platform. Answered by the tenant's object from
// its counters (objects/analytics/post-reports.ts). Reads only.
import { createRoute } from "@hono/zod-openapi";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { bearer, jsonResponse, problems } from "../http/openapi-parts";
import { PostReportQuery, PostReportSchema } from "../http/post-report-schemas";
import { callerObject } from "../http/request-context";
import { retryOnReset } from "../objects";

const topRoute = createRoute({
  method: "get",
  path: "/v1/analytics/top-posts",
  operationId: "top_posts",
  tags: ["Reports"],
  summary: "The tenant's posts of the last days with the best performance score (live), best first",
  security: bearer,
  middleware: guard("analytics.read", { action: "analytics.top_posts", resource: "analytics" }),
  request: { query: PostReportQuery },
  responses: { 200: jsonResponse("The top posts, best first", PostReportSchema), ...problems() },
});

const anomaliesRoute = createRoute({
  method: "get",
  path: "/v1/analytics/anomalies",
  operationId: "anomalies",
  tags: ["Reports"],
  summary:
    "The tenant's posts of the last days whose engagement rate is an anomaly for their platform (live), newest first",
  security: bearer,
  middleware: guard("analytics.read", { action: "analytics.anomalies", resource: "analytics" }),
  request: { query: PostReportQuery },
  responses: { 200: jsonResponse("The anomalous posts, newest first", PostReportSchema), ...problems() },
});

export const postReportsRoutes = createRouter()
  .openapi(topRoute, async (c) => {
    const { days, platform, limit } = c.req.valid("query");
    const report = await retryOnReset(await callerObject(c), "postReport", {
      report: "top",
      days,
      platform: platform ?? null,
      limit,
    });
    return c.json({ data: report.posts, since: report.since }, 200);
  })
  .openapi(anomaliesRoute, async (c) => {
    const { days, platform, limit } = c.req.valid("query");
    const report = await retryOnReset(await callerObject(c), "postReport", {
      report: "anomalies",
      days,
      platform: platform ?? null,
      limit,
    });
    return c.json({ data: report.posts, since: report.since }, 200);
  });
