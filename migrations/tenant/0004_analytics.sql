-- Migration 0004: analytics tables (seed §5.1 to §5.5; the seed's §8.4 leaves out
-- ab_tests and analytics_sync_errors, §5 is the source).
--
-- Deviations from the seed, each refusing rows the seed would have let in:
-- * post_analytics(post_id) is UNIQUE: the ERD says published_posts 1:1
--   post_analytics, and the flush upserts on it.
-- * Every tenant-owned reference to a post is a composite (post_id, tenant_id)
--   foreign key, so analytics, A/B variants and conversions stay inside the tenant.
-- * ab_tests.variant_c_post_id gets the foreign key the seed gives variants A and B,
--   and the variants must differ.
-- * CHECK constraints on enumerated columns (anomaly types, test types, winners,
--   statuses, conversion types, attribution models, error types), on booleans, on
--   counts (never negative), on score and confidence ranges, on weights (0..1).

CREATE TABLE post_analytics (
  analytics_id TEXT PRIMARY KEY NOT NULL,
  post_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  platform TEXT NOT NULL CHECK (platform IN ('linkedin', 'twitter', 'facebook', 'instagram')),
  likes INTEGER DEFAULT 0 CHECK (likes >= 0),
  comments INTEGER DEFAULT 0 CHECK (comments >= 0),
  shares INTEGER DEFAULT 0 CHECK (shares >= 0),
  saves INTEGER DEFAULT 0 CHECK (saves >= 0),
  clicks INTEGER DEFAULT 0 CHECK (clicks >= 0),
  bookmarks INTEGER DEFAULT 0 CHECK (bookmarks >= 0),
  impressions INTEGER DEFAULT 0 CHECK (impressions >= 0),
  reach INTEGER DEFAULT 0 CHECK (reach >= 0),
  unique_impressions INTEGER DEFAULT 0 CHECK (unique_impressions >= 0),
  video_views INTEGER CHECK (video_views >= 0),
  video_avg_watch_time INTEGER CHECK (video_avg_watch_time >= 0),
  video_complete_views INTEGER CHECK (video_complete_views >= 0),
  engagement_rate REAL CHECK (engagement_rate >= 0),
  viral_coefficient REAL CHECK (viral_coefficient >= 0),
  engagement_velocity_1h REAL CHECK (engagement_velocity_1h >= 0),
  engagement_velocity_24h REAL CHECK (engagement_velocity_24h >= 0),
  engagement_velocity_7d REAL CHECK (engagement_velocity_7d >= 0),
  performance_score INTEGER CHECK (performance_score BETWEEN 0 AND 100),
  performance_score_breakdown JSON
    CHECK (performance_score_breakdown IS NULL OR (json_valid(performance_score_breakdown) AND json_type(performance_score_breakdown) = 'object')),
  is_anomaly BOOLEAN DEFAULT FALSE CHECK (is_anomaly IN (0, 1)),
  anomaly_type TEXT CHECK (anomaly_type IN ('high', 'low', 'normal')),
  z_score REAL,
  synced_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  sync_count INTEGER DEFAULT 1 CHECK (sync_count >= 1),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (post_id, tenant_id) REFERENCES published_posts(post_id, tenant_id),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id)
);

-- UNIQUE, unlike the seed: one analytics row per post (1:1), the flush's upsert key.
CREATE UNIQUE INDEX idx_post_analytics_post ON post_analytics(post_id);
CREATE INDEX idx_post_analytics_tenant ON post_analytics(tenant_id, synced_at DESC);
CREATE INDEX idx_post_analytics_platform ON post_analytics(platform, synced_at DESC);
CREATE INDEX idx_post_analytics_anomaly ON post_analytics(is_anomaly) WHERE is_anomaly = TRUE;

CREATE TABLE performance_benchmarks (
  benchmark_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  platform TEXT NOT NULL CHECK (platform IN ('linkedin', 'twitter', 'facebook', 'instagram')),
  avg_engagement_rate REAL,
  median_engagement_rate REAL,
  p90_engagement_rate REAL,
  avg_reach REAL,
  p90_reach REAL,
  avg_share_rate REAL,
  p90_share_rate REAL,
  total_posts INTEGER CHECK (total_posts >= 0),
  calculated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  UNIQUE(tenant_id, platform)
);

