// The post reports (GET /v1/analytics/top-posts and /anomalies): the figures of the posts
// published in the window, live from the counters (as GET /v1/posts/{id}/analytics and the
// dashboards see them), ranked by src/core/analytics/post-reports.ts. The window is on the
// object's clock, as the figures are.
import { type PostReport, type PostReportQuery, rankPosts } from "../../src/core/analytics/post-reports";
import type { TenantParts } from "../tenant-object/parts";

const DAY_MS = 86_400_000;

export async function postReport(
  parts: Pick<TenantParts, "analytics" | "clock">,
  query: PostReportQuery,
): Promise<PostReport> {
  const sinceMs = parts.clock() - query.days * DAY_MS;
  const figures = await parts.analytics.figuresSince(sinceMs);
  return { since: new Date(sinceMs).toISOString(), posts: rankPosts(figures, query) };
}
