// Which of a post's figures (METRIC_NAMES) an account's platform will never report here,
// and why: what GET /v1/social-accounts lists as unavailable_metrics, so that a 0 is
// not read as "nobody liked it" when the figure is simply not readable (docs/platforms.md).
// It follows from the platform, the scopes the account granted, and, for LinkedIn,
// whether this deployment has the approval for member post statistics.
import type { MetricName } from "../analytics/post-metrics";
import { MEMBER_ANALYTICS_SCOPE } from "./linkedin-insights";
import type { Platform } from "./types";

export interface UnavailableMetric {
  metric: MetricName;
  reason: string;
}

const LINKEDIN_STATISTICS: MetricName[] = [
  "impressions",
  "reach",
  "unique_impressions",
  "likes",
  "comments",
  "shares",
  "saves",
];

function linkedIn(scopes: readonly string[], postAnalytics: boolean): UnavailableMetric[] {
  const always: UnavailableMetric[] = [
    { metric: "clicks", reason: "LinkedIn reports clicks for organization posts only, not a member's" },
    { metric: "bookmarks", reason: "LinkedIn has no bookmarks (saves are counted as saves)" },
    { metric: "video_views", reason: "LinkedIn's member post statistics have no video figures" },
    { metric: "video_avg_watch_time", reason: "LinkedIn's member post statistics have no video figures" },
    { metric: "video_complete_views", reason: "LinkedIn's member post statistics have no video figures" },
    { metric: "followers", reason: "a member's follower count is not read" },
  ];
  let statistics: string | null = null;
  if (!postAnalytics) {
    statistics =
      "member post statistics need LinkedIn's approval for the Community Management API (r_member_postAnalytics); this deployment does not have it (LINKEDIN_POST_ANALYTICS is off)";
  } else if (!scopes.includes(MEMBER_ANALYTICS_SCOPE)) {
    statistics = `the account was connected without ${MEMBER_ANALYTICS_SCOPE}; reconnect it to grant it`;
  }
  return statistics === null
    ? always
    : [...LINKEDIN_STATISTICS.map((metric) => ({ metric, reason: statistics as string })), ...always];
}

const X_UNAVAILABLE: UnavailableMetric[] = [
  { metric: "saves", reason: "X reports bookmarks, not saves" },
  { metric: "reach", reason: "X reports impressions only; reach is given as impressions" },
  { metric: "unique_impressions", reason: "X does not report unique impressions" },
  { metric: "video_views", reason: "X's video figures are not read" },
  { metric: "video_avg_watch_time", reason: "X's video figures are not read" },
  { metric: "video_complete_views", reason: "X's video figures are not read" },
];

/**
 * The figures an account of `platform`, with `scopes`, never reports here, each with
 * why. `linkedInPostAnalytics`: this deployment's LINKEDIN_POST_ANALYTICS.
 */
export function unavailableMetrics(
  platform: Platform,
  scopes: readonly string[],
  options: { linkedInPostAnalytics: boolean },
): UnavailableMetric[] {
  switch (platform) {
    case "linkedin":
      return linkedIn(scopes, options.linkedInPostAnalytics);
    case "twitter":
      return X_UNAVAILABLE;
    default:
      // Facebook and Instagram: not listed here.
      return [];
  }
}
