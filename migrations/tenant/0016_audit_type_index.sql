-- Migration 0016 (tenant): the audit trail by resource type (reads in proportion to
-- the answer).
--
-- GET /v1/audit-logs?resource_type=... read the tenant's trail in page order until it had
-- a page of that type: about 1,900 rows for a page of 51 on bench:scale's big tenant. An
-- index of its own would be one more entry written with every audit row. Instead the
-- index by action (0013) takes the type before the action: (tenant, type, action, time).
-- A type's rows are then one range per action, and an action's one range per type, each
-- in time order; the list merges those ranges and finds them by a skip scan of the same
-- index (src/db/audit-list.ts). Entries written per audit row stay 5.
DROP INDEX idx_audit_logs_tenant_action;
CREATE INDEX idx_audit_logs_tenant_type_action
  ON audit_logs(tenant_id, resource_type, action, timestamp DESC, log_id DESC);
