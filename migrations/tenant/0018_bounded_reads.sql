-- Migration 0018 (tenant): every statement reads about what it answers, with or
-- without the planner's statistics.
--
-- A shard has no statistics until its first PRAGMA optimize (a fresh shard, or one
-- tenants have just moved to), and D1 bills every row a plan reads. Measured on
-- bench:scale's big tenant (docs/benchmarks.md) with and without sqlite_stat1, the
-- statements below read far more than they answered; each index here is the one a
-- statement now names or cannot miss (src/core/db says which), and the test
-- test/db/bounded-reads.test.ts holds every statement of src/core/db to 2 × rows returned
-- + 100 on both.

-- analytics_sync_errors carries its tenant. It had none: retention reached a tenant's
-- errors through every post the tenant ever published (the probe read 321,706 rows a
-- page of 100 tenants, pruning 50,002 to delete nothing, since migration 0013 dropped the
-- (tenant, published_at) index it relied on). SQLite cannot add a NOT NULL column
-- or a composite foreign key in place, so the table is rebuilt the way SQLite
-- documents (as 0015 and 0017 did): a new table, every row copied with its post's
-- tenant, the old dropped, the new renamed, the seed's indexes made again. The
-- seed's key to the post becomes (post_id, tenant_id) → published_posts, so an error's
-- tenant is always its post's (as conversions name theirs). No foreign key, trigger or
-- view names analytics_sync_errors.
CREATE TABLE analytics_sync_errors_tenant (
  error_id TEXT PRIMARY KEY NOT NULL,
  post_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  platform TEXT NOT NULL CHECK (platform IN ('linkedin', 'twitter', 'facebook', 'instagram')),
  error_message TEXT,
  error_type TEXT CHECK (error_type IN ('rate_limit', 'auth_error', 'api_error', 'network_error')),
  error_stack TEXT,
  retry_count INTEGER DEFAULT 0 CHECK (retry_count >= 0),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  resolved_at TIMESTAMP,
  FOREIGN KEY (post_id, tenant_id) REFERENCES published_posts(post_id, tenant_id),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id)
);
INSERT INTO analytics_sync_errors_tenant (error_id, post_id, tenant_id, platform, error_message, error_type,
  error_stack, retry_count, created_at, resolved_at)
SELECT e.error_id, e.post_id, p.tenant_id, e.platform, e.error_message, e.error_type, e.error_stack, e.retry_count,
  e.created_at, e.resolved_at
FROM analytics_sync_errors e JOIN published_posts p ON p.post_id = e.post_id;
DROP TABLE analytics_sync_errors;
ALTER TABLE analytics_sync_errors_tenant RENAME TO analytics_sync_errors;
CREATE INDEX idx_analytics_errors_post ON analytics_sync_errors(post_id);
CREATE INDEX idx_analytics_errors_created ON analytics_sync_errors(created_at DESC);
CREATE INDEX idx_analytics_errors_unresolved ON analytics_sync_errors(resolved_at) WHERE resolved_at IS NULL;
-- Retention's probe and prune (src/core/retention/due.ts, prune.ts): a tenant's resolved
-- errors by when they were resolved, one seek to the first past the horizon.
CREATE INDEX idx_analytics_errors_tenant_resolved ON analytics_sync_errors(tenant_id, resolved_at)
  WHERE resolved_at IS NOT NULL;

-- audit_logs: a user's trail in page order. The seed's (user_id, timestamp DESC) ends
-- with the row's key ascending (WITHOUT ROWID, 0015), so rows of one instant were all
-- read and sorted for every page; the same entries, with the key in page order.
DROP INDEX idx_audit_logs_user;
CREATE INDEX idx_audit_logs_user_cursor ON audit_logs(user_id, timestamp DESC, log_id DESC);
-- Failures of a type or an action: the trail's (type, action) ranges, failures only,
-- merged as 0016's are (src/core/db/audit-list.ts). A failure is one entry more (failures
-- are about 2% of the trail); with an action, the failures' own index read every
-- failure of the tenant, and 0016's index every row of the action.
CREATE INDEX idx_audit_logs_failures_type_action
  ON audit_logs(tenant_id, resource_type, action, timestamp DESC, log_id DESC) WHERE success = 0;

