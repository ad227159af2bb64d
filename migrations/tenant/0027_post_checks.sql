-- Migration 0027 (tenant): the TenantObject's two watches on a post, shown by the API
-- (GET /v1/posts/{id}; src/core/db/post-checks.ts, docs/publishing.md).
--
-- reconciliation: a post whose outcome was not learned (no answer in time, a 5xx from the
-- call that creates it, a reset of the object during the call) is reconciled with its
-- platform: the object asks the platform whether the post exists and from the answer
-- marks it published or sends it once (objects/publishing/reconcile.ts). The JSON says how
-- it stands: state, resolution, tries, when it was last and will next be checked, a note.
-- Written with the post's record, NULL for a post whose outcome was always known.
--
-- at_risk: a scheduled post that would fail if it went out as things stand (its token,
-- its account and scopes, its media, its window, the platform's API version), found by
-- the pre-flight check 15 minutes before it and at send time (objects/publishing/preflight.ts):
-- the code, the reason and when it was found. Written by that check alone, NULL once
-- the cause is fixed. GET /v1/posts?at_risk=true lists the scheduled ones, from the
-- partial index below (they are few).
--
-- Both columns are added (nullable, no default): no row is rewritten.

ALTER TABLE publish_requests ADD COLUMN reconciliation JSON
  CHECK (reconciliation IS NULL OR (json_valid(reconciliation) AND json_type(reconciliation) = 'object'));
ALTER TABLE publish_requests ADD COLUMN at_risk JSON
  CHECK (at_risk IS NULL OR (json_valid(at_risk) AND json_type(at_risk) = 'object'));
CREATE INDEX idx_publish_requests_at_risk ON publish_requests(tenant_id, request_id DESC)
  WHERE at_risk IS NOT NULL AND status = 'scheduled';

-- published_posts: which of a page of the platform's recent posts are already recorded for
-- other posts (src/core/db/claimed-posts.ts, while reconciling an unknown outcome). By the
-- account's posts it read every one of them without the planner's statistics (3,909 rows
-- for 11 on bench:scale's big tenant); by the platform's ids it reads the page.
CREATE INDEX idx_published_posts_platform_id ON published_posts(tenant_id, platform_post_id);
