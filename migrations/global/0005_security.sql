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

CREATE TABLE sharing_events (
  event_id TEXT PRIMARY KEY NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('promote_to_global', 'fork_skill', 'retire_skill')),
  -- "system_auto" or "admin:{id}" (the seed's two forms), or "tenant:{id}" for a
  -- tenant forking a skill for itself.
  actor TEXT NOT NULL
    CHECK (actor = 'system_auto' OR actor LIKE 'admin:_%' OR actor LIKE 'tenant:_%'),
  tenant_id TEXT,
  skill_id TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  metadata JSON CHECK (metadata IS NULL OR (json_valid(metadata) AND json_type(metadata) = 'object')),
  timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (skill_id) REFERENCES skills(skill_id),
  -- Not in the seed: the source tenant, when there is one, must exist.
  FOREIGN KEY (tenant_id) REFERENCES tenants(tenant_id)
);

CREATE INDEX idx_sharing_events_skill ON sharing_events(skill_id, timestamp DESC);
CREATE INDEX idx_sharing_events_action ON sharing_events(action, timestamp DESC);
