// The seed's §11.2 "Detect Viral Posts": the tenant's posts whose viral coefficient
// (reach / followers) is at least 1, published in a window, most viral first.
// Unlike the seed's query it binds its cutoff as an ISO timestamp (published_at is
// ISO 8601 with a "T", which does not compare correctly with datetime()'s
// "YYYY-MM-DD HH:MM:SS" on the cutoff's own day), joins analytics within the tenant,
// leaves out deleted and failed posts, and pages by (coefficient, id) instead of
// stopping at 10.
import type { Platform } from "../../platforms/types";
import type { TenantScope } from "../tenant-scope";

/** The seed's threshold: a post reached at least as many people as follow the account. */
export const VIRAL_THRESHOLD = 1.0;

export interface ViralPostRow {
  post_id: string;
  platform: Platform;
  text: string;
  published_at: string;
  viral_coefficient: number;
  engagement_rate: number | null;
  reach: number;
  impressions: number;
}

export interface ViralCursor {
  coefficient: number;
  id: string;
}

export async function viralPosts(
  scope: TenantScope,
  options: { since: string; platform?: Platform; after?: ViralCursor; limit: number },
): Promise<{ rows: ViralPostRow[]; hasMore: boolean }> {
  const { after } = options;
  const { results } = await scope.db
    .prepare(
      `SELECT p.post_id, p.platform, p.text, p.published_at, pa.viral_coefficient, pa.engagement_rate,
              COALESCE(pa.reach, 0) AS reach, COALESCE(pa.impressions, 0) AS impressions
       FROM published_posts p
       JOIN post_analytics pa ON pa.post_id = p.post_id AND pa.tenant_id = p.tenant_id
       WHERE p.tenant_id = ?1 AND p.status = 'published' AND p.published_at >= ?2
         AND pa.viral_coefficient >= ?3
         AND (?4 IS NULL OR p.platform = ?4)
         AND (?5 IS NULL OR pa.viral_coefficient < ?5 OR (pa.viral_coefficient = ?5 AND p.post_id > ?6))
       ORDER BY pa.viral_coefficient DESC, p.post_id
       LIMIT ?7`,
    )
    .bind(
      scope.tenantId,
      options.since,
      VIRAL_THRESHOLD,
      options.platform ?? null,
      after?.coefficient ?? null,
      after?.id ?? null,
      options.limit + 1,
    )
    .all<ViralPostRow>();
  return { rows: results.slice(0, options.limit), hasMore: results.length > options.limit };
}
