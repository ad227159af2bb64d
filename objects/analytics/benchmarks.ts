// The tenant's benchmarks per platform (performance_benchmarks): read from D1 and kept a minute
// for scoring, and recomputed from D1 post_analytics over 90 days after a flush.

import { type Benchmark, benchmarkOf, type PostCounters } from "../../src/core/analytics/post-metrics";
import { type Clock, isoNow, systemClock } from "../../src/core/clock";
import { benchmarkInputs, upsertBenchmark } from "../../src/core/db/post-analytics";
import { listBenchmarks } from "../../src/core/db/reports/benchmarks";
import type { TenantScope } from "../../src/core/db/tenant-scope";
import type { Platform } from "../../src/core/platforms/types";

const TTL_MS = 60_000;
/**
 * A platform's benchmark is recomputed by a flush at most this often: over 90 days
 * it barely moves between flushes seconds apart, and each recompute is a row written.
 */
export const BENCHMARK_REFRESH_MS = 5 * 60_000;

/** Benchmarks as dashboards receive them, by platform. */
export type BenchmarkFigures = Partial<
  Record<
    Platform,
    {
      median_engagement_rate: number | null;
      p90_engagement_rate: number | null;
      p90_reach: number | null;
      p90_share_rate: number | null;
    }
  >
>;

export function benchmarkFigures(byPlatform: Map<Platform, Benchmark>): BenchmarkFigures {
  const figures: BenchmarkFigures = {};
  for (const [platform, b] of byPlatform) {
    figures[platform] = {
      median_engagement_rate: b.medianEngagementRate,
      p90_engagement_rate: b.p90EngagementRate,
      p90_reach: b.p90Reach,
      p90_share_rate: b.p90ShareRate,
    };
  }
  return figures;
}
export const BENCHMARK_DAYS = 90;

export class Benchmarks {
  private cached: { byPlatform: Map<Platform, Benchmark>; atMs: number } | null = null;
  /** When each platform was last recomputed by this object (in memory: a wake recomputes). */
  private readonly recomputedAt = new Map<Platform, number>();
  /** Platforms whose recompute D1 refused (in memory: a wake recomputes everything anyway). */
  private readonly owed = new Set<Platform>();

  constructor(
    private readonly scope: () => Promise<TenantScope>,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(): Promise<Map<Platform, Benchmark>> {
    if (this.cached && this.clock() - this.cached.atMs < TTL_MS) return this.cached.byPlatform;
    const rows = await listBenchmarks(await this.scope());
    const byPlatform = new Map<Platform, Benchmark>(
      rows.map((row) => [
        row.platform,
        {
          medianEngagementRate: row.median_engagement_rate,
          p90EngagementRate: row.p90_engagement_rate,
          p90Reach: row.p90_reach,
          p90ShareRate: row.p90_share_rate,
        },
      ]),
    );
    this.cached = { byPlatform, atMs: this.clock() };
    return byPlatform;
  }

  /** Whether a recompute D1 refused is still owed (the next flush makes it, changes or not). */
  owes(): boolean {
    return this.owed.size > 0;
  }

  /**
   * Recomputes the platforms' benchmarks from what D1 holds (median and p90 computed
   * exactly), those not recomputed within BENCHMARK_REFRESH_MS and those owed since
   * D1 refused their last recompute; D1's rows written.
   */
  async recompute(candidates: readonly Platform[], nowMs = this.clock()): Promise<number> {
    const platforms = [...new Set([...candidates, ...this.owed])].filter(
      (p) => this.owed.has(p) || nowMs - (this.recomputedAt.get(p) ?? 0) >= BENCHMARK_REFRESH_MS,
    );
    if (platforms.length === 0) return 0;
    try {
      const rowsWritten = await this.write(platforms);
      for (const platform of platforms) {
        this.recomputedAt.set(platform, nowMs);
        this.owed.delete(platform);
      }
      return rowsWritten;
    } catch (error) {
      // The counters behind it are in D1 already: the next flush must not skip it.
      for (const platform of platforms) this.owed.add(platform);
      throw error;
    }
  }

  private async write(platforms: Platform[]): Promise<number> {
    const scope = await this.scope();
    const since = new Date(this.clock() - BENCHMARK_DAYS * 86_400_000).toISOString();
    const now = isoNow(this.clock);
    const statements: D1PreparedStatement[] = [];
    for (const platform of platforms) {
      const inputs = await benchmarkInputs(scope, platform, since);
      const posts: PostCounters[] = inputs.map((r) => ({
        likes: r.likes,
        comments: r.comments,
        shares: r.shares,
        saves: 0,
        clicks: r.clicks,
        bookmarks: 0,
        impressions: r.impressions,
        reach: r.reach,
        uniqueImpressions: 0,
        videoViews: null,
        videoAvgWatchTime: null,
        videoCompleteViews: null,
        followers: null,
      }));
      const b = benchmarkOf(posts);
      statements.push(
        upsertBenchmark(
          scope,
          {
            platform,
            avg_engagement_rate: b.avgEngagementRate,
            median_engagement_rate: b.medianEngagementRate,
            p90_engagement_rate: b.p90EngagementRate,
            avg_reach: b.avgReach,
            p90_reach: b.p90Reach,
            avg_share_rate: b.avgShareRate,
            p90_share_rate: b.p90ShareRate,
            total_posts: b.totalPosts,
          },
          now,
        ),
      );
    }
    let rowsWritten = 0;
    for (const result of await scope.db.batch(statements)) rowsWritten += result.meta.rows_written ?? 0;
    this.cached = null;
    return rowsWritten;
  }
}
