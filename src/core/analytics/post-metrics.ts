// The derived figures of a post (post_analytics' derived columns), from its counters: engagement rate,
// share rate, viral coefficient, velocity, the 0-100 performance score against the
// tenant's benchmark, and z-score anomalies against the tenant's own distribution.
import type { PostMetrics } from "../platforms/types";
import { mean, percentile, stddev, zScore } from "./stats";

/** A post's counters: the figures a platform reports for it (one shape for both). */
export type PostCounters = PostMetrics;

export const METRIC_NAMES = [
  "likes",
  "comments",
  "shares",
  "saves",
  "clicks",
  "bookmarks",
  "impressions",
  "reach",
  "unique_impressions",
  "video_views",
  "video_avg_watch_time",
  "video_complete_views",
  "followers",
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
/** Metrics a platform may not report: null when unknown. */
type OptionalMetric = "video_views" | "video_avg_watch_time" | "video_complete_views" | "followers";
/** A row's metric columns as stored: the object's counters, the figures D1 gets. */
export type MetricColumns = { [K in Exclude<MetricName, OptionalMetric>]: number } & {
  [K in OptionalMetric]: number | null;
};

/** Where each metric (as events, columns and the API name it) sits in PostCounters. */
export const METRIC_FIELD: Record<MetricName, keyof PostCounters> = {
  likes: "likes",
  comments: "comments",
  shares: "shares",
  saves: "saves",
  clicks: "clicks",
  bookmarks: "bookmarks",
  impressions: "impressions",
  reach: "reach",
  unique_impressions: "uniqueImpressions",
  video_views: "videoViews",
  video_avg_watch_time: "videoAvgWatchTime",
  video_complete_views: "videoCompleteViews",
  followers: "followers",
};

/** Counters from values named by metric (a counter row, a snapshot). */
export function countersFrom(values: Record<MetricName, number | null>): PostCounters {
  const counters = {} as Record<keyof PostCounters, number | null>;
  for (const name of METRIC_NAMES) counters[METRIC_FIELD[name]] = values[name];
  return counters as PostCounters;
}

/** The seed's engagements: likes + comments + shares + clicks. */
export function engagements(c: PostCounters): number {
  return c.likes + c.comments + c.shares + c.clicks;
}

export function engagementRate(c: PostCounters): number | null {
  return c.impressions > 0 ? engagements(c) / c.impressions : null;
}

export function shareRate(c: PostCounters): number | null {
  return c.impressions > 0 ? c.shares / c.impressions : null;
}

/** Reach over followers: at 1 or more, a post reached beyond its own audience. */
export function viralCoefficient(c: PostCounters): number | null {
  return c.followers && c.followers > 0 ? c.reach / c.followers : null;
}

export const VELOCITY_WINDOWS = { "1h": 3_600_000, "24h": 86_400_000, "7d": 604_800_000 } as const;
export type VelocityWindow = keyof typeof VELOCITY_WINDOWS;

/**
 * Engagements per hour over the first `window` after publishing: the engagements
 * counted by the window's end (or by now, inside it), over the hours that passed.
 */
export function velocity(
  engagementsInWindow: number,
  publishedAtMs: number,
  nowMs: number,
  window: VelocityWindow,
): number | null {
  const elapsed = Math.min(VELOCITY_WINDOWS[window], nowMs - publishedAtMs);
  if (elapsed <= 0) return null;
  return engagementsInWindow / (elapsed / 3_600_000);
}

export interface Benchmark {
  medianEngagementRate: number | null;
  p90EngagementRate: number | null;
  p90Reach: number | null;
  p90ShareRate: number | null;
}

export interface Score {
  score: number;
  breakdown: { engagement: number; reach: number; shares: number; basis: "benchmark" | "none" };
}

const WEIGHTS = { engagement: 0.5, reach: 0.3, shares: 0.2 };

/** A component scored against the benchmark's p90: reaching p90 is 100. */
function component(value: number | null, p90: number | null): number {
  if (value === null || p90 === null || p90 <= 0) return 0;
  return Math.min(100, Math.round((100 * value) / p90));
}

/**
 * 0 to 100: engagement rate (half), reach (three tenths) and share rate (one fifth),
 * each against the tenant's 90th percentile on the platform, capped at 100.
 */
export function performanceScore(c: PostCounters, benchmark: Benchmark | null): Score {
  if (!benchmark) return { score: 0, breakdown: { engagement: 0, reach: 0, shares: 0, basis: "none" } };
  const engagement = component(engagementRate(c), benchmark.p90EngagementRate);
  const reach = component(c.reach, benchmark.p90Reach);
  const shares = component(shareRate(c), benchmark.p90ShareRate);
  const score = Math.round(engagement * WEIGHTS.engagement + reach * WEIGHTS.reach + shares * WEIGHTS.shares);
  return { score, breakdown: { engagement, reach, shares, basis: "benchmark" } };
}

/** Past this many standard deviations from the tenant's mean, a post is an anomaly. */
export const ANOMALY_Z = 2;
/** Below this many posts on the platform, nothing is called an anomaly. */
export const ANOMALY_MIN_POSTS = 5;

export interface Anomaly {
  isAnomaly: boolean;
  type: "high" | "low" | "normal";
  z: number | null;
}

/** The tenant's engagement rates on a platform, summarised once for every post judged against them. */
export interface Spread {
  n: number;
  mean: number | null;
  sd: number | null;
}

export function spreadOf(values: readonly number[]): Spread {
  return { n: values.length, mean: mean(values), sd: stddev(values) };
}

export function anomaly(value: number | null, spread: Spread | null): Anomaly {
  if (value === null || !spread || spread.n < ANOMALY_MIN_POSTS) return { isAnomaly: false, type: "normal", z: null };
  const z = zScore(value, spread.mean, spread.sd);
  if (z === null || Math.abs(z) < ANOMALY_Z) return { isAnomaly: false, type: "normal", z };
  return { isAnomaly: true, type: z > 0 ? "high" : "low", z };
}

/** The benchmark of a platform from its posts' figures (performance_benchmarks: average, median, p90). */
export function benchmarkOf(posts: readonly PostCounters[]) {
  const rates = posts.map(engagementRate).filter((r): r is number => r !== null);
  const reaches = posts.map((p) => p.reach);
  const shares = posts.map(shareRate).filter((r): r is number => r !== null);
  return {
    avgEngagementRate: mean(rates),
    medianEngagementRate: percentile(rates, 50),
    p90EngagementRate: percentile(rates, 90),
    avgReach: mean(reaches),
    p90Reach: percentile(reaches, 90),
    avgShareRate: mean(shares),
    p90ShareRate: percentile(shares, 90),
    totalPosts: posts.length,
  };
}
