-- Migration 0007: identity and access (README, "Identity and access").
--
-- * tenants.encryption_version: the key version new ciphertexts of the tenant are
--   written with. Rotation (POST /v1/tenant/rotate-key) re-encrypts every secret and
--   bumps it; every ciphertext names its own version, so older ones stay readable.
-- * A cursor index for GET /v1/audit-logs: newest first with the log id breaking
--   ties, so pages never skip or repeat a row.

CREATE INDEX idx_audit_logs_tenant_cursor ON audit_logs(tenant_id, timestamp DESC, log_id DESC);

-- Every tenant keeps at least one active owner: demoting, suspending or deleting the
-- last one is refused by the database, however many requests race to do it.
CREATE TRIGGER users_keep_an_active_owner
AFTER UPDATE OF role, status ON users
WHEN OLD.role = 'owner' AND OLD.status = 'active'
  AND NOT EXISTS (
    SELECT 1 FROM users WHERE tenant_id = OLD.tenant_id AND role = 'owner' AND status = 'active'
  )
BEGIN
  SELECT RAISE(ABORT, 'tenant must keep an active owner');
END;
