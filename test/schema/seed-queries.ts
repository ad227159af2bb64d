// The SQL examples of the seed's §11, transcribed verbatim (the section's TypeScript
// example contributes its D1 query, with the IN list built from bound parameters),
// each with the database its tables live in since the data placement: the skill
// registry's in the global one, a tenant's rows in its shard. One example reads both.

export interface SeedQuery {
  title: string;
  section: string;
  /** "global": env.DB; "tenant": the tenant's shard; "both": tables of each, so no single database. */
  database: "global" | "tenant" | "both";
  sql: string;
}

export const SEED_QUERIES: SeedQuery[] = [
  {
    title: "Get Top Performing Skills",
    section: "11.1",
    database: "global",
    sql: `SELECT
  s.skill_id,
  s.name,
  AVG(m.pass_rate) as avg_pass_rate,
  AVG(m.approval_rate) as avg_approval_rate,
  SUM(m.uses) as total_uses
FROM skills s
JOIN skill_metrics_daily m ON s.skill_id = m.skill_id
WHERE m.date >= date('now', '-30 days')
  AND s.status = 'active'
GROUP BY s.skill_id, s.name
HAVING SUM(m.uses) >= 10  -- Minimum sample size
ORDER BY avg_approval_rate DESC
LIMIT 10;`,
  },
  {
    title: "Find Similar Skills (Application-Level)",
    section: "11.1",
    database: "global",
    sql: `SELECT * FROM skills WHERE skill_id IN (?, ?, ?)`,
  },
  {
    title: "Calculate Platform Benchmarks",
    section: "11.2",
    database: "tenant",
    sql: `INSERT INTO performance_benchmarks (
  benchmark_id,
  tenant_id,
  platform,
  avg_engagement_rate,
  median_engagement_rate,
  p90_engagement_rate,
  avg_reach,
  p90_reach,
  total_posts,
  calculated_at
)
SELECT
  hex(randomblob(16)),
  tenant_id,
  platform,
  AVG(engagement_rate) as avg_engagement_rate,
  -- Median approximation (SQLite doesn't have PERCENTILE_CONT)
  (SELECT engagement_rate FROM post_analytics pa2
   WHERE pa2.tenant_id = pa.tenant_id AND pa2.platform = pa.platform
   ORDER BY engagement_rate
   LIMIT 1 OFFSET (SELECT COUNT(*) FROM post_analytics pa3
                    WHERE pa3.tenant_id = pa.tenant_id
                    AND pa3.platform = pa.platform) / 2) as median_engagement_rate,
  -- 90th percentile approximation
  (SELECT engagement_rate FROM post_analytics pa2
   WHERE pa2.tenant_id = pa.tenant_id AND pa2.platform = pa.platform
   ORDER BY engagement_rate DESC
   LIMIT 1 OFFSET (SELECT COUNT(*) FROM post_analytics pa3
                    WHERE pa3.tenant_id = pa.tenant_id
                    AND pa3.platform = pa.platform) / 10) as p90_engagement_rate,
  AVG(reach) as avg_reach,
  (SELECT reach FROM post_analytics pa2
   WHERE pa2.tenant_id = pa.tenant_id AND pa2.platform = pa.platform
   ORDER BY reach DESC
   LIMIT 1 OFFSET (SELECT COUNT(*) FROM post_analytics pa3
                    WHERE pa3.tenant_id = pa.tenant_id
                    AND pa3.platform = pa.platform) / 10) as p90_reach,
  COUNT(*) as total_posts,
  CURRENT_TIMESTAMP as calculated_at
FROM post_analytics pa
WHERE synced_at >= datetime('now', '-90 days')
GROUP BY tenant_id, platform
ON CONFLICT(tenant_id, platform) DO UPDATE SET
  avg_engagement_rate = excluded.avg_engagement_rate,
  median_engagement_rate = excluded.median_engagement_rate,
  p90_engagement_rate = excluded.p90_engagement_rate,
  avg_reach = excluded.avg_reach,
  p90_reach = excluded.p90_reach,
  total_posts = excluded.total_posts,
  calculated_at = excluded.calculated_at;`,
  },
  {
    title: "Detect Viral Posts",
    section: "11.2",
    database: "tenant",
    sql: `SELECT
  p.post_id,
  p.platform,
  p.text,
  p.published_at,
  pa.viral_coefficient,
  pa.engagement_rate,
  pa.reach,
  pa.impressions
FROM published_posts p
JOIN post_analytics pa ON p.post_id = pa.post_id
WHERE p.tenant_id = ?
  AND pa.viral_coefficient >= 1.0  -- Viral threshold
  AND p.published_at >= datetime('now', '-30 days')
ORDER BY pa.viral_coefficient DESC
LIMIT 10;`,
  },
  {
    title: "Aggregate Skill Performance (K-Anonymity Protected)",
    section: "11.3",
    database: "both",
    sql: `-- Only aggregate if >= 5 tenants
WITH tenant_counts AS (
  SELECT
    skill_id,
    COUNT(DISTINCT tenant_id) as unique_tenants
  FROM revision_events
  WHERE created_at >= datetime('now', '-30 days')
  GROUP BY skill_id
)
SELECT
  s.skill_id,
  s.name,
  tc.unique_tenants,
  AVG(m.pass_rate) as avg_pass_rate,
  AVG(m.defect_rate) as avg_defect_rate,
  SUM(m.uses) as total_uses
FROM skills s
JOIN skill_metrics_daily m ON s.skill_id = m.skill_id
JOIN tenant_counts tc ON s.skill_id = tc.skill_id
WHERE m.date >= date('now', '-30 days')
  AND tc.unique_tenants >= 5  -- K-anonymity threshold
GROUP BY s.skill_id, s.name, tc.unique_tenants
ORDER BY avg_pass_rate DESC;`,
  },
  {
    title: "ROI by Campaign",
    section: "11.3",
    database: "tenant",
    sql: `SELECT
  p.campaign_id,
  COUNT(DISTINCT p.post_id) as total_posts,
  SUM(pa.impressions) as total_impressions,
  SUM(pa.clicks) as total_clicks,
  COUNT(c.conversion_id) as total_conversions,
  SUM(c.value) as total_revenue,
  -- Assume $50 per post creation cost
  (SUM(c.value) - (COUNT(DISTINCT p.post_id) * 50)) / (COUNT(DISTINCT p.post_id) * 50) * 100 as roi_percent
FROM published_posts p
JOIN post_analytics pa ON p.post_id = pa.post_id
LEFT JOIN conversions c ON p.post_id = c.post_id
WHERE p.tenant_id = ?
  AND p.campaign_id IS NOT NULL
  AND p.published_at >= datetime('now', '-90 days')
GROUP BY p.campaign_id
ORDER BY roi_percent DESC;`,
  },
];
