-- Migration 0011: key lineage (before it, a key could mint a stronger key, and its
-- children outlived its revocation).
--
-- * api_keys.parent_key_id: the key a key was made with (POST /v1/api-keys called with
--   an API key). NULL for keys made by a signed-in user or at tenant creation: those are
--   bounded by the user's role only. A key makes keys for its own user only, so a
--   lineage never leaves one user of one tenant.
-- * idx_api_keys_parent: revoking a key revokes the keys it made, transitively, in one
--   recursive statement that walks parent -> children by this index.
-- * api_keys_child_within_parent: the database refuses a child whose parent is not
--   active, or that exceeds its parent's hourly limit or expiry. The route checks the
--   same bounds first and answers 403 naming the field; this trigger closes the race
--   with a revocation (a child inserted after its parent's cascade ran would otherwise
--   escape it) and holds for any future writer. It guards keys inserted active: moving
--   a tenant to another shard copies its revoked keys as they are.

ALTER TABLE api_keys ADD COLUMN parent_key_id TEXT REFERENCES api_keys(key_id);

CREATE INDEX idx_api_keys_parent ON api_keys(parent_key_id) WHERE parent_key_id IS NOT NULL;

CREATE TRIGGER api_keys_child_within_parent
BEFORE INSERT ON api_keys
WHEN NEW.parent_key_id IS NOT NULL AND NEW.status = 'active'
BEGIN
  SELECT RAISE(ABORT, 'api key parent is not active or is exceeded')
  WHERE NOT EXISTS (
    SELECT 1 FROM api_keys p
    WHERE p.key_id = NEW.parent_key_id
      AND p.tenant_id = NEW.tenant_id
      AND p.user_id = NEW.user_id
      AND p.status = 'active'
      AND NEW.rate_limit_per_hour <= p.rate_limit_per_hour
      AND (p.expires_at IS NULL
           OR (NEW.expires_at IS NOT NULL AND julianday(NEW.expires_at) <= julianday(p.expires_at)))
  );
END;
