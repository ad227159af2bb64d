// A tenant's performance benchmarks (performance_benchmarks): one row per platform, recomputed by
// the analytics flush over the last 90 days. Read here, never written.
import type { Platform } from "../../platforms/types";
import type { TenantScope } from "../tenant-scope";
import { iso } from "../time";

export interface BenchmarkRow {
  benchmark_id: string;
  platform: Platform;
  avg_engagement_rate: number | null;
  median_engagement_rate: number | null;
  p90_engagement_rate: number | null;
  avg_reach: number | null;
  p90_reach: number | null;
  avg_share_rate: number | null;
  p90_share_rate: number | null;
  total_posts: number | null;
  calculated_at: string;
}

/** At most one row per platform, so four in all: a list without pages. */
export async function listBenchmarks(scope: TenantScope, platform?: Platform): Promise<BenchmarkRow[]> {
  const { results } = await scope.db
    .prepare(
      `SELECT benchmark_id, platform, avg_engagement_rate, median_engagement_rate, p90_engagement_rate, avg_reach,
              p90_reach, avg_share_rate, p90_share_rate, total_posts, calculated_at
       FROM performance_benchmarks
       WHERE tenant_id = ?1 ${platform ? "AND platform = ?2" : ""}
       ORDER BY platform`,
    )
    .bind(scope.tenantId, ...(platform ? [platform] : []))
    .all<BenchmarkRow>();
  return results;
}

export function toBenchmark(row: BenchmarkRow) {
  const { benchmark_id, calculated_at, total_posts, ...figures } = row;
  return { id: benchmark_id, ...figures, total_posts: total_posts ?? 0, calculated_at: iso(calculated_at) };
}
