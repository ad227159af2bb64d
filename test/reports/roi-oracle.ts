// ROI by campaign computed straight from D1, as the report was computed before the
// TenantObject kept running totals (the seed's §11.3 without its fan-out): each side
// summed per campaign on its own, over the campaign posts published since `sinceMs`.
// The ledger's answers are held to this.
import type { CampaignSums } from "../../objects/tenant-object/contract";
import type { AttributionModel } from "../../src/core/analytics/attribution";
import { tenantDb } from "../support/databases";

export type OracleCampaign = CampaignSums;

export async function roiFromD1(
  tenantId: string,
  sinceMs: number,
  model: AttributionModel,
): Promise<Map<string, OracleCampaign>> {
  const { results } = await (await tenantDb(tenantId))
    .prepare(
      `WITH posts AS (
         SELECT post_id, campaign_id FROM published_posts
         WHERE tenant_id = ?1 AND published_at >= ?2 AND campaign_id IS NOT NULL
       ),
       reach AS (
         SELECT p.campaign_id, COUNT(*) AS posts, COALESCE(SUM(pa.impressions), 0) AS impressions,
                COALESCE(SUM(pa.clicks), 0) AS clicks
         FROM posts p LEFT JOIN post_analytics pa ON pa.post_id = p.post_id AND pa.tenant_id = ?1
         GROUP BY p.campaign_id
       ),
       visits AS (
         SELECT p.campaign_id, COUNT(*) AS page_views FROM posts p
         JOIN conversions c ON c.post_id = p.post_id AND c.tenant_id = ?1 AND c.conversion_type = 'page_view'
         GROUP BY p.campaign_id
       ),
       credit AS (
         SELECT p.campaign_id, SUM(ca.weight) AS conversions, SUM(ca.weight * c.value) AS revenue FROM posts p
         JOIN conversion_attributions ca ON ca.post_id = p.post_id AND ca.model = ?3 AND ca.tenant_id = ?1
         JOIN conversions c ON c.conversion_id = ca.conversion_id AND c.tenant_id = ?1
         GROUP BY p.campaign_id
       )
       SELECT r.campaign_id, r.posts, r.impressions, r.clicks, COALESCE(v.page_views, 0) AS page_views,
              COALESCE(cr.conversions, 0.0) AS conversions, COALESCE(cr.revenue, 0.0) AS revenue
       FROM reach r LEFT JOIN visits v USING (campaign_id) LEFT JOIN credit cr USING (campaign_id)`,
    )
    .bind(tenantId, new Date(sinceMs).toISOString(), model)
    .all<OracleCampaign>();
  return new Map(results.map((row) => [row.campaign_id, row]));
}
