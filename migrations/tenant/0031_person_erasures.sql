-- Migration 0031 (tenant): a person's erasure reaching the audit days already archived
-- to R2 (docs/privacy.md, "A person's erasure").
--
-- person_erasures: one row per erased person whose archived audit days are still being
-- rewritten by their TenantObject (objects/privacy/archive-erasure.ts). It is written in
-- the erasure's own D1 batch, so the job exists exactly when the erasure happened. The
-- person's e-mail and name are kept only here, only until the job ends (the row is then
-- deleted), and encrypted with the tenant's key (src/core/crypto/secret-columns.ts),
-- "enc1:<base64>" like an MFA secret. pass 1 reads every archived day; pass 2, once
-- confirm_after has passed, reads them again for a day a retention run wrote from rows
-- it had read before the erasure. after_key is the checkpoint: the last object done
-- (its key under audit/<tenant_id>/), NULL at the start of a pass.
CREATE TABLE person_erasures (
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  pseudonym TEXT NOT NULL,
  email_encrypted TEXT NOT NULL,
  name_encrypted TEXT,
  erased_at TIMESTAMP NOT NULL,
  pass INTEGER NOT NULL DEFAULT 1 CHECK (pass IN (1, 2)),
  after_key TEXT,
  confirm_after TIMESTAMP NOT NULL,
  days_read INTEGER NOT NULL DEFAULT 0,
  days_rewritten INTEGER NOT NULL DEFAULT 0,
  rows_rewritten INTEGER NOT NULL DEFAULT 0,
  updated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (tenant_id, user_id),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id)
);
