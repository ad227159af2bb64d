-- Migration 0008: publishing (README, "Publishing").
--
-- publish_requests: every post a client asked for, whatever became of it. The seed's
-- published_posts can hold only posts that went out (platform_post_id and
-- published_at are NOT NULL), so scheduled, failed, cancelled and unknown-outcome
-- posts live here; a published request's id is also its published_posts.post_id.

CREATE TABLE publish_requests (
  request_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  platform TEXT NOT NULL CHECK (platform IN ('linkedin', 'twitter', 'facebook', 'instagram')),
  status TEXT NOT NULL
    CHECK (status IN ('scheduled', 'published', 'failed', 'cancelled', 'unknown')),
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
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  FOREIGN KEY (account_id, tenant_id) REFERENCES social_accounts(account_id, tenant_id),
  FOREIGN KEY (content_id, tenant_id) REFERENCES generated_content(content_id, tenant_id),
  CHECK (status <> 'published' OR (platform_post_id IS NOT NULL AND published_at IS NOT NULL)),
  CHECK (status <> 'scheduled' OR scheduled_at IS NOT NULL)
);

CREATE INDEX idx_publish_requests_tenant ON publish_requests(tenant_id, request_id DESC);
CREATE INDEX idx_publish_requests_tenant_status ON publish_requests(tenant_id, status, request_id DESC);
CREATE INDEX idx_publish_requests_account ON publish_requests(account_id);
-- Not unique: the TenantObject keeps keys 24 hours, after which a key may be used again.
CREATE INDEX idx_publish_requests_idempotency ON publish_requests(tenant_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
