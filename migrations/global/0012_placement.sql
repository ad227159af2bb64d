-- Migration 0012 (global): the directory of a sharded deployment (ARCHITECTURE.md,
-- Placement). This database holds the directory and the shared
-- skill registry; every tenant-owned table lives in a regional shard (migrations/tenant).
--
-- * tenants.shard: the binding name of the D1 shard that holds the tenant's rows
--   (SHARD_<REGION>_<N>), chosen once at creation from the tenant's region and changed
--   only by a move. NULL only while a tenant is being created.
-- * key_prefixes: which tenant an API key belongs to, by the key's public prefix, so a
--   credential finds its tenant (and through it its shard) without asking every shard.
--   A prefix is never reused: keys are revoked, not deleted.
-- * shard_settings: an operator can close a shard to new tenants (it is filling up);
--   a shard with no row here takes new tenants.
-- * operator_audit_logs: the trail of the operator's and the platform's own changes to
--   the global registry (skills promoted, retired, created by the operator). A change
--   that concerns one tenant is audited in that tenant's shard, in audit_logs.

ALTER TABLE tenants ADD COLUMN shard TEXT CHECK (shard IS NULL OR shard GLOB 'SHARD_[A-Z]*_[0-9]*');
CREATE INDEX idx_tenants_region_shard ON tenants(region, shard);

CREATE TABLE key_prefixes (
  key_prefix TEXT PRIMARY KEY NOT NULL CHECK (length(key_prefix) BETWEEN 4 AND 64),
  tenant_id TEXT NOT NULL REFERENCES tenants(tenant_id),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_key_prefixes_tenant ON key_prefixes(tenant_id);

CREATE TABLE shard_settings (
  shard TEXT PRIMARY KEY NOT NULL CHECK (shard GLOB 'SHARD_[A-Z]*_[0-9]*'),
  accepts_new_tenants BOOLEAN NOT NULL DEFAULT TRUE CHECK (accepts_new_tenants IN (0, 1)),
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE operator_audit_logs (
  log_id TEXT PRIMARY KEY NOT NULL,
  actor TEXT NOT NULL CHECK (length(actor) > 0),
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
CREATE INDEX idx_operator_audit_logs_time ON operator_audit_logs(timestamp DESC, log_id DESC);
