-- Migration 0005: authentication and security tables (seed §6.1 to §6.3, §8.5).
--
-- Deviations from the seed, each refusing rows the seed would have let in:
-- * api_keys.key_hash holds a SHA-256 digest (64 hex characters), not bcrypt: the key
--   has 256 bits of entropy, and bcrypt would spend the Worker's CPU.
-- * An API key belongs to a user *of its own tenant* (composite foreign key).
-- * CHECK constraints on statuses, booleans, sharing actions and actors; scopes must
--   be a JSON array; rate_limit_per_hour must be positive.
-- * audit_logs keeps no foreign keys on purpose: an audit row must never be refused
--   (system-level events have no tenant), and it outlives what it describes.

CREATE TABLE api_keys (
  key_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  key_prefix TEXT NOT NULL CHECK (length(key_prefix) >= 8),
  key_hash TEXT NOT NULL CHECK (length(key_hash) = 64 AND NOT key_hash GLOB '*[^0-9a-f]*'),
  scopes JSON NOT NULL CHECK (scopes IS NULL OR (json_valid(scopes) AND json_type(scopes) = 'array')),
  rate_limit_per_hour INTEGER DEFAULT 1000 CHECK (rate_limit_per_hour > 0),
  last_used_at TIMESTAMP,
  use_count INTEGER DEFAULT 0 CHECK (use_count >= 0),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  expires_at TIMESTAMP,
  status TEXT DEFAULT 'active' CHECK (status IN ('active', 'revoked', 'expired')),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  FOREIGN KEY (user_id, tenant_id) REFERENCES users(user_id, tenant_id),
  UNIQUE(key_prefix)
);

CREATE INDEX idx_api_keys_tenant ON api_keys(tenant_id);
CREATE INDEX idx_api_keys_user ON api_keys(user_id);
-- Redundant with UNIQUE(key_prefix), kept because the seed names it.
CREATE INDEX idx_api_keys_prefix ON api_keys(key_prefix);
CREATE INDEX idx_api_keys_status ON api_keys(status);

CREATE TABLE audit_logs (
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
);

CREATE INDEX idx_audit_logs_tenant ON audit_logs(tenant_id, timestamp DESC);
CREATE INDEX idx_audit_logs_user ON audit_logs(user_id, timestamp DESC);
CREATE INDEX idx_audit_logs_action ON audit_logs(action, timestamp DESC);
CREATE INDEX idx_audit_logs_resource ON audit_logs(resource_type, resource_id);
