-- Migration 0015 (tenant): audit_logs and post_analytics keyed by their primary key
-- (D1 at scale: rows written per published post).
--
-- D1 bills every row written, and an index entry written is a row. A rowid table with a
-- TEXT primary key is two b-trees: the rows by rowid, and the primary key's own index
-- (sqlite_autoindex_*). Every insert writes both. A WITHOUT ROWID table is one b-tree
-- ordered by its primary key, so an audit row writes 5 entries instead of 6 and a post's
-- analytics row 2 instead of 3: a published post, which writes one of each, costs 2 rows
-- fewer (a post from generated content comes to 18, within the budget of 18). Both
-- tables are written once per post or per event and read by their other indexes or by
-- primary key, never by rowid; tenant moves copy them by primary key
-- (src/placement/move/tenant-tables.ts).
--
-- Each table is rebuilt the way SQLite documents a change of table kind: a new table with
-- the same columns and constraints, every row copied, the old one dropped, the new one
-- renamed, its indexes made again. Nothing references either table (no foreign key,
-- trigger or view names them), so the drop checks nothing. The copy writes every row of
-- both tables once: run it while the shards are young, or on a full shard move its tenants
-- to a fresh shard instead, which gets this layout from its migrations.

CREATE TABLE audit_logs_keyed (
  log_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT,
  user_id TEXT,
  action TEXT NOT NULL CHECK (length(action) > 0),
  resource_type TEXT NOT NULL CHECK (length(resource_type) > 0),
  resource_id TEXT,
  ip_address TEXT,
  user_agent TEXT,
  request_id TEXT,
  metadata JSON CHECK (metadata IS NULL OR (json_valid(metadata) AND json_type(metadata) = 'object')),
  success BOOLEAN DEFAULT TRUE CHECK (success IN (0, 1)),
  error_message TEXT,
  timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP
) WITHOUT ROWID;
INSERT INTO audit_logs_keyed SELECT * FROM audit_logs;
DROP TABLE audit_logs;
ALTER TABLE audit_logs_keyed RENAME TO audit_logs;
CREATE INDEX idx_audit_logs_user ON audit_logs(user_id, timestamp DESC);
CREATE INDEX idx_audit_logs_resource ON audit_logs(resource_type, resource_id);
CREATE INDEX idx_audit_logs_tenant_cursor ON audit_logs(tenant_id, timestamp DESC, log_id DESC);
CREATE INDEX idx_audit_logs_tenant_action ON audit_logs(tenant_id, action, timestamp DESC, log_id DESC);
CREATE INDEX idx_audit_logs_failures ON audit_logs(tenant_id, timestamp DESC, log_id DESC) WHERE success = 0;

CREATE TABLE post_analytics_keyed (
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
) WITHOUT ROWID;
INSERT INTO post_analytics_keyed SELECT * FROM post_analytics;
DROP TABLE post_analytics;
ALTER TABLE post_analytics_keyed RENAME TO post_analytics;
CREATE UNIQUE INDEX idx_post_analytics_post ON post_analytics(post_id);
CREATE INDEX idx_post_analytics_anomaly ON post_analytics(is_anomaly) WHERE is_anomaly = TRUE;
CREATE INDEX idx_post_analytics_viral
  ON post_analytics(tenant_id, unixepoch(created_at) / 864000, viral_coefficient DESC, post_id)
  WHERE viral_coefficient >= 1.0;
