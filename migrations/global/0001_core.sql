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

CREATE TABLE tenants (
  tenant_id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  region TEXT NOT NULL CHECK (region IN ('eu-west', 'us-east', 'ap-southeast')),
  kms_key_id TEXT NOT NULL UNIQUE,
  tier TEXT DEFAULT 'standard' CHECK (tier IN ('free', 'standard', 'enterprise')),
  settings JSON CHECK (settings IS NULL OR (json_valid(settings) AND json_type(settings) = 'object')),
  stripe_customer_id TEXT,
  subscription_status TEXT DEFAULT 'active'
    CHECK (subscription_status IN ('active', 'canceled', 'past_due')),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  status TEXT DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'deleted'))
);

CREATE INDEX idx_tenants_region ON tenants(region);
CREATE INDEX idx_tenants_status ON tenants(status);
CREATE INDEX idx_tenants_stripe ON tenants(stripe_customer_id) WHERE stripe_customer_id IS NOT NULL;
-- Lets brand_profiles(tenant_id, kms_key_id) reference the pair.
CREATE UNIQUE INDEX uq_tenants_tenant_kms ON tenants(tenant_id, kms_key_id);
