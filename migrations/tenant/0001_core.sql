-- Migration 0001: core tables (seed §2.1, §2.2, §2.3; grouped as the seed's §8.1).
--
-- Deviations from the seed, all of which only refuse rows the seed would have let in:
-- * CHECK constraints on every enumerated column (region, tier, statuses, role,
--   oauth provider) and on booleans (0 or 1), so a typo cannot become a new value.
-- * json_valid() on JSON columns; palette must be a JSON array and typography /
--   logo_rules JSON objects, as the seed's examples show.
-- * users(user_id, tenant_id) is unique so that child tables can reference a user
--   *within its tenant* (composite foreign keys): a row can never point at another
--   tenant's user, whatever the application does.
-- * brand_profiles.kms_key_id must equal its tenant's key id ("Must match
--   tenants.kms_key_id" in the seed) through a composite foreign key.
-- * Single-column TEXT primary keys are NOT NULL, here and in every later migration:
--   SQLite otherwise lets a NULL primary key in (a legacy quirk of non-INTEGER keys).
-- * D1 runs each migration in a transaction of its own, so the seed's
--   BEGIN/COMMIT are left out (D1 refuses them).

-- The shard's own record of the tenants that live in it (ARCHITECTURE.md, Placement). The
-- tenants table is the global directory's, in another database, so the tenant-owned
-- tables of a shard reference this one instead: no row of a tenant can exist in a
-- shard the tenant was never placed in. `state` fences writes: every write batch of a
-- tenant scope starts with a precondition that the tenant is 'resident' here, so a
-- tenant being moved in ('arriving') or out ('departed') takes no write in this shard.
-- kms_key_id copies the directory's (it never changes) so that brand_profiles can keep
-- its composite key.
CREATE TABLE tenant_residency (
  tenant_id TEXT PRIMARY KEY NOT NULL,
  kms_key_id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL DEFAULT 'resident' CHECK (state IN ('arriving', 'resident', 'departed')),
  changed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE (tenant_id, kms_key_id)
);

CREATE TABLE users (
  user_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  email TEXT NOT NULL CHECK (email LIKE '_%@_%'),
  -- PBKDF2-SHA256 with its parameters, not bcrypt (a slow hash in JavaScript spends the Worker's CPU); never empty.
  password_hash TEXT NOT NULL CHECK (length(password_hash) > 0),
  full_name TEXT,
  role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  oauth_provider TEXT CHECK (oauth_provider IN ('google', 'microsoft')),
  oauth_sub TEXT,
  mfa_enabled BOOLEAN DEFAULT FALSE CHECK (mfa_enabled IN (0, 1)),
  -- Encrypted with the tenant's key: MFA cannot be on without a secret.
  mfa_secret TEXT CHECK (mfa_enabled = 0 OR mfa_secret IS NOT NULL),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  last_login_at TIMESTAMP,
  status TEXT DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'deleted')),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  UNIQUE(tenant_id, email),
  CHECK ((oauth_provider IS NULL) = (oauth_sub IS NULL))
);

CREATE INDEX idx_users_tenant ON users(tenant_id);
CREATE INDEX idx_users_email ON users(email);
CREATE INDEX idx_users_oauth ON users(oauth_provider, oauth_sub) WHERE oauth_provider IS NOT NULL;
CREATE UNIQUE INDEX uq_users_user_tenant ON users(user_id, tenant_id);

CREATE TABLE brand_profiles (
  tenant_id TEXT PRIMARY KEY NOT NULL,
  -- AES-256-GCM ciphertext, never a plain vector.
  embeddings BLOB NOT NULL,
  palette JSON NOT NULL CHECK (palette IS NULL OR (json_valid(palette) AND json_type(palette) = 'array')),
  typography JSON NOT NULL CHECK (typography IS NULL OR (json_valid(typography) AND json_type(typography) = 'object')),
  logo_rules JSON NOT NULL CHECK (logo_rules IS NULL OR (json_valid(logo_rules) AND json_type(logo_rules) = 'object')),
  tone_vectors BLOB,
  lexicon JSON CHECK (lexicon IS NULL OR json_valid(lexicon)),
  messaging JSON CHECK (messaging IS NULL OR json_valid(messaging)),
  kms_key_id TEXT NOT NULL,
  encryption_version INTEGER DEFAULT 1 CHECK (encryption_version >= 1),
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  FOREIGN KEY (tenant_id, kms_key_id) REFERENCES tenant_residency(tenant_id, kms_key_id)
);

-- Redundant with the primary key, kept because the seed names it.
CREATE INDEX idx_brand_profiles_tenant ON brand_profiles(tenant_id);
