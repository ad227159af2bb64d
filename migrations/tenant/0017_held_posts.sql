-- Migration 0017 (tenant): held posts.
--
-- A scheduled post that comes due while its tenant is suspended or deleted, or while the
-- member who scheduled it is suspended or removed, is not sent: the TenantObject's alarm
-- marks it `held` with the reason (objects/publishing/post-holds.ts). It stays held until
-- an owner or admin releases it with a new time (POST /v1/posts/{id}/release: `scheduled`
-- again) or it is cancelled (docs/publishing.md, Held posts).
--
-- SQLite cannot change a CHECK constraint in place, so publish_requests is rebuilt the
-- way SQLite documents (as migration 0015 rebuilt two tables): a new table with the new
-- status and the held_reason column, every row copied, the old table dropped, the new one
-- renamed, its indexes made again (0013's two and 0014's). No foreign key, trigger or
-- view names publish_requests, so the drop checks nothing; its own foreign keys are
-- checked for every row copied, and they all hold. The copy writes every row once: run it
-- while the shards are young, or move a full shard's tenants to a fresh shard, which gets
-- this table from its migrations.
--
-- New: status 'held'; held_reason (tenant_suspended, tenant_deleted, author_removed),
-- present exactly when the post is held; a held post, like a scheduled one, has its time.

CREATE TABLE publish_requests_held (
  request_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  platform TEXT NOT NULL CHECK (platform IN ('linkedin', 'twitter', 'facebook', 'instagram')),
  status TEXT NOT NULL
    CHECK (status IN ('scheduled', 'held', 'published', 'failed', 'cancelled', 'unknown')),
  idempotency_key TEXT,
  text TEXT NOT NULL,
  image_url TEXT,
  video_url TEXT,
  hashtags JSON CHECK (hashtags IS NULL OR (json_valid(hashtags) AND json_type(hashtags) = 'array')),
  scheduled_at TIMESTAMP,
  campaign_id TEXT,
  utm_params JSON CHECK (utm_params IS NULL OR (json_valid(utm_params) AND json_type(utm_params) = 'object')),
  content_id TEXT,
  requested_by TEXT,
  platform_post_id TEXT,
  platform_post_url TEXT,
  published_at TIMESTAMP,
  error_type TEXT,
  error_message TEXT,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  held_reason TEXT CHECK (held_reason IN ('tenant_suspended', 'tenant_deleted', 'author_removed')),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  FOREIGN KEY (account_id, tenant_id) REFERENCES social_accounts(account_id, tenant_id),
  FOREIGN KEY (content_id, tenant_id) REFERENCES generated_content(content_id, tenant_id),
  CHECK (status <> 'published' OR (platform_post_id IS NOT NULL AND published_at IS NOT NULL)),
  CHECK (status NOT IN ('scheduled', 'held') OR scheduled_at IS NOT NULL),
  CHECK ((status = 'held') = (held_reason IS NOT NULL))
);
INSERT INTO publish_requests_held (request_id, tenant_id, account_id, platform, status, idempotency_key, text,
  image_url, video_url, hashtags, scheduled_at, campaign_id, utm_params, content_id, requested_by, platform_post_id,
  platform_post_url, published_at, error_type, error_message, created_at, updated_at)
SELECT request_id, tenant_id, account_id, platform, status, idempotency_key, text, image_url, video_url, hashtags,
  scheduled_at, campaign_id, utm_params, content_id, requested_by, platform_post_id, platform_post_url, published_at,
  error_type, error_message, created_at, updated_at
FROM publish_requests;
DROP TABLE publish_requests;
ALTER TABLE publish_requests_held RENAME TO publish_requests;
CREATE INDEX idx_publish_requests_account_list ON publish_requests(tenant_id, account_id, request_id DESC);
-- Held posts are as rare as scheduled ones: listed by status from this index
-- (GET /v1/posts?status=held, the operator's GET /v1/admin/tenants/{id}/posts).
CREATE INDEX idx_publish_requests_unpublished ON publish_requests(tenant_id, status, request_id DESC)
  WHERE status <> 'published';
CREATE INDEX idx_publish_requests_content ON publish_requests(content_id, tenant_id)
  WHERE content_id IS NOT NULL;
