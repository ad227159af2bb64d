// post_analytics and performance_benchmarks: what the TenantObject's flush writes.
// The flush carries absolute values (counters, derived figures, its own sync count),
// so writing the same figures twice changes nothing (ARCHITECTURE.md, Idempotent flushes).

import type { PostFigures } from "../analytics/post-figures";
import type { Platform } from "../platforms/types";
import { chunk, MAX_BOUND_PARAMETERS } from "./chunk";
import { newId } from "./ids";
import type { BenchmarkRow } from "./reports/benchmarks";
import type { TenantScope } from "./tenant-scope";

const COLUMNS = [
  "analytics_id",
  "post_id",
  "tenant_id",
  "platform",
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
  "engagement_rate",
  "viral_coefficient",
  "engagement_velocity_1h",
  "engagement_velocity_24h",
  "engagement_velocity_7d",
  "performance_score",
  "performance_score_breakdown",
  "is_anomaly",
  "anomaly_type",
  "z_score",
  "synced_at",
  "sync_count",
  "created_at",
  "updated_at",
] as const;

/**
 * Columns a flush replaces. analytics_id, created_at and platform stay those of the
 * row's creation. SQLite rewrites an index whenever one of its columns is assigned,
 * even to the same value, and D1 bills each index entry as a row written: is_anomaly
 * (in a partial index) is assigned only when it changed, so a flush costs one row
 * written per post. (synced_at and sync_count are assigned only with a pull from the
 * platform: they were in three indexes until migration 0013, and are in none now.)
 * viral_coefficient is in the viral index, whose condition holds only for posts at or
 * above the threshold: a flush of such a post writes its index entry too.
 */
const ALWAYS = COLUMNS.filter(
  (c) =>
    ![
      "analytics_id",
      "post_id",
      "tenant_id",
      "platform",
      "created_at",
      "synced_at",
      "sync_count",
      "is_anomaly",
    ].includes(c),
);

/** Which indexed columns a group of rows changes. */
export interface IndexedChanges {
  /** Pulled from the platform since the last flush: synced_at and sync_count. */
  synced: boolean;
  /** The anomaly flag flipped. */
  anomaly: boolean;
}

function assigned(changes: IndexedChanges): string[] {
  return [
    ...ALWAYS,
    ...(changes.synced ? ["synced_at", "sync_count"] : []),
    ...(changes.anomaly ? ["is_anomaly"] : []),
  ];
}

const ROWS_PER_STATEMENT = Math.floor(MAX_BOUND_PARAMETERS / COLUMNS.length);

export interface FlushedPost {
  figures: PostFigures;
  /** How many times the figures were pulled from the platform, plus one for the row's creation. */
  syncCount: number;
  /** When they were last pulled from the platform (the publish time until then). */
  syncedAt: string;
}

function values(scope: TenantScope, post: FlushedPost, now: string): (string | number | null)[] {
  const f = post.figures;
  return [
    newId("postAnalytics"),
    f.post_id,
    scope.tenantId,
    f.platform,
    f.likes,
    f.comments,
    f.shares,
    f.saves,
    f.clicks,
    f.bookmarks,
    f.impressions,
    f.reach,
    f.unique_impressions,
    f.video_views,
    f.video_avg_watch_time,
    f.video_complete_views,
    f.engagement_rate,
    f.viral_coefficient,
    f.engagement_velocity_1h,
    f.engagement_velocity_24h,
    f.engagement_velocity_7d,
    f.performance_score,
    JSON.stringify(f.performance_score_breakdown),
    f.is_anomaly ? 1 : 0,
    f.anomaly_type,
    f.z_score,
    post.syncedAt,
    post.syncCount,
    now,
    now,
  ];
}

/**
 * Posts' rows, empty, made with the posts (in their record batch): a flush then only
 * updates, and an update that leaves every indexed column alone is one row written.
 * At most MAX_JSON_ROWS posts.
 */
