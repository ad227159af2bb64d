-- Migration 0013 (tenant): indexes for D1 at scale.
--
-- D1 bills every row read and every row written, and an index entry written is a row
-- written: a published post wrote 27 to 29 rows (its request, its post, its empty
-- analytics row, its audit row, each with every index), and a flush that moved
-- synced_at wrote 4 rows per post. A write costs a thousand reads. So every index here
-- was checked with EXPLAIN QUERY PLAN against every statement of the Worker (and the
-- foreign-key checks SQLite runs when a parent row is deleted): an index no statement
-- uses is dropped, an index a statement needs to read about as many rows as it answers
-- is added, and a condition keeps an index to the rows that need it. Measured by
-- `npm run bench:scale` (docs/benchmarks.md). Departures from the seed are named
-- below and listed in test/schema/expected-schema.ts (SEED_INDEXES_DROPPED).

-- published_posts: 9 to 10 index entries per post before, 5 or 6 now.
-- * idx_posts_covering (seed §10.2.3) copied every post's text into a second b-tree
--   (about 1 GB of a measured 6.15 GB database) to answer one example query from the
--   index alone. idx_posts_tenant_platform_date answers that query as well, in the same
--   order, reading one table row per post returned.
DROP INDEX idx_posts_covering;
-- * idx_published_posts_tenant (tenant, published_at) is used by nothing since reports
--   seek by platform (idx_posts_tenant_platform_date, whose first column also serves a
--   tenant's rows when it moves between shards).
DROP INDEX idx_published_posts_tenant;
-- * idx_published_posts_platform (platform, published_at) and
--   idx_published_posts_campaign (campaign_id) span every tenant; no statement asks for
--   one platform's or one campaign's posts across tenants. ROI by campaign reads the
--   tenant's posts of its window by platform (idx_posts_tenant_platform_date).
DROP INDEX idx_published_posts_platform;
DROP INDEX idx_published_posts_campaign;
-- * idx_published_posts_content serves only the foreign-key check when generated content
--   is deleted (a move, retention); a post without content needs no entry in it.
DROP INDEX idx_published_posts_content;
CREATE INDEX idx_published_posts_content ON published_posts(content_id) WHERE content_id IS NOT NULL;

-- post_analytics: 6 entries per post before, 3 now, and a flush writes 1 row per post
-- whether or not it moves synced_at (which was in three indexes).
-- * idx_post_analytics_tenant, idx_post_analytics_platform (seed) and
--   idx_analytics_tenant_platform_synced (seed §10.1) order rows by synced_at, which no
--   statement asks for. A tenant's rows are found through its posts (benchmarks, and a
--   move: src/placement/move/tenant-tables.ts).
DROP INDEX idx_post_analytics_tenant;
DROP INDEX idx_post_analytics_platform;
DROP INDEX idx_analytics_tenant_platform_synced;
-- * Viral posts (seed §11.2), most viral first, by cursor, over a window of days: only
--   posts at or above the threshold (the query repeats this condition so SQLite can use
--   the index), bucketed by the ten days their row was made in (with the post, or
--   later), most viral first within a bucket. A window is a merge of its buckets
--   (src/db/reports/viral-posts.ts), so a page reads about as many rows as it returns
--   however much of the tenant's history the window covers. A post entering or leaving
--   the index, or changing its coefficient in it, is one entry written by its flush.
CREATE INDEX idx_post_analytics_viral
  ON post_analytics(tenant_id, unixepoch(created_at) / 864000, viral_coefficient DESC, post_id)
  WHERE viral_coefficient >= 1.0;

-- publish_requests: 5 to 6 entries per post before, 3 now.
-- * One index for every list of a tenant's posts: by account, and for all of them or one
--   platform a merge of the tenant's accounts, newest first (src/db/publish-requests.ts).
--   Its first two columns are the foreign key to social_accounts.
DROP INDEX idx_publish_requests_tenant;
DROP INDEX idx_publish_requests_account;
CREATE INDEX idx_publish_requests_account_list ON publish_requests(tenant_id, account_id, request_id DESC);
-- * A status other than published (scheduled, failed, unknown, cancelled) is rare: only
--   those rows are indexed by status. Listing published posts reads the list above.
DROP INDEX idx_publish_requests_tenant_status;
CREATE INDEX idx_publish_requests_unpublished ON publish_requests(tenant_id, status, request_id DESC)
  WHERE status <> 'published';
-- * Idempotency keys are kept and checked by the TenantObject; no statement reads them here.
DROP INDEX idx_publish_requests_idempotency;
-- (The foreign key to generated_content gets its partial index in migration 0014, with
-- the retention job that deletes candidates: a post from content pays one entry there.)

-- audit_logs: 7 entries per row before, 6 now (7 for a failure).
-- * idx_audit_logs_tenant (tenant, timestamp) is a prefix of idx_audit_logs_tenant_cursor.
DROP INDEX idx_audit_logs_tenant;
-- * idx_audit_logs_action (seed: action, timestamp) spans every tenant: a tenant's rows of
--   one action were found among every tenant's. Within the tenant, in page order instead.
DROP INDEX idx_audit_logs_action;
CREATE INDEX idx_audit_logs_tenant_action ON audit_logs(tenant_id, action, timestamp DESC, log_id DESC);
-- * Failures (success = 0) are rare; a list of them read the whole trail.
CREATE INDEX idx_audit_logs_failures ON audit_logs(tenant_id, timestamp DESC, log_id DESC) WHERE success = 0;

-- conversions: filtered by type within the tenant, newest first; the seed's indexes by
-- type, UTM campaign and tracked time span every tenant and serve no statement.
DROP INDEX idx_conversions_type;
DROP INDEX idx_conversions_tenant;
DROP INDEX idx_conversions_utm;
DROP INDEX idx_conversions_campaign_date;
CREATE INDEX idx_conversions_tenant_type ON conversions(tenant_id, conversion_type, conversion_id DESC);

-- generated_content: a request's candidates in the list's order (migration 0009's index
-- had no order: SQLite preferred reading the tenant's candidates in page order instead).
DROP INDEX idx_generated_content_request;
CREATE INDEX idx_generated_content_request ON generated_content(tenant_id, request_id, created_at DESC, content_id DESC)
  WHERE request_id IS NOT NULL;
-- A tenant's selected or approved candidates, newest first. The seed's
-- idx_generated_content_selected spans every tenant and serves no statement; a candidate
-- enters these indexes only when a user selects or approves it.
DROP INDEX idx_generated_content_selected;
CREATE INDEX idx_generated_content_tenant_selected ON generated_content(tenant_id, created_at DESC, content_id DESC)
  WHERE user_selected = 1;
CREATE INDEX idx_generated_content_tenant_approved ON generated_content(tenant_id, created_at DESC, content_id DESC)
  WHERE user_approved = 1;
