-- Migration 0019 (tenant): the plan's count quotas (docs/billing.md, Tiers and quotas).
--
-- A batch that creates a counted row (a user, an API key, a connected social account, a
-- knowledge entry) ends with the quota's check, after the insert:
--   INSERT INTO quota_precondition (within) SELECT (SELECT COUNT(*) FROM users WHERE …) <= ?
-- D1 runs a batch as one transaction, one at a time per database, so the count it reads
-- includes every row committed before and the one just inserted: concurrent creations
-- cannot take the count past the limit. When it would, the whole batch (the row and its
-- audit row) is rolled back with this message, which the route answers as the quota's
-- problem (src/core/db/quota-counts.ts). A view with an INSTEAD OF trigger, as 0009's
-- batch_precondition: it holds no rows, and a tenant's move copies nothing of it.
CREATE VIEW quota_precondition AS SELECT 1 AS within;

CREATE TRIGGER quota_precondition_check
INSTEAD OF INSERT ON quota_precondition
WHEN NEW.within IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'plan quota exceeded');
END;
