-- Migration 0019 (tenant): the plan's count quotas (docs/billing.md, Tiers and quotas).
--
-- A batch that creates a counted row (a user, an API key, a connected social account, a
-- knowledge entry) ends with the quota's check, after the insert:
--   INSERT INTO quota_precondition (within) SELECT (<the tenant's count>) <= ?
-- D1 runs a batch as one transaction, one at a time per database, so the count it reads
-- includes every row committed before and the one just inserted: concurrent creations
-- cannot take the count past the limit. When it would, the whole batch (the row and its
-- audit row) is rolled back with this message, which the route answers as the quota's
-- problem (src/core/db/quota-counts.ts). A view with an INSTEAD OF trigger, as 0009's
-- batch_precondition: it holds no rows, and a tenant's move copies nothing of it.
--
-- The counts are kept on the tenant's residency row, by triggers on the counted tables,
-- so a check reads one row rather than every row it counts (a tenant of 2,000 knowledge
-- entries read 2,000 rows for each entry it created, and GET /v1/tenant/usage read them
-- all: test/db/bounded-reads.test.ts holds both to 2 × rows returned + 100):
--   counted_social_accounts  accounts not disconnected (status <> 'revoked')
--   counted_users            users not deleted (status <> 'deleted')
--   counted_api_keys         keys active, expired ones included: a key's expiry is a time,
--                            not a write, so the count subtracts the active keys expired
--                            by now, read from idx_api_keys_expiring (a few rows)
--   counted_knowledge_entries every entry, archived ones included
-- Every counted table's rows reference the residency row (a foreign key), so it is there
-- before the first row and goes after the last. A tenant's move needs nothing more: the
-- target's residency row is made first with counts of 0 and the copied rows' inserts
-- count themselves there, the source's deletes uncount themselves before its residency
-- row goes. A row's tenant never changes, so only its status is followed.

CREATE VIEW quota_precondition AS SELECT 1 AS within;

CREATE TRIGGER quota_precondition_check
INSTEAD OF INSERT ON quota_precondition
WHEN NEW.within IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'plan quota exceeded');
END;

ALTER TABLE tenant_residency ADD COLUMN counted_social_accounts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenant_residency ADD COLUMN counted_users INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenant_residency ADD COLUMN counted_api_keys INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenant_residency ADD COLUMN counted_knowledge_entries INTEGER NOT NULL DEFAULT 0;

-- The rows a shard already holds.
UPDATE tenant_residency SET
  counted_social_accounts = (SELECT COUNT(*) FROM social_accounts s
    WHERE s.tenant_id = tenant_residency.tenant_id AND s.status <> 'revoked'),
  counted_users = (SELECT COUNT(*) FROM users u
    WHERE u.tenant_id = tenant_residency.tenant_id AND u.status <> 'deleted'),
  counted_api_keys = (SELECT COUNT(*) FROM api_keys k
    WHERE k.tenant_id = tenant_residency.tenant_id AND k.status = 'active'),
  counted_knowledge_entries = (SELECT COUNT(*) FROM brand_knowledge_entries e
    WHERE e.tenant_id = tenant_residency.tenant_id);

-- Active keys with an expiry, by tenant and expiry: the ones expired by now are subtracted.
CREATE INDEX idx_api_keys_expiring ON api_keys(tenant_id, expires_at)
  WHERE status = 'active' AND expires_at IS NOT NULL;

CREATE TRIGGER quota_social_accounts_insert AFTER INSERT ON social_accounts
WHEN NEW.status <> 'revoked'
BEGIN
  UPDATE tenant_residency SET counted_social_accounts = counted_social_accounts + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER quota_social_accounts_delete AFTER DELETE ON social_accounts
WHEN OLD.status <> 'revoked'
BEGIN
  UPDATE tenant_residency SET counted_social_accounts = counted_social_accounts - 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE TRIGGER quota_social_accounts_status AFTER UPDATE OF status ON social_accounts
WHEN COALESCE(NEW.status <> 'revoked', 0) <> COALESCE(OLD.status <> 'revoked', 0)
BEGIN
  UPDATE tenant_residency
  SET counted_social_accounts = counted_social_accounts + COALESCE(NEW.status <> 'revoked', 0) - COALESCE(OLD.status <> 'revoked', 0)
  WHERE tenant_id = NEW.tenant_id;
END;

CREATE TRIGGER quota_users_insert AFTER INSERT ON users
WHEN NEW.status <> 'deleted'
BEGIN
  UPDATE tenant_residency SET counted_users = counted_users + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER quota_users_delete AFTER DELETE ON users
WHEN OLD.status <> 'deleted'
BEGIN
  UPDATE tenant_residency SET counted_users = counted_users - 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE TRIGGER quota_users_status AFTER UPDATE OF status ON users
WHEN COALESCE(NEW.status <> 'deleted', 0) <> COALESCE(OLD.status <> 'deleted', 0)
BEGIN
  UPDATE tenant_residency
  SET counted_users = counted_users + COALESCE(NEW.status <> 'deleted', 0) - COALESCE(OLD.status <> 'deleted', 0)
  WHERE tenant_id = NEW.tenant_id;
END;

CREATE TRIGGER quota_api_keys_insert AFTER INSERT ON api_keys
WHEN NEW.status = 'active'
BEGIN
  UPDATE tenant_residency SET counted_api_keys = counted_api_keys + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER quota_api_keys_delete AFTER DELETE ON api_keys
WHEN OLD.status = 'active'
BEGIN
  UPDATE tenant_residency SET counted_api_keys = counted_api_keys - 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE TRIGGER quota_api_keys_status AFTER UPDATE OF status ON api_keys
WHEN (NEW.status IS 'active') <> (OLD.status IS 'active')
BEGIN
  UPDATE tenant_residency
  SET counted_api_keys = counted_api_keys + (NEW.status IS 'active') - (OLD.status IS 'active')
  WHERE tenant_id = NEW.tenant_id;
END;

CREATE TRIGGER quota_knowledge_entries_insert AFTER INSERT ON brand_knowledge_entries
BEGIN
  UPDATE tenant_residency SET counted_knowledge_entries = counted_knowledge_entries + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER quota_knowledge_entries_delete AFTER DELETE ON brand_knowledge_entries
BEGIN
  UPDATE tenant_residency SET counted_knowledge_entries = counted_knowledge_entries - 1 WHERE tenant_id = OLD.tenant_id;
END;
