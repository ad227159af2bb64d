-- Migration 0006: the composite and covering indexes of the seed's §10.1 and §10.2.3.

CREATE INDEX idx_users_tenant_status ON users(tenant_id, status);

-- §10.2.3 uses PostgreSQL's INCLUDE (post_id, text, image_url); SQLite has no INCLUDE,
-- so the included columns follow the key columns. The seed's example query
-- (tenant + platform, newest first, post_id/text/image_url) is then answered from
-- the index alone.
--
-- Order matters: this index and idx_posts_tenant_platform_date share their leading
-- columns, so for a query the covering index cannot cover (§10.3's SELECT *) SQLite
-- costs both the same and keeps the one it considers last, which is the one created
-- last. Created first, the wide covering index serves only the queries it covers and
-- the narrow index below serves the rest, as §10.3 expects. test/schema pins both plans.
CREATE INDEX idx_posts_covering ON published_posts(
  tenant_id,
  platform,
  published_at DESC,
  post_id,
  text,
  image_url
);

CREATE INDEX idx_posts_tenant_platform_date ON published_posts(tenant_id, platform, published_at DESC);

CREATE INDEX idx_analytics_tenant_platform_synced ON post_analytics(tenant_id, platform, synced_at DESC);

CREATE INDEX idx_conversions_campaign_date ON conversions(utm_campaign, tracked_at DESC)
  WHERE utm_campaign IS NOT NULL;