export function insertEmptyPostAnalytics(
  scope: TenantScope,
  posts: readonly { postId: string; platform: Platform; publishedAt: string }[],
): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO post_analytics (tenant_id, analytics_id, post_id, platform, synced_at, sync_count, created_at, updated_at)
       SELECT ?2, json_extract(value, '$.id'), json_extract(value, '$.postId'), json_extract(value, '$.platform'),
         json_extract(value, '$.publishedAt'), 1, json_extract(value, '$.publishedAt'), json_extract(value, '$.publishedAt')
       FROM json_each(?1) WHERE true
       ON CONFLICT(post_id) DO NOTHING`,
    )
    .bind(JSON.stringify(posts.map((post) => ({ ...post, id: newId("postAnalytics") }))), scope.tenantId);
}

/** Upserts rows that change the same indexed columns, several per statement, never past 100 bound parameters. */
export function upsertPostAnalytics(
  scope: TenantScope,
  posts: readonly FlushedPost[],
  now: string,
  changes: IndexedChanges,
): D1PreparedStatement[] {
  const updated = assigned(changes);
  return chunk(posts, ROWS_PER_STATEMENT).map((part) => {
    const row = `(${COLUMNS.map(() => "?").join(", ")})`;
    return scope.db
      .prepare(
        `INSERT INTO post_analytics (${COLUMNS.join(", ")}) VALUES ${part.map(() => row).join(", ")}
         ON CONFLICT(post_id) DO UPDATE SET ${updated.map((c) => `${c} = excluded.${c}`).join(", ")}
         WHERE post_analytics.tenant_id = excluded.tenant_id`,
      )
      .bind(...part.flatMap((post) => values(scope, post, now)));
  });
}

/** A platform's benchmark figures, as the flush writes them. */
export type BenchmarkFigures = Omit<BenchmarkRow, "benchmark_id" | "calculated_at" | "total_posts"> & {
  total_posts: number;
};

export function upsertBenchmark(scope: TenantScope, row: BenchmarkFigures, now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO performance_benchmarks (benchmark_id, tenant_id, platform, avg_engagement_rate, median_engagement_rate,
         p90_engagement_rate, avg_reach, p90_reach, avg_share_rate, p90_share_rate, total_posts, calculated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(tenant_id, platform) DO UPDATE SET avg_engagement_rate = excluded.avg_engagement_rate,
         median_engagement_rate = excluded.median_engagement_rate, p90_engagement_rate = excluded.p90_engagement_rate,
         avg_reach = excluded.avg_reach, p90_reach = excluded.p90_reach, avg_share_rate = excluded.avg_share_rate,
         p90_share_rate = excluded.p90_share_rate, total_posts = excluded.total_posts,
         calculated_at = excluded.calculated_at`,
    )
    .bind(
      newId("benchmark"),
      scope.tenantId,
      row.platform,
      row.avg_engagement_rate,
      row.median_engagement_rate,
      row.p90_engagement_rate,
      row.avg_reach,
      row.p90_reach,
      row.avg_share_rate,
      row.p90_share_rate,
      row.total_posts,
      now,
    );
}

/**
 * The figures the 90-day benchmark of a platform is computed from: the platform's posts
 * of the window (idx_posts_tenant_platform_date), each with its analytics row by the
 * unique post_id, so it reads two rows for each it returns.
 */
export async function benchmarkInputs(
  scope: TenantScope,
  platform: Platform,
  sinceIso: string,
): Promise<{ likes: number; comments: number; shares: number; clicks: number; impressions: number; reach: number }[]> {
  const { results } = await scope.db
    .prepare(
      `SELECT pa.likes, pa.comments, pa.shares, pa.clicks, pa.impressions, pa.reach
       FROM published_posts p
       CROSS JOIN post_analytics pa ON pa.post_id = p.post_id AND pa.tenant_id = p.tenant_id
       WHERE p.tenant_id = ?1 AND p.platform = ?2 AND p.published_at >= ?3 AND pa.platform = ?2`,
    )
    .bind(scope.tenantId, platform, sinceIso)
    .all<{ likes: number; comments: number; shares: number; clicks: number; impressions: number; reach: number }>();
  return results;
}
