// The engagement counters of posts, from their post_analytics rows (one per post),
// as an A/B test reads them.
import type { EngagementCounts } from "../analytics/ab-metrics";
import type { TenantScope } from "./tenant-scope";

/** Each post's current counters; a post without analytics yet is absent. */
export async function engagementCounts(
  scope: TenantScope,
  postIds: readonly string[],
): Promise<Map<string, EngagementCounts>> {
  const { results } = await scope.db
    .prepare(
      // Starts from the ids (one seek each on the unique post_id), never the tenant's rows.
      `SELECT pa.post_id, pa.likes, pa.comments, pa.shares, pa.clicks, pa.impressions
       FROM (SELECT DISTINCT value FROM json_each(?2)) AS ids CROSS JOIN post_analytics AS pa
       WHERE pa.post_id = ids.value AND pa.tenant_id = ?1`,
    )
    .bind(scope.tenantId, JSON.stringify(postIds))
    .all<EngagementCounts & { post_id: string }>();
  // Counters default to 0 in the schema but may be NULL when written explicitly.
  return new Map(
    results.map((r) => [
      r.post_id,
      {
        likes: r.likes ?? 0,
        comments: r.comments ?? 0,
        shares: r.shares ?? 0,
        clicks: r.clicks ?? 0,
        impressions: r.impressions ?? 0,
      },
    ]),
  );
}
