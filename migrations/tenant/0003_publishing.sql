-- Migration 0003: multi-platform publishing tables (seed §4.1 to §4.3, §8.3).
--
-- Deviations from the seed, each refusing rows the seed would have let in:
-- * CHECK constraints on platforms and statuses; platform identifiers are the seed's
--   ("twitter" is X).
-- * Tokens are ciphertext: the encrypted columns must be BLOBs, so a plain-text token
--   written by mistake is refused.
-- * published_posts references its account and content *within its tenant*
--   (composite foreign keys), so a post can never hang off another tenant's account.
-- * scopes and utm_params / hashtags must be valid JSON of the seed's shape.

CREATE TABLE social_accounts (
  account_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  platform TEXT NOT NULL CHECK (platform IN ('linkedin', 'twitter', 'facebook', 'instagram')),
  platform_user_id TEXT NOT NULL,
  account_name TEXT,
  account_handle TEXT,
  access_token_encrypted BLOB NOT NULL CHECK (typeof(access_token_encrypted) = 'blob'),
  refresh_token_encrypted BLOB CHECK (typeof(refresh_token_encrypted) IN ('blob', 'null')),
  expires_at TIMESTAMP,
  refresh_token_expires_at TIMESTAMP,
  scopes TEXT CHECK (scopes IS NULL OR (json_valid(scopes) AND json_type(scopes) = 'array')),
  status TEXT DEFAULT 'active' CHECK (status IN ('active', 'expired', 'revoked', 'error')),
  last_used_at TIMESTAMP,
  last_refresh_at TIMESTAMP,
  error_count INTEGER DEFAULT 0 CHECK (error_count >= 0),
  last_error TEXT,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  UNIQUE(tenant_id, platform, platform_user_id)
);

CREATE INDEX idx_social_accounts_tenant ON social_accounts(tenant_id);
CREATE INDEX idx_social_accounts_platform ON social_accounts(platform, status);
CREATE INDEX idx_social_accounts_expires ON social_accounts(expires_at) WHERE status = 'active';
CREATE UNIQUE INDEX uq_social_accounts_account_tenant ON social_accounts(account_id, tenant_id);

CREATE TABLE published_posts (
  post_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  content_id TEXT,
  platform TEXT NOT NULL CHECK (platform IN ('linkedin', 'twitter', 'facebook', 'instagram')),
  account_id TEXT NOT NULL,
  platform_post_id TEXT NOT NULL,
  platform_post_url TEXT,
  text TEXT NOT NULL,
  image_url TEXT,
  video_url TEXT,
  hashtags JSON CHECK (hashtags IS NULL OR (json_valid(hashtags) AND json_type(hashtags) = 'array')),
  published_at TIMESTAMP NOT NULL,
  published_by TEXT,
  scheduled_at TIMESTAMP,
  generation_metadata JSON
    CHECK (generation_metadata IS NULL OR (json_valid(generation_metadata) AND json_type(generation_metadata) = 'object')),
  campaign_id TEXT,
  utm_params JSON CHECK (utm_params IS NULL OR (json_valid(utm_params) AND json_type(utm_params) = 'object')),
  status TEXT DEFAULT 'published' CHECK (status IN ('published', 'deleted', 'failed')),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  -- Content and account of the same tenant only.
  FOREIGN KEY (content_id, tenant_id) REFERENCES generated_content(content_id, tenant_id),
  FOREIGN KEY (account_id, tenant_id) REFERENCES social_accounts(account_id, tenant_id),
  -- The same platform post cannot be recorded twice for one account.
  UNIQUE (account_id, platform_post_id)
);

CREATE INDEX idx_published_posts_tenant ON published_posts(tenant_id, published_at DESC);
CREATE INDEX idx_published_posts_platform ON published_posts(platform, published_at DESC);
CREATE INDEX idx_published_posts_campaign ON published_posts(campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX idx_published_posts_content ON published_posts(content_id);
CREATE UNIQUE INDEX uq_published_posts_post_tenant ON published_posts(post_id, tenant_id);

CREATE TABLE rate_limits (
  tenant_id TEXT NOT NULL,
  platform TEXT NOT NULL CHECK (platform IN ('linkedin', 'twitter', 'facebook', 'instagram')),
  window_start TIMESTAMP NOT NULL,
  request_count INTEGER DEFAULT 0 CHECK (request_count >= 0),
  PRIMARY KEY (tenant_id, platform, window_start),
  -- Not in the seed: a window of a tenant that does not exist is an orphan.
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id)
);

CREATE INDEX idx_rate_limits_window ON rate_limits(window_start);
