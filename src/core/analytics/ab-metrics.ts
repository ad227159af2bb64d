// The proportions an A/B test can compare, read from a post's post_analytics row.
// Every one counts events over impressions (the trials): an impression that led to
// the event is a success. engagement_rate is post_analytics' own definition.
import type { Proportion } from "./two-proportion-test";

export const AB_METRICS = ["engagement_rate", "click_through", "share_rate"] as const;
export type AbMetric = (typeof AB_METRICS)[number];

/** The post_analytics counters a metric reads. */
export interface EngagementCounts {
  likes: number;
  comments: number;
  shares: number;
  clicks: number;
  impressions: number;
}

export const METRIC_DEFINITIONS: Record<AbMetric, string> = {
  engagement_rate: "(likes + comments + shares + clicks) / impressions",
  click_through: "clicks / impressions",
  share_rate: "shares / impressions",
};

/** The metric as successes over trials; a post without analytics has neither. */
export function metricProportion(metric: AbMetric, counts: EngagementCounts | null): Proportion {
  if (!counts) return { successes: 0, trials: 0 };
  const successes = {
    engagement_rate: counts.likes + counts.comments + counts.shares + counts.clicks,
    click_through: counts.clicks,
    share_rate: counts.shares,
  }[metric];
  return { successes, trials: counts.impressions };
}
