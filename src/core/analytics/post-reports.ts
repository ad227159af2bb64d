// The post reports over a tenant's live figures (docs/reports.md, Top posts and anomalies):
// its posts published in the last `days`, ranked by performance score (top), or those
// whose engagement rate is an anomaly for their platform, newest first (anomalies). The
// TenantObject computes the figures (objects/analytics/post-reports.ts); the ranking is here.
import type { Platform } from "../platforms/types";
import type { PostFigures } from "./post-figures";

export const POST_REPORTS = ["top", "anomalies"] as const;
export type PostReportKind = (typeof POST_REPORTS)[number];

/** The longest window: every post of it is scored on each call, so it is bounded. */
export const MAX_REPORT_DAYS = 90;
export const MAX_REPORT_LIMIT = 50;

export interface PostReportQuery {
  report: PostReportKind;
  /** Days back from the object's now (1 to MAX_REPORT_DAYS). */
  days: number;
  platform: Platform | null;
  /** Posts answered (1 to MAX_REPORT_LIMIT). */
  limit: number;
}

export interface PostReport {
  /** The window's start (ISO 8601), on the object's clock. */
  since: string;
  posts: PostFigures[];
}

/**
 * The report's posts of `figures` (the window's posts, newest first): the top by score
 * (ties: the newer first, then by id), or the anomalies in the order given.
 */
export function rankPosts(figures: readonly PostFigures[], query: PostReportQuery): PostFigures[] {
  const mine = figures.filter((post) => query.platform === null || post.platform === query.platform);
  const chosen =
    query.report === "top"
      ? [...mine].sort(
          (a, b) =>
            b.performance_score - a.performance_score ||
            b.published_at.localeCompare(a.published_at) ||
            a.post_id.localeCompare(b.post_id),
        )
      : mine.filter((post) => post.is_anomaly);
  return chosen.slice(0, query.limit);
}