CREATE INDEX idx_benchmarks_tenant ON performance_benchmarks(tenant_id);

CREATE TABLE ab_tests (
  test_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  test_name TEXT NOT NULL CHECK (length(trim(test_name)) > 0),
  test_type TEXT NOT NULL CHECK (test_type IN ('content', 'brand_voice', 'timing', 'hashtag')),
  variant_a_post_id TEXT NOT NULL,
  variant_b_post_id TEXT NOT NULL,
  variant_c_post_id TEXT,
  winner TEXT CHECK (winner IN ('A', 'B', 'C', 'tie', 'inconclusive')),
  p_value REAL CHECK (p_value BETWEEN 0 AND 1),
  confidence_level INTEGER CHECK (confidence_level BETWEEN 0 AND 100),
  uplift REAL,
  status TEXT DEFAULT 'running' CHECK (status IN ('running', 'completed', 'cancelled')),
  started_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  completed_at TIMESTAMP,
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  FOREIGN KEY (variant_a_post_id, tenant_id) REFERENCES published_posts(post_id, tenant_id),
  FOREIGN KEY (variant_b_post_id, tenant_id) REFERENCES published_posts(post_id, tenant_id),
  FOREIGN KEY (variant_c_post_id, tenant_id) REFERENCES published_posts(post_id, tenant_id),
  CHECK (variant_a_post_id <> variant_b_post_id),
  CHECK (variant_c_post_id IS NULL
         OR (variant_c_post_id <> variant_a_post_id AND variant_c_post_id <> variant_b_post_id)),
  CHECK (winner IS NOT 'C' OR variant_c_post_id IS NOT NULL)
);

CREATE INDEX idx_ab_tests_tenant ON ab_tests(tenant_id, status);
CREATE INDEX idx_ab_tests_status ON ab_tests(status);

CREATE TABLE conversions (
  conversion_id TEXT PRIMARY KEY NOT NULL,
  post_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  user_id TEXT,
  session_id TEXT,
  conversion_type TEXT NOT NULL CHECK (conversion_type IN ('page_view', 'form_submit', 'purchase')),
  value REAL DEFAULT 0 CHECK (value >= 0),
  utm_source TEXT,
  utm_medium TEXT,
  utm_campaign TEXT,
  utm_content TEXT,
  utm_term TEXT,
  attribution_model TEXT
    CHECK (attribution_model IN ('first_touch', 'last_touch', 'linear', 'time_decay')),
  attribution_weight REAL DEFAULT 1.0 CHECK (attribution_weight BETWEEN 0 AND 1),
  tracked_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (post_id, tenant_id) REFERENCES published_posts(post_id, tenant_id),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id)
);

CREATE INDEX idx_conversions_post ON conversions(post_id);
CREATE INDEX idx_conversions_tenant ON conversions(tenant_id, tracked_at DESC);
CREATE INDEX idx_conversions_type ON conversions(conversion_type);
CREATE INDEX idx_conversions_utm ON conversions(utm_campaign) WHERE utm_campaign IS NOT NULL;

CREATE TABLE analytics_sync_errors (
  error_id TEXT PRIMARY KEY NOT NULL,
  post_id TEXT NOT NULL,
  platform TEXT NOT NULL CHECK (platform IN ('linkedin', 'twitter', 'facebook', 'instagram')),
  error_message TEXT,
  error_type TEXT CHECK (error_type IN ('rate_limit', 'auth_error', 'api_error', 'network_error')),
  error_stack TEXT,
  retry_count INTEGER DEFAULT 0 CHECK (retry_count >= 0),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  resolved_at TIMESTAMP,
  FOREIGN KEY (post_id) REFERENCES published_posts(post_id)
);

CREATE INDEX idx_analytics_errors_post ON analytics_sync_errors(post_id);
CREATE INDEX idx_analytics_errors_created ON analytics_sync_errors(created_at DESC);
CREATE INDEX idx_analytics_errors_unresolved ON analytics_sync_errors(resolved_at) WHERE resolved_at IS NULL;
