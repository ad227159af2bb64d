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
-- * Foreign keys the seed leaves out: guard_results.content_id. (The seed's keys from
--   generated_content and revision_events to skills and skill_versions are not here:
--   those tables are in the global database, and no key crosses databases; the routes
--   check the skill and version they name.)

CREATE TABLE content_templates (
  template_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  template_type TEXT NOT NULL CHECK (template_type IN ('social_post', 'ad', 'story', 'email')),
  platform TEXT NOT NULL CHECK (platform IN ('linkedin', 'twitter', 'instagram', 'facebook', 'all')),
  structure JSON NOT NULL CHECK (structure IS NULL OR (json_valid(structure) AND json_type(structure) = 'object')),
  constraints JSON CHECK (constraints IS NULL OR (json_valid(constraints) AND json_type(constraints) = 'object')),
  default_copy_blocks JSON CHECK (default_copy_blocks IS NULL OR (json_valid(default_copy_blocks) AND json_type(default_copy_blocks) = 'array')),
  use_count INTEGER DEFAULT 0 CHECK (use_count >= 0),
  last_used_at TIMESTAMP,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  status TEXT DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id)
);

CREATE INDEX idx_templates_tenant ON content_templates(tenant_id);
CREATE INDEX idx_templates_platform ON content_templates(platform, status);
CREATE INDEX idx_templates_type ON content_templates(template_type, status);
CREATE UNIQUE INDEX uq_templates_template_tenant ON content_templates(template_id, tenant_id);

CREATE TABLE post_configurations (
  config_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  platforms JSON NOT NULL CHECK (platforms IS NULL OR (json_valid(platforms) AND json_type(platforms) = 'array')),
  auto_generate_hashtags BOOLEAN DEFAULT TRUE CHECK (auto_generate_hashtags IN (0, 1)),
  max_hashtags_per_platform JSON
    CHECK (max_hashtags_per_platform IS NULL OR (json_valid(max_hashtags_per_platform) AND json_type(max_hashtags_per_platform) = 'object')),
  include_cta BOOLEAN DEFAULT TRUE CHECK (include_cta IN (0, 1)),
  cta_default TEXT,
  best_posting_times JSON
    CHECK (best_posting_times IS NULL OR (json_valid(best_posting_times) AND json_type(best_posting_times) = 'object')),
  timezone TEXT DEFAULT 'UTC',
  min_brand_voice_score REAL DEFAULT 0.80 CHECK (min_brand_voice_score BETWEEN 0 AND 1),
  require_guard_pass BOOLEAN DEFAULT TRUE CHECK (require_guard_pass IN (0, 1)),
  use_count INTEGER DEFAULT 0 CHECK (use_count >= 0),
  last_used_at TIMESTAMP,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  is_default BOOLEAN DEFAULT FALSE CHECK (is_default IN (0, 1)),
  status TEXT DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id)
);

CREATE INDEX idx_configs_tenant ON post_configurations(tenant_id);
-- UNIQUE: at most one default configuration per tenant, enforced by the database.
CREATE UNIQUE INDEX idx_configs_default ON post_configurations(tenant_id, is_default) WHERE is_default = TRUE;

CREATE TABLE generated_content (
  content_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  intent_spec JSON NOT NULL CHECK (intent_spec IS NULL OR (json_valid(intent_spec) AND json_type(intent_spec) = 'object')),
  skill_id TEXT,
  skill_version_id TEXT,
  template_id TEXT,
  content_type TEXT NOT NULL CHECK (content_type IN ('text', 'image', 'text+image', 'video')),
  text_content TEXT,
  image_url TEXT,
  video_url TEXT,
  hashtags JSON CHECK (hashtags IS NULL OR (json_valid(hashtags) AND json_type(hashtags) = 'array')),
  brand_voice_score REAL CHECK (brand_voice_score BETWEEN 0 AND 1),
  guard_pass_rate REAL CHECK (guard_pass_rate BETWEEN 0 AND 1),
  guards_passed INTEGER CHECK (guards_passed >= 0),
  guards_failed INTEGER CHECK (guards_failed >= 0),
  cost REAL CHECK (cost >= 0),
  generation_time_ms INTEGER CHECK (generation_time_ms >= 0),
  model_used TEXT,
  user_selected BOOLEAN DEFAULT FALSE CHECK (user_selected IN (0, 1)),
  user_approved BOOLEAN DEFAULT FALSE CHECK (user_approved IN (0, 1)),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  -- skill_id and skill_version_id name the global skill registry, another database
  -- (ARCHITECTURE.md, Placement): no foreign key can cross it; the routes check both.
  -- A template of the same tenant only.
  FOREIGN KEY (template_id, tenant_id) REFERENCES content_templates(template_id, tenant_id),
  CHECK (skill_version_id IS NULL OR skill_id IS NOT NULL)
);

