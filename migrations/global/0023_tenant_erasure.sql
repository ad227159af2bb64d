-- Migration 0023 (global): a tenant's erasure (docs/privacy.md, "A tenant's erasure").
--
-- * tenant_erasures: one row per tenant whose deletion was asked for. While the 30-day
--   grace runs (state 'grace') the owner may restore the tenant, which deletes the row.
--   Once the grace is over (the daily job) or the operator erases at once, the row is the
--   erasure's checkpoint ('erasing': the step reached and where within it, so a crash
--   resumes where it stopped), and when every trace is gone it stays as the record of
--   the processing ('erased'): who asked, when, what was erased and how much. It holds
--   ids, times, table names and counts, never a personal value (no name, e-mail or text;
--   a failed revocation is kept as its platform and error kind).
-- * tenant_tombstones: what the directory keeps of an erased tenant, its id and when it
--   was erased, so the id is never given to another tenant: a trigger refuses a tenants
--   row with a tombstoned id.

CREATE TABLE tenant_erasures (
  tenant_id TEXT PRIMARY KEY NOT NULL CHECK (tenant_id GLOB 'ten_*'),
  erasure_id TEXT NOT NULL UNIQUE CHECK (erasure_id GLOB 'era_*'),
  state TEXT NOT NULL CHECK (state IN ('grace', 'erasing', 'erased')),
  -- "user:<id>" (the owner's DELETE /v1/tenant), "operator" or "system" (a tenant deleted
  -- before erasure existed, given its grace by the daily job).
  requested_by TEXT NOT NULL CHECK (requested_by IN ('operator', 'system') OR requested_by GLOB 'user:?*'),
  requested_at TIMESTAMP NOT NULL,
  erase_after TIMESTAMP NOT NULL,
  -- "operator" (at once) or "grace_expiry" (the daily job).
  started_by TEXT CHECK (started_by IS NULL OR started_by IN ('operator', 'grace_expiry')),
  started_at TIMESTAMP,
  step TEXT CHECK (step IS NULL OR step IN
    ('fence', 'directory', 'revoke', 'vectors', 'shard', 'archive', 'skills', 'object', 'sweep', 'done')),
  -- Where within the step (JSON, the step's own shape); NULL at a step's start.
  cursor JSON CHECK (cursor IS NULL OR json_valid(cursor)),
  -- Where the tenant lived, copied from the directory when the erasure starts (the
  -- directory's row goes early): its region's buckets and shards are walked.
  region TEXT CHECK (region IS NULL OR region IN ('eu-west', 'us-east', 'ap-southeast')),
  shard TEXT CHECK (shard IS NULL OR shard GLOB 'SHARD_[A-Z]*_[0-9]*'),
  -- When the directory forgot the tenant: its object is erased only once every
  -- isolate's cached placement has expired (docs/privacy.md).
  directory_at TIMESTAMP,
  counts JSON NOT NULL DEFAULT '{}' CHECK (json_valid(counts) AND json_type(counts) = 'object'),
  revocations JSON NOT NULL DEFAULT '{}' CHECK (json_valid(revocations) AND json_type(revocations) = 'object'),
  erased_at TIMESTAMP,
  last_error TEXT,
  CHECK ((state = 'erasing') = (step IS NOT NULL)),
  CHECK ((state = 'erased') = (erased_at IS NOT NULL))
);
-- The daily job: graces that are over, and erasures under way.
CREATE INDEX idx_tenant_erasures_state ON tenant_erasures(state, erase_after);

CREATE TABLE tenant_tombstones (
  tenant_id TEXT PRIMARY KEY NOT NULL CHECK (tenant_id GLOB 'ten_*'),
  erased_at TIMESTAMP NOT NULL
);

CREATE TRIGGER tenants_id_not_tombstoned
BEFORE INSERT ON tenants
WHEN EXISTS (SELECT 1 FROM tenant_tombstones WHERE tenant_id = NEW.tenant_id)
BEGIN
  SELECT RAISE(ABORT, 'tenant id is tombstoned: an erased tenant''s id is never reused');
END;
