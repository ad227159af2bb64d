// Transcribed from the approved Stage J schema ("the seed"; its section numbers below):
// every table, column, default, NOT NULL, foreign key and unique constraint of its table
// definitions (§2 to §6), and every index of those sections and of its composite indexes
// (§10.1), plus its covering index (§10.2.3) in SQLite's form: SQLite has no INCLUDE, so
// the included columns join the key (migrations/tenant/0006_composite_indexes.sql).
// Migration 0013 (D1 at scale) drops some of those indexes and changes one; they stay
// transcribed here, and SEED_INDEXES_DROPPED and SCALE_INDEXES say what the shards hold.
// Types and defaults are spelled exactly as the seed spells them.
// This is data, not derived from the migrations: the tests compare it to the migrated D1.
// Since the data placement (migrations/README.md) the seed's tables are split over two
// kinds of database: the global one and every regional shard. Where each table belongs,
// and how the seed's foreign keys read in a shard, is stated at the end of this file.

export interface ExpectedColumn {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  primaryKey: boolean;
}

export interface ExpectedTable {
  columns: ExpectedColumn[];
  foreignKeys: { from: string; table: string; to: string }[];
  unique: string[][];
}

export interface ExpectedIndex {
  name: string;
  table: string;
  columns: string[];
  where: string | null;
}

