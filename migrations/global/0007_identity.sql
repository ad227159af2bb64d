-- Migration 0007: identity and access (README, "Identity and access").
--
-- * tenants.encryption_version: the key version new ciphertexts of the tenant are
--   written with. Rotation (POST /v1/tenant/rotate-key) re-encrypts every secret and
--   bumps it; every ciphertext names its own version, so older ones stay readable.
-- * A cursor index for GET /v1/audit-logs: newest first with the log id breaking
--   ties, so pages never skip or repeat a row.

ALTER TABLE tenants ADD COLUMN encryption_version INTEGER NOT NULL DEFAULT 1 CHECK (encryption_version >= 1);