-- generated_content: a type's candidates in page order (GET /v1/content?content_type=):
-- no index led with the type, and a rare type (video) read the tenant's every candidate.
-- One entry more a candidate. A skill's candidates by type: 0009's (tenant, skill, time)
-- takes the type before the time, so a skill and a type are one range, and a skill alone
-- a merge of its four types' ranges (src/core/db/content.ts). The same entries.
CREATE INDEX idx_generated_content_tenant_type
  ON generated_content(tenant_id, content_type, created_at DESC, content_id DESC);
DROP INDEX idx_generated_content_tenant_skill;
CREATE INDEX idx_generated_content_skill_type
  ON generated_content(tenant_id, skill_id, content_type, created_at DESC, content_id DESC)
  WHERE skill_id IS NOT NULL;

-- post_analytics: viral posts of one platform (GET /v1/analytics/viral?platform=). 0013's
-- viral index holds no platform: a platform's page read every viral post of the window
-- and kept a quarter. The same buckets, a platform first; a viral post is one entry more
-- (about one post in twenty is viral).
CREATE INDEX idx_post_analytics_viral_platform
  ON post_analytics(tenant_id, platform, unixepoch(created_at) / 864000, viral_coefficient DESC, post_id)
  WHERE viral_coefficient >= 1.0;

-- publish_requests: a status's posts of one account (GET /v1/posts?status=&account_id=,
-- and a disconnected account's scheduled and held posts, cancelled). 0013's index of the
-- rare statuses held (tenant, status, id): an account's were read among every post of the
-- tenant of that status, and without statistics SQLite read every request of the account
-- instead. The account now comes before the id, as in the list of all posts: a status's
-- list is a merge of the tenant's accounts (src/core/db/publish-request-list.ts). The same
-- entries, in another order.
DROP INDEX idx_publish_requests_unpublished;
CREATE INDEX idx_publish_requests_unpublished ON publish_requests(tenant_id, status, account_id, request_id DESC)
  WHERE status <> 'published';

-- ab_tests: a status's tests in page order (the seed's (tenant_id, status) sorted them all).
DROP INDEX idx_ab_tests_tenant;
CREATE INDEX idx_ab_tests_tenant_status ON ab_tests(tenant_id, status, test_id DESC);

-- content_templates: one index for every list (GET /v1/templates, any filters): each
-- (status, type, platform) is one range in id order, and a list is a merge of the ranges
-- its filters leave (src/core/db/tenant-rows.ts). The seed's (tenant_id) held no order, and its
-- (platform, status) and (template_type, status) spanned every tenant.
DROP INDEX idx_templates_tenant;
DROP INDEX idx_templates_platform;
DROP INDEX idx_templates_type;
CREATE INDEX idx_templates_list ON content_templates(tenant_id, status, template_type, platform, template_id);

-- brand_knowledge_entries: the same for the knowledge list; a category (free text, so
-- not enumerated) leads an index of its own. The seed's (tenant_id, status) and
-- (category, status) held no order, the second spanning every tenant.
DROP INDEX idx_knowledge_tenant;
DROP INDEX idx_knowledge_category;
CREATE INDEX idx_knowledge_list ON brand_knowledge_entries(tenant_id, status, entry_type, entry_id);
CREATE INDEX idx_knowledge_category_list ON brand_knowledge_entries(tenant_id, category, status, entry_type, entry_id);

-- generated_content: candidates nobody selected, by age: what retention deletes past the
-- tenant's period (src/core/retention/prune.ts) and its daily probe asks about
-- (src/core/retention/due.ts). Both walked the tenant's candidates by age and passed over the
-- selected ones, which stay for good: once retention has run, every day's probe read
-- every kept candidate older than the period to find none. The condition is the one
-- their statements write (a candidate whose selection was never set counts as not
-- selected); an entry is made with a candidate and removed when it is selected.
CREATE INDEX idx_generated_content_unselected ON generated_content(tenant_id, created_at)
  WHERE COALESCE(user_selected, 0) = 0;
