-- Migration 0020 (tenant): held posts of a subscription that stops publishing
-- (docs/billing.md, Stripe and subscription states).
--
-- A scheduled post that comes due while its tenant's subscription is canceled, or past_due
-- after its grace, is held as a suspension holds it (objects/publishing/post-holds.ts), with
-- the reason subscription_canceled or subscription_past_due, and released the same way
-- (POST /v1/posts/{id}/release) once the subscription allows publishing again.
--
-- SQLite cannot change a CHECK constraint in place, so publish_requests is rebuilt as
-- migration 0017 rebuilt it (its comment says how and why that is safe): the same table
-- with the two new reasons, every row copied (held_reason with it), the old table
-- dropped, the new one renamed and its three indexes made again.

CREATE TABLE publish_requests_subscription (
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
  held_reason TEXT CHECK (held_reason IN ('tenant_suspended', 'tenant_deleted', 'author_removed',
    'subscription_canceled', 'subscription_past_due')),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  FOREIGN KEY (account_id, tenant_id) REFERENCES social_accounts(account_id, tenant_id),
  FOREIGN KEY (content_id, tenant_id) REFERENCES generated_content(content_id, tenant_id),
  CHECK (status <> 'published' OR (platform_post_id IS NOT NULL AND published_at IS NOT NULL)),
  CHECK (status NOT IN ('scheduled', 'held') OR scheduled_at IS NOT NULL),
  CHECK ((status = 'held') = (held_reason IS NOT NULL))
);
INSERT INTO publish_requests_subscription (request_id, tenant_id, account_id, platform, status, idempotency_key, text,
  image_url, video_url, hashtags, scheduled_at, campaign_id, utm_params, content_id, requested_by, platform_post_id,
  platform_post_url, published_at, error_type, error_message, created_at, updated_at, held_reason)
SELECT request_id, tenant_id, account_id, platform, status, idempotency_key, text, image_url, video_url, hashtags,
  scheduled_at, campaign_id, utm_params, content_id, requested_by, platform_post_id, platform_post_url, published_at,
  error_type, error_message, created_at, updated_at, held_reason
FROM publish_requests;
DROP TABLE publish_requests;
ALTER TABLE publish_requests_subscription RENAME TO publish_requests;
CREATE INDEX idx_publish_requests_account_list ON publish_requests(tenant_id, account_id, request_id DESC);
-- Held posts are as rare as scheduled ones: listed by status from this index
-- (GET /v1/posts?status=held, the operator's GET /v1/admin/tenants/{id}/posts).
CREATE INDEX idx_publish_requests_unpublished ON publish_requests(tenant_id, status, account_id, request_id DESC)
  WHERE status <> 'published';
CREATE INDEX idx_publish_requests_content ON publish_requests(content_id, tenant_id)
  WHERE content_id IS NOT NULL;
