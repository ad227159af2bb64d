-- Migration 0012 (tenant): the write fence of a shard (ARCHITECTURE.md, Placement).
--
-- Every write batch of a tenant scope starts with
--   INSERT INTO residency_precondition (tenant_id) VALUES (?)
-- which aborts the whole batch unless the tenant is 'resident' in this shard
-- (tenant_residency, migration 0001). D1 serialises writes, so once a move has marked
-- a tenant as leaving, no write of it lands here any more: the copy to the new shard
-- cannot miss one. A stale directory entry is refused the same way.

CREATE VIEW residency_precondition AS SELECT NULL AS tenant_id;

CREATE TRIGGER residency_precondition_check
INSTEAD OF INSERT ON residency_precondition
WHEN NOT EXISTS (SELECT 1 FROM tenant_residency WHERE tenant_id = NEW.tenant_id AND state = 'resident')
BEGIN
  SELECT RAISE(ABORT, 'tenant is not resident in this shard');
END;
