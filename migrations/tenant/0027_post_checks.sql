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

-- No index is added for the reconciliation's look-up of a page of the platform's post ids
-- (src/core/db/claimed-posts.ts): the seed's UNIQUE (account_id, platform_post_id) answers
-- it, read id by id. An index of its own would cost every published post a row written,
-- for a read made only while an outcome is unknown.
