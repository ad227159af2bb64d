// A post's figures as dashboards and D1 see them: counters plus the derived figures,
// with anomalies judged against the tenant's own distribution on the platform.
import {
  anomaly,
  type Benchmark,
  countersFrom,
  engagementRate,
  performanceScore,
  type Spread,
  shareRate,
  spreadOf,
  velocity,
  viralCoefficient,
} from "../../src/core/analytics/post-metrics";
import type { Platform } from "../../src/core/platforms/types";
import type { PostFigures } from "../tenant-object/contract";
import type { CounterRow } from "./counters-store";

/** Engagement rates of the tenant's posts, per platform: the distribution anomalies are judged against. */
export function spreads(rows: Iterable<{ platform: Platform; rate: number | null }>): Map<Platform, Spread> {
  const byPlatform = new Map<Platform, number[]>();
  for (const row of rows) {
    if (row.rate === null) continue;
    const list = byPlatform.get(row.platform) ?? [];
    list.push(row.rate);
    byPlatform.set(row.platform, list);
  }
  return new Map([...byPlatform].map(([platform, rates]) => [platform, spreadOf(rates)]));
}

export function rateOf(row: CounterRow): { platform: Platform; rate: number | null } {
  return { platform: row.platform, rate: engagementRate(countersFrom(row)) };
}

export function figuresOf(
  row: CounterRow,
  nowMs: number,
  benchmark: Benchmark | null,
  spread: Spread | null,
): PostFigures {
  const counters = countersFrom(row);
  const score = performanceScore(counters, benchmark);
  const rate = engagementRate(counters);
  const flagged = anomaly(rate, spread);
  const observedAt = Math.max(nowMs, row.updated_at_ms);
  return {
    post_id: row.post_id,
    platform: row.platform,
    account_id: row.account_id,
    published_at: new Date(row.published_at_ms).toISOString(),
    likes: row.likes,
    comments: row.comments,
    shares: row.shares,
    saves: row.saves,
    clicks: row.clicks,
    bookmarks: row.bookmarks,
    impressions: row.impressions,
    reach: row.reach,
    unique_impressions: row.unique_impressions,
    video_views: row.video_views,
    video_avg_watch_time: row.video_avg_watch_time,
    video_complete_views: row.video_complete_views,
    followers: row.followers,
    engagement_rate: rate,
    share_rate: shareRate(counters),
    viral_coefficient: viralCoefficient(counters),
    engagement_velocity_1h: velocity(row.eng_1h, row.published_at_ms, observedAt, "1h"),
    engagement_velocity_24h: velocity(row.eng_24h, row.published_at_ms, observedAt, "24h"),
    engagement_velocity_7d: velocity(row.eng_7d, row.published_at_ms, observedAt, "7d"),
    performance_score: score.score,
    performance_score_breakdown: score.breakdown,
    is_anomaly: flagged.isAnomaly,
    anomaly_type: flagged.type,
    z_score: flagged.z,
    updated_at: new Date(row.updated_at_ms).toISOString(),
  };
}