CREATE INDEX idx_generated_content_tenant ON generated_content(tenant_id, created_at DESC);
CREATE INDEX idx_generated_content_skill ON generated_content(skill_id);
CREATE INDEX idx_generated_content_selected ON generated_content(user_selected) WHERE user_selected = TRUE;
CREATE INDEX idx_generated_content_template ON generated_content(template_id) WHERE template_id IS NOT NULL;
CREATE UNIQUE INDEX uq_generated_content_content_tenant ON generated_content(content_id, tenant_id);

CREATE TABLE revision_events (
  event_id TEXT PRIMARY KEY NOT NULL,
  request_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  content_id TEXT NOT NULL,
  skill_id TEXT,
  skill_version_id TEXT,
  classification TEXT NOT NULL CHECK (classification IN ('defect', 'preference')),
  confidence REAL CHECK (confidence BETWEEN 0 AND 1),
  labels_defect JSON CHECK (labels_defect IS NULL OR (json_valid(labels_defect) AND json_type(labels_defect) = 'array')),
  labels_preference JSON
    CHECK (labels_preference IS NULL OR (json_valid(labels_preference) AND json_type(labels_preference) = 'array')),
  user_notes TEXT,
  revision_type TEXT NOT NULL CHECK (revision_type IN ('regenerate', 'manual_edit', 'approved')),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id),
  -- Content of the same tenant only.
  FOREIGN KEY (content_id, tenant_id) REFERENCES generated_content(content_id, tenant_id)
  -- skill_id, skill_version_id: the global registry's (see generated_content).
);

CREATE INDEX idx_revision_events_skill ON revision_events(skill_id);
CREATE INDEX idx_revision_events_tenant ON revision_events(tenant_id, created_at DESC);
CREATE INDEX idx_revision_events_classification ON revision_events(classification);
CREATE INDEX idx_revision_events_content ON revision_events(content_id);

CREATE TABLE guard_results (
  result_id TEXT PRIMARY KEY NOT NULL,
  request_id TEXT NOT NULL,
  content_id TEXT NOT NULL,
  guard_id TEXT NOT NULL,
  pass BOOLEAN NOT NULL CHECK (pass IN (0, 1)),
  metrics_json JSON CHECK (metrics_json IS NULL OR (json_valid(metrics_json) AND json_type(metrics_json) = 'object')),
  auto_fixed BOOLEAN DEFAULT FALSE CHECK (auto_fixed IN (0, 1)),
  action_taken TEXT,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  -- Not in the seed: a guard result of content that does not exist is an orphan.
  FOREIGN KEY (content_id) REFERENCES generated_content(content_id)
);

CREATE INDEX idx_guard_results_request ON guard_results(request_id);
CREATE INDEX idx_guard_results_guard ON guard_results(guard_id, pass);
CREATE INDEX idx_guard_results_content ON guard_results(content_id);

CREATE TABLE brand_knowledge_entries (
  entry_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL,
  title TEXT NOT NULL CHECK (length(trim(title)) > 0),
  entry_type TEXT NOT NULL CHECK (entry_type IN ('guideline', 'example', 'faq', 'asset')),
  -- Open vocabulary: the seed lists examples ("brand_voice", "visual_identity",
  -- "messaging"), not a closed set.
  category TEXT,
  content TEXT NOT NULL,
  metadata JSON CHECK (metadata IS NULL OR (json_valid(metadata) AND json_type(metadata) = 'object')),
  embedding BLOB,
  access_count INTEGER DEFAULT 0 CHECK (access_count >= 0),
  last_accessed_at TIMESTAMP,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  status TEXT DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  FOREIGN KEY (tenant_id) REFERENCES tenant_residency(tenant_id)
);

CREATE INDEX idx_knowledge_tenant ON brand_knowledge_entries(tenant_id, status);
CREATE INDEX idx_knowledge_category ON brand_knowledge_entries(category, status);