export const SEED_TABLES: Record<string, ExpectedTable> = {
  tenants: {
    columns: [
      { name: "tenant_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "name", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "region", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "kms_key_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "tier", type: "TEXT", notNull: false, default: "'standard'", primaryKey: false },
      { name: "settings", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "stripe_customer_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "subscription_status", type: "TEXT", notNull: false, default: "'active'", primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "updated_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "status", type: "TEXT", notNull: false, default: "'active'", primaryKey: false },
    ],
    foreignKeys: [],
    unique: [],
  },
  users: {
    columns: [
      { name: "user_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "email", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "password_hash", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "full_name", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "role", type: "TEXT", notNull: true, default: "'member'", primaryKey: false },
      { name: "oauth_provider", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "oauth_sub", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "mfa_enabled", type: "BOOLEAN", notNull: false, default: "FALSE", primaryKey: false },
      { name: "mfa_secret", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "updated_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "last_login_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
      { name: "status", type: "TEXT", notNull: false, default: "'active'", primaryKey: false },
    ],
    foreignKeys: [{ from: "tenant_id", table: "tenants", to: "tenant_id" }],
    unique: [["tenant_id", "email"]],
  },
  brand_profiles: {
    columns: [
      { name: "tenant_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "embeddings", type: "BLOB", notNull: true, default: null, primaryKey: false },
      { name: "palette", type: "JSON", notNull: true, default: null, primaryKey: false },
      { name: "typography", type: "JSON", notNull: true, default: null, primaryKey: false },
      { name: "logo_rules", type: "JSON", notNull: true, default: null, primaryKey: false },
      { name: "tone_vectors", type: "BLOB", notNull: false, default: null, primaryKey: false },
      { name: "lexicon", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "messaging", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "kms_key_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "encryption_version", type: "INTEGER", notNull: false, default: "1", primaryKey: false },
      { name: "updated_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [{ from: "tenant_id", table: "tenants", to: "tenant_id" }],
    unique: [],
  },
  content_templates: {
    columns: [
      { name: "template_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "name", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "template_type", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "platform", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "structure", type: "JSON", notNull: true, default: null, primaryKey: false },
      { name: "constraints", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "default_copy_blocks", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "use_count", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "last_used_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "updated_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "status", type: "TEXT", notNull: false, default: "'active'", primaryKey: false },
    ],
    foreignKeys: [{ from: "tenant_id", table: "tenants", to: "tenant_id" }],
    unique: [],
  },
  skills: {
    columns: [
      { name: "skill_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "name", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "task", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "platform", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "modality", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "visibility", type: "TEXT", notNull: false, default: "'global'", primaryKey: false },
      { name: "parent_skill_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "status", type: "TEXT", notNull: false, default: "'active'", primaryKey: false },
      { name: "tier", type: "TEXT", notNull: false, default: "'standard'", primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "updated_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [{ from: "parent_skill_id", table: "skills", to: "skill_id" }],
    unique: [],
  },
  skill_versions: {
    columns: [
      { name: "skill_version_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "skill_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "prompt_fragments_json", type: "JSON", notNull: true, default: null, primaryKey: false },
      { name: "constraints_json", type: "JSON", notNull: true, default: null, primaryKey: false },
      { name: "toolchain_json", type: "JSON", notNull: true, default: null, primaryKey: false },
      { name: "guards_json", type: "JSON", notNull: true, default: null, primaryKey: false },
      { name: "version_number", type: "INTEGER", notNull: true, default: null, primaryKey: false },
      { name: "version_notes", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "is_active", type: "BOOLEAN", notNull: false, default: "TRUE", primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [{ from: "skill_id", table: "skills", to: "skill_id" }],
    unique: [],
  },
  skill_embeddings: {
    columns: [
      { name: "embedding_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "skill_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "skill_version_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "vector", type: "BLOB", notNull: true, default: null, primaryKey: false },
      { name: "tags", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [
      { from: "skill_id", table: "skills", to: "skill_id" },
      { from: "skill_version_id", table: "skill_versions", to: "skill_version_id" },
    ],
    unique: [],
  },
  skill_metrics_daily: {
    columns: [
      { name: "date", type: "DATE", notNull: true, default: null, primaryKey: true },
      { name: "skill_id", type: "TEXT", notNull: true, default: null, primaryKey: true },
      { name: "skill_version_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "context_hash", type: "TEXT", notNull: true, default: null, primaryKey: true },
      { name: "uses", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "pass_rate", type: "REAL", notNull: false, default: "0.0", primaryKey: false },
      { name: "defect_rate", type: "REAL", notNull: false, default: "0.0", primaryKey: false },
      { name: "selection_rate", type: "REAL", notNull: false, default: "0.0", primaryKey: false },
      { name: "approval_rate", type: "REAL", notNull: false, default: "0.0", primaryKey: false },
      { name: "cost_avg", type: "REAL", notNull: false, default: "0.0", primaryKey: false },
      { name: "latency_p50", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "latency_p95", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "unique_tenants", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
    ],
    foreignKeys: [{ from: "skill_id", table: "skills", to: "skill_id" }],
    unique: [],
  },
  post_configurations: {
    columns: [
      { name: "config_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "name", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "platforms", type: "JSON", notNull: true, default: null, primaryKey: false },
      { name: "auto_generate_hashtags", type: "BOOLEAN", notNull: false, default: "TRUE", primaryKey: false },
      { name: "max_hashtags_per_platform", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "include_cta", type: "BOOLEAN", notNull: false, default: "TRUE", primaryKey: false },
      { name: "cta_default", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "best_posting_times", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "timezone", type: "TEXT", notNull: false, default: "'UTC'", primaryKey: false },
      { name: "min_brand_voice_score", type: "REAL", notNull: false, default: "0.80", primaryKey: false },
      { name: "require_guard_pass", type: "BOOLEAN", notNull: false, default: "TRUE", primaryKey: false },
      { name: "use_count", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "last_used_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "updated_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "is_default", type: "BOOLEAN", notNull: false, default: "FALSE", primaryKey: false },
      { name: "status", type: "TEXT", notNull: false, default: "'active'", primaryKey: false },
    ],
    foreignKeys: [{ from: "tenant_id", table: "tenants", to: "tenant_id" }],
    unique: [],
  },
  generated_content: {
    columns: [
      { name: "content_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "intent_spec", type: "JSON", notNull: true, default: null, primaryKey: false },
      { name: "skill_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "skill_version_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "template_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "content_type", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "text_content", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "image_url", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "video_url", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "hashtags", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "brand_voice_score", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "guard_pass_rate", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "guards_passed", type: "INTEGER", notNull: false, default: null, primaryKey: false },
      { name: "guards_failed", type: "INTEGER", notNull: false, default: null, primaryKey: false },
      { name: "cost", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "generation_time_ms", type: "INTEGER", notNull: false, default: null, primaryKey: false },
      { name: "model_used", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "user_selected", type: "BOOLEAN", notNull: false, default: "FALSE", primaryKey: false },
      { name: "user_approved", type: "BOOLEAN", notNull: false, default: "FALSE", primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [
      { from: "tenant_id", table: "tenants", to: "tenant_id" },
      { from: "skill_id", table: "skills", to: "skill_id" },
      { from: "template_id", table: "content_templates", to: "template_id" },
    ],
    unique: [],
  },
  revision_events: {
    columns: [
      { name: "event_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "request_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "content_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "skill_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "skill_version_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "classification", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "confidence", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "labels_defect", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "labels_preference", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "user_notes", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "revision_type", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [
      { from: "tenant_id", table: "tenants", to: "tenant_id" },
      { from: "content_id", table: "generated_content", to: "content_id" },
      { from: "skill_id", table: "skills", to: "skill_id" },
    ],
    unique: [],
  },
  guard_results: {
    columns: [
      { name: "result_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "request_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "content_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "guard_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "pass", type: "BOOLEAN", notNull: true, default: null, primaryKey: false },
      { name: "metrics_json", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "auto_fixed", type: "BOOLEAN", notNull: false, default: "FALSE", primaryKey: false },
      { name: "action_taken", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [],
    unique: [],
  },
  brand_knowledge_entries: {
    columns: [
      { name: "entry_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "title", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "entry_type", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "category", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "content", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "metadata", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "embedding", type: "BLOB", notNull: false, default: null, primaryKey: false },
      { name: "access_count", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "last_accessed_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "updated_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "status", type: "TEXT", notNull: false, default: "'active'", primaryKey: false },
    ],
    foreignKeys: [{ from: "tenant_id", table: "tenants", to: "tenant_id" }],
    unique: [],
  },
  social_accounts: {
    columns: [
      { name: "account_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "platform", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "platform_user_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "account_name", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "account_handle", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "access_token_encrypted", type: "BLOB", notNull: true, default: null, primaryKey: false },
      { name: "refresh_token_encrypted", type: "BLOB", notNull: false, default: null, primaryKey: false },
      { name: "expires_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
      { name: "refresh_token_expires_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
      { name: "scopes", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "status", type: "TEXT", notNull: false, default: "'active'", primaryKey: false },
      { name: "last_used_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
      { name: "last_refresh_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
      { name: "error_count", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "last_error", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "updated_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [{ from: "tenant_id", table: "tenants", to: "tenant_id" }],
    unique: [["tenant_id", "platform", "platform_user_id"]],
  },
  published_posts: {
    columns: [
      { name: "post_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "content_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "platform", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "account_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "platform_post_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "platform_post_url", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "text", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "image_url", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "video_url", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "hashtags", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "published_at", type: "TIMESTAMP", notNull: true, default: null, primaryKey: false },
      { name: "published_by", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "scheduled_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
      { name: "generation_metadata", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "campaign_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "utm_params", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "status", type: "TEXT", notNull: false, default: "'published'", primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "updated_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [
      { from: "tenant_id", table: "tenants", to: "tenant_id" },
      { from: "content_id", table: "generated_content", to: "content_id" },
      { from: "account_id", table: "social_accounts", to: "account_id" },
    ],
    unique: [],
  },
  rate_limits: {
    columns: [
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: true },
      { name: "platform", type: "TEXT", notNull: true, default: null, primaryKey: true },
      { name: "window_start", type: "TIMESTAMP", notNull: true, default: null, primaryKey: true },
      { name: "request_count", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
    ],
    foreignKeys: [],
    unique: [],
  },
  post_analytics: {
    columns: [
      { name: "analytics_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "post_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "platform", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "likes", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "comments", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "shares", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "saves", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "clicks", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "bookmarks", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "impressions", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "reach", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "unique_impressions", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "video_views", type: "INTEGER", notNull: false, default: null, primaryKey: false },
      { name: "video_avg_watch_time", type: "INTEGER", notNull: false, default: null, primaryKey: false },
      { name: "video_complete_views", type: "INTEGER", notNull: false, default: null, primaryKey: false },
      { name: "engagement_rate", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "viral_coefficient", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "engagement_velocity_1h", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "engagement_velocity_24h", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "engagement_velocity_7d", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "performance_score", type: "INTEGER", notNull: false, default: null, primaryKey: false },
      { name: "performance_score_breakdown", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "is_anomaly", type: "BOOLEAN", notNull: false, default: "FALSE", primaryKey: false },
      { name: "anomaly_type", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "z_score", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "synced_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "sync_count", type: "INTEGER", notNull: false, default: "1", primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "updated_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [
      { from: "post_id", table: "published_posts", to: "post_id" },
      { from: "tenant_id", table: "tenants", to: "tenant_id" },
    ],
    unique: [],
  },
  performance_benchmarks: {
    columns: [
      { name: "benchmark_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "platform", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "avg_engagement_rate", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "median_engagement_rate", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "p90_engagement_rate", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "avg_reach", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "p90_reach", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "avg_share_rate", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "p90_share_rate", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "total_posts", type: "INTEGER", notNull: false, default: null, primaryKey: false },
      { name: "calculated_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [{ from: "tenant_id", table: "tenants", to: "tenant_id" }],
    unique: [["tenant_id", "platform"]],
  },
  ab_tests: {
    columns: [
      { name: "test_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "test_name", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "test_type", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "variant_a_post_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "variant_b_post_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "variant_c_post_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "winner", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "p_value", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "confidence_level", type: "INTEGER", notNull: false, default: null, primaryKey: false },
      { name: "uplift", type: "REAL", notNull: false, default: null, primaryKey: false },
      { name: "status", type: "TEXT", notNull: false, default: "'running'", primaryKey: false },
      { name: "started_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "completed_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
    ],
    foreignKeys: [
      { from: "tenant_id", table: "tenants", to: "tenant_id" },
      { from: "variant_a_post_id", table: "published_posts", to: "post_id" },
      { from: "variant_b_post_id", table: "published_posts", to: "post_id" },
    ],
    unique: [],
  },
  conversions: {
    columns: [
      { name: "conversion_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "post_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "user_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "session_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "conversion_type", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "value", type: "REAL", notNull: false, default: "0", primaryKey: false },
      { name: "utm_source", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "utm_medium", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "utm_campaign", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "utm_content", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "utm_term", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "attribution_model", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "attribution_weight", type: "REAL", notNull: false, default: "1.0", primaryKey: false },
      { name: "tracked_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [
      { from: "post_id", table: "published_posts", to: "post_id" },
      { from: "tenant_id", table: "tenants", to: "tenant_id" },
    ],
    unique: [],
  },
  analytics_sync_errors: {
    columns: [
      { name: "error_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "post_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "platform", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "error_message", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "error_type", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "error_stack", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "retry_count", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "resolved_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
    ],
    foreignKeys: [{ from: "post_id", table: "published_posts", to: "post_id" }],
    unique: [],
  },
  api_keys: {
    columns: [
      { name: "key_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "user_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "key_prefix", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "key_hash", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "scopes", type: "JSON", notNull: true, default: null, primaryKey: false },
      { name: "rate_limit_per_hour", type: "INTEGER", notNull: false, default: "1000", primaryKey: false },
      { name: "last_used_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
      { name: "use_count", type: "INTEGER", notNull: false, default: "0", primaryKey: false },
      { name: "created_at", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
      { name: "expires_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
      { name: "status", type: "TEXT", notNull: false, default: "'active'", primaryKey: false },
    ],
    foreignKeys: [
      { from: "tenant_id", table: "tenants", to: "tenant_id" },
      { from: "user_id", table: "users", to: "user_id" },
    ],
    unique: [["key_prefix"]],
  },
  audit_logs: {
    columns: [
      { name: "log_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "tenant_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "user_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "action", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "resource_type", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "resource_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "ip_address", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "user_agent", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "request_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "metadata", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "success", type: "BOOLEAN", notNull: false, default: "TRUE", primaryKey: false },
      { name: "error_message", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "timestamp", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [],
    unique: [],
  },
  sharing_events: {
    columns: [
      { name: "event_id", type: "TEXT", notNull: false, default: null, primaryKey: true },
      { name: "action", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "actor", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "tenant_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
      { name: "skill_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "reason", type: "TEXT", notNull: true, default: null, primaryKey: false },
      { name: "metadata", type: "JSON", notNull: false, default: null, primaryKey: false },
      { name: "timestamp", type: "TIMESTAMP", notNull: false, default: "CURRENT_TIMESTAMP", primaryKey: false },
    ],
    foreignKeys: [{ from: "skill_id", table: "skills", to: "skill_id" }],
    unique: [],
  },
};

// Columns as the seed lists them, with DESC where the seed sorts descending.
export const SEED_INDEXES: ExpectedIndex[] = [
  { name: "idx_tenants_region", table: "tenants", columns: ["region"], where: null },
  { name: "idx_tenants_status", table: "tenants", columns: ["status"], where: null },
  {
    name: "idx_tenants_stripe",
    table: "tenants",
    columns: ["stripe_customer_id"],
    where: "stripe_customer_id IS NOT NULL",
  },
  { name: "idx_users_tenant", table: "users", columns: ["tenant_id"], where: null },
  { name: "idx_users_email", table: "users", columns: ["email"], where: null },
  {
    name: "idx_users_oauth",
    table: "users",
    columns: ["oauth_provider", "oauth_sub"],
    where: "oauth_provider IS NOT NULL",
  },
  { name: "idx_brand_profiles_tenant", table: "brand_profiles", columns: ["tenant_id"], where: null },
  { name: "idx_templates_tenant", table: "content_templates", columns: ["tenant_id"], where: null },
  { name: "idx_templates_platform", table: "content_templates", columns: ["platform", "status"], where: null },
  { name: "idx_templates_type", table: "content_templates", columns: ["template_type", "status"], where: null },
  {
    name: "idx_skills_task_platform",
    table: "skills",
    columns: ["task", "platform", "modality", "status"],
    where: null,
  },
  { name: "idx_skills_status", table: "skills", columns: ["status"], where: null },
  { name: "idx_skills_visibility", table: "skills", columns: ["visibility"], where: null },
  { name: "idx_skills_tier", table: "skills", columns: ["tier"], where: null },
  {
    name: "idx_skill_versions_skill",
    table: "skill_versions",
    columns: ["skill_id", "version_number DESC"],
    where: null,
  },
  {
    name: "idx_skill_versions_active",
    table: "skill_versions",
    columns: ["skill_id", "is_active"],
    where: "is_active = TRUE",
  },
  { name: "idx_skill_embeddings_skill", table: "skill_embeddings", columns: ["skill_id"], where: null },
  { name: "idx_metrics_skill_date", table: "skill_metrics_daily", columns: ["skill_id", "date DESC"], where: null },
  { name: "idx_metrics_context", table: "skill_metrics_daily", columns: ["context_hash", "date DESC"], where: null },
  { name: "idx_configs_tenant", table: "post_configurations", columns: ["tenant_id"], where: null },
  {
    name: "idx_configs_default",
    table: "post_configurations",
    columns: ["tenant_id", "is_default"],
    where: "is_default = TRUE",
  },
  {
    name: "idx_generated_content_tenant",
    table: "generated_content",
    columns: ["tenant_id", "created_at DESC"],
    where: null,
  },
  { name: "idx_generated_content_skill", table: "generated_content", columns: ["skill_id"], where: null },
  {
    name: "idx_generated_content_selected",
    table: "generated_content",
    columns: ["user_selected"],
    where: "user_selected = TRUE",
  },
  { name: "idx_revision_events_skill", table: "revision_events", columns: ["skill_id"], where: null },
  {
    name: "idx_revision_events_tenant",
    table: "revision_events",
    columns: ["tenant_id", "created_at DESC"],
    where: null,
  },
  { name: "idx_revision_events_classification", table: "revision_events", columns: ["classification"], where: null },
  { name: "idx_guard_results_request", table: "guard_results", columns: ["request_id"], where: null },
  { name: "idx_guard_results_guard", table: "guard_results", columns: ["guard_id", "pass"], where: null },
  { name: "idx_guard_results_content", table: "guard_results", columns: ["content_id"], where: null },
  { name: "idx_knowledge_tenant", table: "brand_knowledge_entries", columns: ["tenant_id", "status"], where: null },
  { name: "idx_knowledge_category", table: "brand_knowledge_entries", columns: ["category", "status"], where: null },
  { name: "idx_social_accounts_tenant", table: "social_accounts", columns: ["tenant_id"], where: null },
  { name: "idx_social_accounts_platform", table: "social_accounts", columns: ["platform", "status"], where: null },
  {
    name: "idx_social_accounts_expires",
    table: "social_accounts",
    columns: ["expires_at"],
    where: "status = 'active'",
  },
  {
    name: "idx_published_posts_tenant",
    table: "published_posts",
    columns: ["tenant_id", "published_at DESC"],
    where: null,
  },
  {
    name: "idx_published_posts_platform",
    table: "published_posts",
    columns: ["platform", "published_at DESC"],
    where: null,
  },
  {
    name: "idx_published_posts_campaign",
    table: "published_posts",
    columns: ["campaign_id"],
    where: "campaign_id IS NOT NULL",
  },
  { name: "idx_published_posts_content", table: "published_posts", columns: ["content_id"], where: null },
  { name: "idx_rate_limits_window", table: "rate_limits", columns: ["window_start"], where: null },
  { name: "idx_post_analytics_post", table: "post_analytics", columns: ["post_id"], where: null },
  { name: "idx_post_analytics_tenant", table: "post_analytics", columns: ["tenant_id", "synced_at DESC"], where: null },
  {
    name: "idx_post_analytics_platform",
    table: "post_analytics",
    columns: ["platform", "synced_at DESC"],
    where: null,
  },
  { name: "idx_post_analytics_anomaly", table: "post_analytics", columns: ["is_anomaly"], where: "is_anomaly = TRUE" },
  { name: "idx_benchmarks_tenant", table: "performance_benchmarks", columns: ["tenant_id"], where: null },
  { name: "idx_ab_tests_tenant", table: "ab_tests", columns: ["tenant_id", "status"], where: null },
  { name: "idx_ab_tests_status", table: "ab_tests", columns: ["status"], where: null },
  { name: "idx_conversions_post", table: "conversions", columns: ["post_id"], where: null },
  { name: "idx_conversions_tenant", table: "conversions", columns: ["tenant_id", "tracked_at DESC"], where: null },
  { name: "idx_conversions_type", table: "conversions", columns: ["conversion_type"], where: null },
  { name: "idx_conversions_utm", table: "conversions", columns: ["utm_campaign"], where: "utm_campaign IS NOT NULL" },
  { name: "idx_analytics_errors_post", table: "analytics_sync_errors", columns: ["post_id"], where: null },
  { name: "idx_analytics_errors_created", table: "analytics_sync_errors", columns: ["created_at DESC"], where: null },
  {
    name: "idx_analytics_errors_unresolved",
    table: "analytics_sync_errors",
    columns: ["resolved_at"],
    where: "resolved_at IS NULL",
  },
  { name: "idx_api_keys_tenant", table: "api_keys", columns: ["tenant_id"], where: null },
  { name: "idx_api_keys_user", table: "api_keys", columns: ["user_id"], where: null },
  { name: "idx_api_keys_prefix", table: "api_keys", columns: ["key_prefix"], where: null },
  { name: "idx_api_keys_status", table: "api_keys", columns: ["status"], where: null },
  { name: "idx_audit_logs_tenant", table: "audit_logs", columns: ["tenant_id", "timestamp DESC"], where: null },
  { name: "idx_audit_logs_user", table: "audit_logs", columns: ["user_id", "timestamp DESC"], where: null },
  { name: "idx_audit_logs_action", table: "audit_logs", columns: ["action", "timestamp DESC"], where: null },
  { name: "idx_audit_logs_resource", table: "audit_logs", columns: ["resource_type", "resource_id"], where: null },
  { name: "idx_sharing_events_skill", table: "sharing_events", columns: ["skill_id", "timestamp DESC"], where: null },
  { name: "idx_sharing_events_action", table: "sharing_events", columns: ["action", "timestamp DESC"], where: null },
];

// §10.1's composite indexes, then §10.2.3's covering index with INCLUDE folded into the key.
export const SEED_COMPOSITE_INDEXES: ExpectedIndex[] = [
  { name: "idx_users_tenant_status", table: "users", columns: ["tenant_id", "status"], where: null },
  {
    name: "idx_posts_tenant_platform_date",
    table: "published_posts",
    columns: ["tenant_id", "platform", "published_at DESC"],
    where: null,
  },
  {
    name: "idx_analytics_tenant_platform_synced",
    table: "post_analytics",
    columns: ["tenant_id", "platform", "synced_at DESC"],
    where: null,
  },
  {
    name: "idx_conversions_campaign_date",
    table: "conversions",
    columns: ["utm_campaign", "tracked_at DESC"],
    where: "utm_campaign IS NOT NULL",
  },
  {
    name: "idx_posts_covering",
    table: "published_posts",
    columns: ["tenant_id", "platform", "published_at DESC", "post_id", "text", "image_url"],
    where: null,
  },
];

// Beyond the seed: columns and indexes added by later migrations for behaviour the
// seed does not describe. Each names the migration that adds it.
export const BEYOND_SEED_COLUMNS: { table: string; migration: string; column: ExpectedColumn }[] = [
  {
    table: "api_keys",
    migration: "0011_key_lineage",
    column: { name: "parent_key_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
  },
  {
    table: "tenants",
    migration: "0012_placement",
    column: { name: "shard", type: "TEXT", notNull: false, default: null, primaryKey: false },
  },
  // Why a held post was not sent (tenant_suspended, tenant_deleted, author_removed; since
  // 0020_subscription_holds also subscription_canceled and subscription_past_due).
  {
    table: "publish_requests",
    migration: "0017_held_posts",
    column: { name: "held_reason", type: "TEXT", notNull: false, default: null, primaryKey: false },
  },
  // 0020_billing (global): a past_due spell's first failed payment, and the newest Stripe event applied.
  {
    table: "tenants",
    migration: "0020_billing",
    column: { name: "past_due_since", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
  },
  {
    table: "tenants",
    migration: "0020_billing",
    column: { name: "billing_event_created", type: "INTEGER", notNull: false, default: null, primaryKey: false },
  },
  // A sync error's tenant, always its post's: (post_id, tenant_id) is its foreign key to
  // published_posts (the table is rebuilt with it, the seed's columns unchanged).
  {
    table: "analytics_sync_errors",
    migration: "0018_bounded_reads",
    column: { name: "tenant_id", type: "TEXT", notNull: true, default: null, primaryKey: false },
  },
  // 0027_post_checks (tenant): an unknown outcome's reconciliation, and a scheduled post's risk.
  {
    table: "publish_requests",
    migration: "0027_post_checks",
    column: { name: "reconciliation", type: "JSON", notNull: false, default: null, primaryKey: false },
  },
  {
    table: "publish_requests",
    migration: "0027_post_checks",
    column: { name: "at_risk", type: "JSON", notNull: false, default: null, primaryKey: false },
  },
  // 0028_approvals (tenant): an agent's key and a key whose posts wait; a post's approval;
  // a post's versions in revision_events.
  {
    table: "api_keys",
    migration: "0028_approvals",
    column: { name: "kind", type: "TEXT", notNull: true, default: "'standard'", primaryKey: false },
  },
  {
    table: "api_keys",
    migration: "0028_approvals",
    column: { name: "requires_approval", type: "BOOLEAN", notNull: true, default: "FALSE", primaryKey: false },
  },
  {
    table: "publish_requests",
    migration: "0028_approvals",
    column: { name: "approval_reason", type: "TEXT", notNull: false, default: null, primaryKey: false },
  },
  {
    table: "publish_requests",
    migration: "0028_approvals",
    column: { name: "drafted_by_key", type: "TEXT", notNull: false, default: null, primaryKey: false },
  },
  {
    table: "publish_requests",
    migration: "0028_approvals",
    column: { name: "decided_by", type: "TEXT", notNull: false, default: null, primaryKey: false },
  },
  {
    table: "publish_requests",
    migration: "0028_approvals",
    column: { name: "decided_at", type: "TIMESTAMP", notNull: false, default: null, primaryKey: false },
  },
  {
    table: "publish_requests",
    migration: "0028_approvals",
    column: { name: "rejection_reason", type: "TEXT", notNull: false, default: null, primaryKey: false },
  },
  {
    table: "revision_events",
    migration: "0028_approvals",
    column: { name: "post_id", type: "TEXT", notNull: false, default: null, primaryKey: false },
  },
  {
    table: "revision_events",
    migration: "0028_approvals",
    column: { name: "edited_by", type: "TEXT", notNull: false, default: null, primaryKey: false },
  },
  {
    table: "revision_events",
    migration: "0028_approvals",
    column: { name: "snapshot", type: "JSON", notNull: false, default: null, primaryKey: false },
  },
  {
    table: "revision_events",
    migration: "0028_approvals",
    column: { name: "changed", type: "JSON", notNull: false, default: null, primaryKey: false },
  },
];

/**
 * Seed columns a later migration lets be NULL, for rows the seed does not describe (the
 * seed's own rows keep them by a CHECK): revision_events keeps a post's versions since
 * 0028_approvals, and a post need not publish generated content, and only an edit is
 * classified.
 */
export const SEED_NOT_NULL_RELAXED: { table: string; column: string; migration: string }[] = [
  { table: "revision_events", column: "content_id", migration: "0028_approvals" },
  { table: "revision_events", column: "classification", migration: "0028_approvals" },
];

export const BEYOND_SEED_INDEXES: ExpectedIndex[] = [
  { name: "idx_api_keys_parent", table: "api_keys", columns: ["parent_key_id"], where: "parent_key_id IS NOT NULL" },
  { name: "idx_tenants_region_shard", table: "tenants", columns: ["region", "shard"], where: null },
  { name: "idx_key_prefixes_tenant", table: "key_prefixes", columns: ["tenant_id"], where: null },
  // 0027_post_checks (tenant): the scheduled posts at risk (GET /v1/posts?at_risk=true).
  {
    name: "idx_publish_requests_at_risk",
    table: "publish_requests",
    columns: ["tenant_id", "request_id DESC"],
    where: "at_risk IS NOT NULL AND status = 'scheduled'",
  },
  // 0028_approvals (tenant): a post's versions, oldest first (GET /v1/posts/{id}/revisions).
  {
    name: "idx_revision_events_post",
    table: "revision_events",
    columns: ["tenant_id", "post_id", "event_id"],
    where: "post_id IS NOT NULL",
  },
  {
    name: "idx_operator_audit_logs_time",
    table: "operator_audit_logs",
    columns: ["timestamp DESC", "log_id DESC"],
    where: null,
  },
  // 0020_billing (global): what became of a tenant's Stripe events, newest first.
  {
    name: "idx_stripe_events_tenant",
    table: "stripe_events",
    columns: ["tenant_id", "created DESC"],
    where: "tenant_id IS NOT NULL",
  },
  // 0020_billing (global): a customer's events, deleted with its tenant's erasure.
  {
    name: "idx_stripe_events_customer",
    table: "stripe_events",
    columns: ["customer_id"],
    where: "customer_id IS NOT NULL",
  },
  // 0026_webhooks (tenant): endpoints by tenant (the deliveries' composite foreign key's
  // target), each endpoint's log newest first, one row per attempt, and retention's scans.
  {
    name: "idx_webhook_endpoints_tenant",
    table: "webhook_endpoints",
    columns: ["tenant_id", "endpoint_id"],
    where: null,
  },
  {
    name: "idx_webhook_events_tenant_time",
    table: "webhook_events",
    columns: ["tenant_id", "created_at"],
    where: null,
  },
  {
    name: "idx_webhook_deliveries_endpoint",
    table: "webhook_deliveries",
    columns: ["tenant_id", "endpoint_id", "delivery_id DESC"],
    where: null,
  },
  {
    name: "idx_webhook_deliveries_attempt",
    table: "webhook_deliveries",
    columns: ["tenant_id", "endpoint_id", "event_id", "attempt"],
    where: null,
  },
  {
    name: "idx_webhook_deliveries_tenant_time",
    table: "webhook_deliveries",
    columns: ["tenant_id", "created_at"],
    where: null,
  },
  // 0019_plan_quotas (tenant): the active keys with an expiry, those expired by now
  // subtracted from the API keys' count (src/core/db/quota-counts.ts).
  {
    name: "idx_api_keys_expiring",
    table: "api_keys",
    columns: ["tenant_id", "expires_at"],
    where: "status = 'active' AND expires_at IS NOT NULL",
  },
  // 0023_tenant_erasure (global): the daily job's graces that are over and erasures under way.
  { name: "idx_tenant_erasures_state", table: "tenant_erasures", columns: ["state", "erase_after"], where: null },
  // 0014_retention (tenant): deleting a content candidate checks publish_requests' foreign key.
  {
    name: "idx_publish_requests_content",
    table: "publish_requests",
    columns: ["content_id", "tenant_id"],
    where: "content_id IS NOT NULL",
  },
  // Targets of the composite foreign keys (a child row names its tenant with its parent),
  // and each table's own lookups, as their migrations (named) make them.
  // 0001_core
  { name: "uq_tenants_tenant_kms", table: "tenants", columns: ["tenant_id", "kms_key_id"], where: null },
  { name: "uq_users_user_tenant", table: "users", columns: ["user_id", "tenant_id"], where: null },
  // 0002_content_generation
  { name: "idx_skills_parent", table: "skills", columns: ["parent_skill_id"], where: "parent_skill_id IS NOT NULL" },
  {
    name: "uq_skill_versions_version_skill",
    table: "skill_versions",
    columns: ["skill_version_id", "skill_id"],
    where: null,
  },
  { name: "idx_skill_embeddings_version", table: "skill_embeddings", columns: ["skill_version_id"], where: null },
  {
    name: "uq_templates_template_tenant",
    table: "content_templates",
    columns: ["template_id", "tenant_id"],
    where: null,
  },
  {
    name: "uq_generated_content_content_tenant",
    table: "generated_content",
    columns: ["content_id", "tenant_id"],
    where: null,
  },
  {
    name: "idx_generated_content_template",
    table: "generated_content",
    columns: ["template_id"],
    where: "template_id IS NOT NULL",
  },
  { name: "idx_revision_events_content", table: "revision_events", columns: ["content_id"], where: null },
  // 0003_publishing
  {
    name: "uq_social_accounts_account_tenant",
    table: "social_accounts",
    columns: ["account_id", "tenant_id"],
    where: null,
  },
  { name: "uq_published_posts_post_tenant", table: "published_posts", columns: ["post_id", "tenant_id"], where: null },
  // 0007_identity (remade WITHOUT ROWID's way by 0015): the audit trail's pages
  {
    name: "idx_audit_logs_tenant_cursor",
    table: "audit_logs",
    columns: ["tenant_id", "timestamp DESC", "log_id DESC"],
    where: null,
  },
  // 0009_content_skills
  {
    name: "idx_generated_content_created",
    table: "generated_content",
    columns: ["created_at", "content_id"],
    where: "skill_id IS NOT NULL",
  },
  {
    name: "idx_knowledge_tenant_entry",
    table: "brand_knowledge_entries",
    columns: ["tenant_id", "entry_id"],
    where: null,
  },
  // 0010_reports
  { name: "idx_ab_tests_tenant_test", table: "ab_tests", columns: ["tenant_id", "test_id"], where: null },
  {
    name: "uq_conversions_conversion_tenant",
    table: "conversions",
    columns: ["conversion_id", "tenant_id"],
    where: null,
  },
  {
    name: "uq_conversions_idempotency",
    table: "conversions",
    columns: ["tenant_id", "idempotency_key"],
    where: "idempotency_key IS NOT NULL",
  },
  { name: "idx_conversions_tenant_id", table: "conversions", columns: ["tenant_id", "conversion_id"], where: null },
  {
    name: "idx_conversions_session",
    table: "conversions",
    columns: ["tenant_id", "session_id", "conversion_type", "tracked_at"],
    where: "session_id IS NOT NULL",
  },
  {
    name: "idx_conversion_attributions_post",
    table: "conversion_attributions",
    columns: ["post_id", "model"],
    where: null,
  },
];

// Beyond the seed: migration 0013 (D1 at scale). Every index was checked against
// every statement of the Worker; the migration says why each of these exists.
export const SCALE_INDEXES: ExpectedIndex[] = [
  {
    name: "idx_published_posts_content",
    table: "published_posts",
    columns: ["content_id"],
    where: "content_id IS NOT NULL",
  },
  {
    name: "idx_post_analytics_viral",
    table: "post_analytics",
    columns: ["tenant_id", "<expression>", "viral_coefficient DESC", "post_id"],
    where: "viral_coefficient >= 1.0",
  },
  {
    name: "idx_publish_requests_account_list",
    table: "publish_requests",
    columns: ["tenant_id", "account_id", "request_id DESC"],
    where: null,
  },
  {
    // Made by 0013 as (tenant_id, status, request_id DESC); 0018 puts the account before the id.
    name: "idx_publish_requests_unpublished",
    table: "publish_requests",
    columns: ["tenant_id", "status", "account_id", "request_id DESC"],
    where: "status <> 'published'",
  },
  {
    // Made by 0013 as (tenant_id, action, …); 0016 puts the type before the action.
    name: "idx_audit_logs_tenant_type_action",
    table: "audit_logs",
    columns: ["tenant_id", "resource_type", "action", "timestamp DESC", "log_id DESC"],
    where: null,
  },
  {
    name: "idx_audit_logs_failures",
    table: "audit_logs",
    columns: ["tenant_id", "timestamp DESC", "log_id DESC"],
    where: "success = 0",
  },
  {
    name: "idx_conversions_tenant_type",
    table: "conversions",
    columns: ["tenant_id", "conversion_type", "conversion_id DESC"],
    where: null,
  },
  {
    name: "idx_generated_content_request",
    table: "generated_content",
    columns: ["tenant_id", "request_id", "created_at DESC", "content_id DESC"],
    where: "request_id IS NOT NULL",
  },
  {
    name: "idx_generated_content_tenant_selected",
    table: "generated_content",
    columns: ["tenant_id", "created_at DESC", "content_id DESC"],
    where: "user_selected = 1",
  },
  {
    name: "idx_generated_content_tenant_approved",
    table: "generated_content",
    columns: ["tenant_id", "created_at DESC", "content_id DESC"],
    where: "user_approved = 1",
  },
];

// Beyond the seed: migration 0018 (bounded reads), in the shards and the global database.
// Every statement of src/core/db reads about what it answers with or without the planner's
// statistics (test/db/bounded-reads.test.ts); the migration says which needs which.
export const BOUNDED_READ_INDEXES: ExpectedIndex[] = [
  {
    name: "idx_analytics_errors_tenant_resolved",
    table: "analytics_sync_errors",
    columns: ["tenant_id", "resolved_at"],
    where: "resolved_at IS NOT NULL",
  },
  {
    name: "idx_audit_logs_user_cursor",
    table: "audit_logs",
    columns: ["user_id", "timestamp DESC", "log_id DESC"],
    where: null,
  },
  {
    name: "idx_audit_logs_failures_type_action",
    table: "audit_logs",
    columns: ["tenant_id", "resource_type", "action", "timestamp DESC", "log_id DESC"],
    where: "success = 0",
  },
  {
    name: "idx_generated_content_tenant_type",
    table: "generated_content",
    columns: ["tenant_id", "content_type", "created_at DESC", "content_id DESC"],
    where: null,
  },
  {
    name: "idx_generated_content_unselected",
    table: "generated_content",
    columns: ["tenant_id", "created_at"],
    where: "COALESCE(user_selected, 0) = 0",
  },
  {
    name: "idx_generated_content_skill_type",
    table: "generated_content",
    columns: ["tenant_id", "skill_id", "content_type", "created_at DESC", "content_id DESC"],
    where: "skill_id IS NOT NULL",
  },
  {
    name: "idx_post_analytics_viral_platform",
    table: "post_analytics",
    columns: ["tenant_id", "platform", "<expression>", "viral_coefficient DESC", "post_id"],
    where: "viral_coefficient >= 1.0",
  },
  {
    name: "idx_ab_tests_tenant_status",
    table: "ab_tests",
    columns: ["tenant_id", "status", "test_id DESC"],
    where: null,
  },
  {
    name: "idx_templates_list",
    table: "content_templates",
    columns: ["tenant_id", "status", "template_type", "platform", "template_id"],
    where: null,
  },
  {
    name: "idx_knowledge_list",
    table: "brand_knowledge_entries",
    columns: ["tenant_id", "status", "entry_type", "entry_id"],
    where: null,
  },
  {
    name: "idx_knowledge_category_list",
    table: "brand_knowledge_entries",
    columns: ["tenant_id", "category", "status", "entry_type", "entry_id"],
    where: null,
  },
  { name: "idx_skills_list", table: "skills", columns: ["visibility", "status", "platform", "skill_id"], where: null },
  {
    name: "idx_skills_task_list",
    table: "skills",
    columns: ["visibility", "task", "status", "platform", "skill_id"],
    where: null,
  },
  { name: "idx_skills_updated", table: "skills", columns: ["updated_at"], where: null },
  {
    name: "idx_sharing_events_action_id",
    table: "sharing_events",
    columns: ["action", "event_id DESC"],
    where: null,
  },
];

/**
 * The seed's indexes migration 0018 drops: each is replaced by one of BOUNDED_READ_INDEXES
 * that holds the same rows in the order their statements read them (or spanned every
 * tenant, which no statement asks for).
 */
export const BOUNDED_READS_DROPPED: { name: string; table: string }[] = [
  { name: "idx_audit_logs_user", table: "audit_logs" },
  { name: "idx_ab_tests_tenant", table: "ab_tests" },
  { name: "idx_templates_tenant", table: "content_templates" },
  { name: "idx_templates_platform", table: "content_templates" },
  { name: "idx_templates_type", table: "content_templates" },
  { name: "idx_knowledge_tenant", table: "brand_knowledge_entries" },
  { name: "idx_knowledge_category", table: "brand_knowledge_entries" },
  { name: "idx_skills_visibility", table: "skills" },
  { name: "idx_skills_task_platform", table: "skills" },
  { name: "idx_sharing_events_action", table: "sharing_events" },
];

/**
 * The seed's indexes migration 0013 drops, each because no statement uses it or another
 * index serves its statements for fewer rows written (the migration says which).
 * idx_published_posts_content is made again with a condition (SCALE_INDEXES).
 */
export const SEED_INDEXES_DROPPED: { name: string; table: string }[] = [
  { name: "idx_posts_covering", table: "published_posts" },
  { name: "idx_published_posts_tenant", table: "published_posts" },
  { name: "idx_published_posts_platform", table: "published_posts" },
  { name: "idx_published_posts_campaign", table: "published_posts" },
  { name: "idx_post_analytics_tenant", table: "post_analytics" },
  { name: "idx_post_analytics_platform", table: "post_analytics" },
  { name: "idx_analytics_tenant_platform_synced", table: "post_analytics" },
  { name: "idx_audit_logs_tenant", table: "audit_logs" },
  { name: "idx_audit_logs_action", table: "audit_logs" },
  { name: "idx_conversions_type", table: "conversions" },
  { name: "idx_conversions_tenant", table: "conversions" },
  { name: "idx_conversions_utm", table: "conversions" },
  { name: "idx_conversions_campaign_date", table: "conversions" },
  { name: "idx_generated_content_selected", table: "generated_content" },
];

/**
 * Indexes of later migrations that a later one drops in every shard: 0008's, dropped by
 * 0013; 0009's (tenant, skill, time), remade by 0018 with the content type before the
 * time (idx_generated_content_skill_type).
 */
export const BEYOND_SEED_INDEXES_DROPPED = [
  "idx_publish_requests_tenant",
  "idx_publish_requests_tenant_status",
  "idx_publish_requests_account",
  "idx_publish_requests_idempotency",
  "idx_generated_content_tenant_skill",
];

/** Where a table lives: the global database (binding DB) or every regional shard. */
export type Database = "global" | "shard";

export interface BeyondSeedTable {
  name: string;
  type: "table" | "view";
  database: Database;
  migration: string;
  columns: string[];
}

// Beyond the seed: the publishing record and attribution's tables, and the data
// placement's (migrations/README.md).
export const BEYOND_SEED_TABLES: BeyondSeedTable[] = [
  {
    name: "publish_requests",
    type: "table",
    database: "shard",
    migration: "0008_publishing (tenant)",
    columns: [
      "request_id",
      "tenant_id",
      "account_id",
      "platform",
      "status",
      "idempotency_key",
      "text",
      "image_url",
      "video_url",
      "hashtags",
      "scheduled_at",
      "campaign_id",
      "utm_params",
      "content_id",
      "requested_by",
      "platform_post_id",
      "platform_post_url",
      "published_at",
      "error_type",
      "error_message",
      "created_at",
      "updated_at",
      "held_reason",
      // 0027_post_checks
      "reconciliation",
      "at_risk",
      // 0028_approvals
      "approval_reason",
      "drafted_by_key",
      "decided_by",
      "decided_at",
      "rejection_reason",
    ],
  },
  {
    name: "conversion_attributions",
    type: "table",
    database: "shard",
    migration: "0010_reports (tenant)",
    columns: ["conversion_id", "tenant_id", "model", "touch_id", "post_id", "touched_at", "position", "weight"],
  },
  {
    name: "tenant_residency",
    type: "table",
    database: "shard",
    // The counted_* columns: 0019_plan_quotas (tenant), the plan's count quotas kept by triggers.
    migration: "0001_core (tenant)",
    columns: [
      "tenant_id",
      "kms_key_id",
      "state",
      "changed_at",
      "counted_social_accounts",
      "counted_users",
      "counted_api_keys",
      "counted_knowledge_entries",
    ],
  },
  {
    name: "residency_precondition",
    type: "view",
    database: "shard",
    migration: "0012_placement (tenant)",
    columns: ["tenant_id"],
  },
  {
    name: "key_prefixes",
    type: "table",
    database: "global",
    migration: "0012_placement (global)",
    columns: ["key_prefix", "tenant_id", "created_at"],
  },
  {
    name: "shard_settings",
    type: "table",
    database: "global",
    migration: "0012_placement (global)",
    columns: ["shard", "accepts_new_tenants", "updated_at"],
  },
  {
    name: "stripe_events",
    type: "table",
    database: "global",
    migration: "0020_billing (global)",
    columns: ["event_id", "type", "created", "customer_id", "tenant_id", "outcome", "detail", "received_at"],
  },
  {
    name: "tenant_erasures",
    type: "table",
    database: "global",
    migration: "0023_tenant_erasure (global)",
    columns: [
      "tenant_id",
      "erasure_id",
      "state",
      "requested_by",
      "requested_at",
      "erase_after",
      "started_by",
      "started_at",
      "step",
      "cursor",
      "region",
      "shard",
      "directory_at",
      "counts",
      "revocations",
      "erased_at",
      "last_error",
    ],
  },
  {
    name: "webhook_endpoints",
    type: "table",
    database: "shard",
    migration: "0026_webhooks (tenant)",
    columns: [
      "endpoint_id",
      "tenant_id",
      "url",
      "description",
      "events",
      "enabled",
      "disabled_reason",
      "disabled_at",
      "failing_since",
      "secret_encrypted",
      "previous_secret_encrypted",
      "previous_secret_expires_at",
      "created_by",
      "created_at",
      "updated_at",
    ],
  },
  {
    name: "webhook_events",
    type: "table",
    database: "shard",
    migration: "0026_webhooks (tenant)",
    columns: ["event_id", "tenant_id", "type", "post_id", "body", "created_at"],
  },
  {
    name: "webhook_deliveries",
    type: "table",
    database: "shard",
    migration: "0026_webhooks (tenant)",
    columns: [
      "delivery_id",
      "tenant_id",
      "endpoint_id",
      "event_id",
      "event_type",
      "attempt",
      "try_number",
      "origin",
      "status",
      "response_status",
      "latency_ms",
      "error",
      "attempted_at",
      "next_retry_at",
      "created_at",
    ],
  },
  {
    name: "person_erasures",
    type: "table",
    database: "shard",
    migration: "0031_person_erasures (tenant)",
    columns: [
      "tenant_id",
      "user_id",
      "pseudonym",
      "email_encrypted",
      "name_encrypted",
      "erased_at",
      "pass",
      "after_key",
      "confirm_after",
      "days_read",
      "days_rewritten",
      "rows_rewritten",
      "updated_at",
    ],
  },
  {
    name: "oauth_clients",
    type: "table",
    database: "global",
    migration: "0030_oauth_clients (global)",
    columns: [
      "client_id",
      "client_name",
      "redirect_uris",
      "token_endpoint_auth_method",
      "client_secret_hash",
      "grant_types",
      "created_at",
    ],
  },
  {
    name: "tenant_tombstones",
    type: "table",
    database: "global",
    migration: "0023_tenant_erasure (global)",
    columns: ["tenant_id", "erased_at"],
  },
  {
    name: "operator_audit_logs",
    type: "table",
    database: "global",
    migration: "0012_placement (global)",
    columns: [
      "log_id",
      "actor",
      "action",
      "resource_type",
      "resource_id",
      "ip_address",
      "user_agent",
      "request_id",
      "metadata",
      "success",
      "error_message",
      "timestamp",
    ],
  },
];

// The seed's tables the global database keeps: the directory and the shared skill
// registry. Every other seed table is owned by a tenant and lives in every shard.
export const GLOBAL_SEED_TABLES = [
  "tenants",
  "skills",
  "skill_versions",
  "skill_embeddings",
  "skill_metrics_daily",
  "sharing_events",
];

/** Every table the global database holds, and none other: the seed's global ones and the directory's. */
export const GLOBAL_TABLES = [
  ...GLOBAL_SEED_TABLES,
  ...BEYOND_SEED_TABLES.filter((t) => t.database === "global" && t.type === "table").map((t) => t.name),
];

export function databaseOf(table: string): Database {
  return GLOBAL_TABLES.includes(table) ? "global" : "shard";
}

export const TENANT_SEED_TABLES = Object.keys(SEED_TABLES).filter((table) => databaseOf(table) === "shard");

// The foreign keys the seed gives tenant-owned tables into the global database, and the
// ones the migrations add (from tenant rows to skill versions). SQLite checks a foreign
// key within one database only: a shard cannot reference the global registry, so these
// are absent from every shard, and the application checks the skill and the version
// when it writes the row (getVisibleSkill / getVersion). A registry row a tenant row
// names is never deleted: skills are retired, not removed.
export const CROSS_DATABASE_FOREIGN_KEYS: { table: string; key: ExpectedTable["foreignKeys"][number] }[] = [
  { table: "generated_content", key: { from: "skill_id", table: "skills", to: "skill_id" } },
  { table: "generated_content", key: { from: "skill_version_id", table: "skill_versions", to: "skill_version_id" } },
  { table: "revision_events", key: { from: "skill_id", table: "skills", to: "skill_id" } },
  { table: "revision_events", key: { from: "skill_version_id", table: "skill_versions", to: "skill_version_id" } },
];

/**
 * The seed's foreign keys of `table` as they read in its database: in a shard, a key to
 * the global `tenants` is to the shard's own `tenant_residency` (the tenants resident
 * there), and keys into the global registry are absent (above).
 */
export function foreignKeysInPlace(table: string): ExpectedTable["foreignKeys"] {
  const seed = SEED_TABLES[table]?.foreignKeys ?? [];
  if (databaseOf(table) === "global") return seed;
  return seed
    .filter((fk) => databaseOf(fk.table) === "shard" || fk.table === "tenants")
    .map((fk) => (fk.table === "tenants" ? { ...fk, table: "tenant_residency" } : fk));
}
