// The seed's §11.3 "ROI by Campaign", without its fan-out: the seed joins analytics
// and conversions in one query, so a post with three conversions counts its
// impressions three times (DESIGN.md). Here each side is aggregated per campaign on
// its own (reach from post_analytics, 1:1 with posts; page views; attributed
// conversions and revenue) and only the per-campaign sums are joined.
//
// A campaign's posts are the tenant's published posts with that campaign_id
// published in the window; every post counts towards the cost, whatever its status
// since (the money was spent). Conversions count whenever they happened; their
// credit is shared among the session's touches by the chosen model, so a campaign
// earns the part of a conversion its posts' touches earned (fractional conversions
// and revenue, as attribution reports show them).
//
// Reads: the tenant's posts of the window once (MATERIALIZED: the three sums below read
// the same list), through idx_posts_tenant_platform_date one platform at a time (the
// IN list names every platform the table's CHECK allows, so it selects nothing away
// and lets SQLite seek the window in each); then for each campaign post its analytics
// row, page views and credit by their post's key (CROSS JOIN keeps that order: from
// the credit side SQLite would scan every tenant's attributions). A report sums its posts, so it reads
// rows in proportion to the campaign posts of its window, not to the campaigns it
// answers; no index on a campaign spares that, and one would cost an entry on every
// campaign post published (migration 0013).
import type { AttributionModel } from "../../analytics/attribution";
import type { TenantScope } from "../tenant-scope";

export interface CampaignRoiRow {
  campaign_id: string;
  posts: number;
  impressions: number;
  clicks: number;
  page_views: number;
  conversions: number;
  revenue: number;
  cost: number;
  roi_percent: number;
}

export interface RoiCursor {
  roi: number;
  campaign: string;
}

export async function roiByCampaign(
  scope: TenantScope,
  options: { since: string; model: AttributionModel; costPerPost: number; after?: RoiCursor; limit: number },
): Promise<{ rows: CampaignRoiRow[]; hasMore: boolean }> {
  const { results } = await scope.db
    .prepare(
      `WITH posts AS MATERIALIZED (
         SELECT post_id, campaign_id FROM published_posts
         WHERE tenant_id = ?1 AND platform IN ('linkedin', 'twitter', 'facebook', 'instagram')
           AND published_at >= ?2 AND campaign_id IS NOT NULL
       ),
       reach AS (
         SELECT p.campaign_id, COUNT(*) AS posts,
                COALESCE(SUM(pa.impressions), 0) AS impressions, COALESCE(SUM(pa.clicks), 0) AS clicks
         FROM posts p LEFT JOIN post_analytics pa ON pa.post_id = p.post_id AND pa.tenant_id = ?1
         GROUP BY p.campaign_id
       ),
       visits AS (
         SELECT p.campaign_id, COUNT(*) AS page_views
         FROM posts p CROSS JOIN conversions c ON c.post_id = p.post_id AND c.tenant_id = ?1
         WHERE c.conversion_type = 'page_view'
         GROUP BY p.campaign_id
       ),
       credit AS (
         SELECT p.campaign_id, SUM(ca.weight) AS conversions, SUM(ca.weight * c.value) AS revenue
         FROM posts p
         CROSS JOIN conversion_attributions ca ON ca.post_id = p.post_id AND ca.model = ?3 AND ca.tenant_id = ?1
         CROSS JOIN conversions c ON c.conversion_id = ca.conversion_id AND c.tenant_id = ?1
         GROUP BY p.campaign_id
       ),
       report AS (
         SELECT r.campaign_id, r.posts, r.impressions, r.clicks,
                COALESCE(v.page_views, 0) AS page_views,
                COALESCE(cr.conversions, 0.0) AS conversions,
                COALESCE(cr.revenue, 0.0) AS revenue,
                r.posts * ?4 AS cost,
                (COALESCE(cr.revenue, 0.0) - r.posts * ?4) * 100.0 / (r.posts * ?4) AS roi_percent
         FROM reach r
         LEFT JOIN visits v ON v.campaign_id = r.campaign_id
         LEFT JOIN credit cr ON cr.campaign_id = r.campaign_id
       )
       SELECT * FROM report
       WHERE ?5 IS NULL OR roi_percent < ?5 OR (roi_percent = ?5 AND campaign_id > ?6)
       ORDER BY roi_percent DESC, campaign_id
       LIMIT ?7`,
    )
    .bind(
      scope.tenantId,
      options.since,
      options.model,
      options.costPerPost,
      options.after?.roi ?? null,
      options.after?.campaign ?? null,
      options.limit + 1,
    )
    .all<CampaignRoiRow>();
  return { rows: results.slice(0, options.limit), hasMore: results.length > options.limit };
}
