// Post configurations of a tenant (post_configurations), and the rule that exactly one active
// configuration is the default whenever the tenant has an active one.
//
// The unique partial index idx_configs_default keeps it to at most one, whatever runs
// concurrently. "At least one" is kept by ending every batch that changes
// configurations with ensureDefault(): if no row is the default, the oldest active one
// becomes it. D1 runs a batch as one transaction and batches one after another, so
// each batch leaves the invariant true for the next.
import { jsonOrNull, parseJson } from "./json-column";
import type { TenantTable } from "./tenant-rows";
import type { TenantScope } from "./tenant-scope";
import { iso, isoOrNull } from "./time";

export const CONFIG_STATUSES = ["active", "archived"] as const;

export const POST_CONFIGURATIONS: TenantTable = {
  table: "post_configurations",
  idColumn: "config_id",
  patchable: [
    "name",
    "platforms",
    "auto_generate_hashtags",
    "max_hashtags_per_platform",
    "include_cta",
    "cta_default",
    "best_posting_times",
    "timezone",
    "min_brand_voice_score",
    "require_guard_pass",
    "status",
  ],
};

export interface PostConfigurationRow {
  config_id: string;
  tenant_id: string;
  name: string;
  platforms: string;
  auto_generate_hashtags: number;
  max_hashtags_per_platform: string | null;
  include_cta: number;
  cta_default: string | null;
  best_posting_times: string | null;
  timezone: string;
  min_brand_voice_score: number;
  require_guard_pass: number;
  use_count: number;
  last_used_at: string | null;
  created_at: string;
  updated_at: string;
  is_default: number;
  status: string;
}

export function toPostConfiguration(row: PostConfigurationRow) {
  return {
    id: row.config_id,
    name: row.name,
    platforms: parseJson<string[]>(row.platforms, []),
    auto_generate_hashtags: row.auto_generate_hashtags === 1,
    max_hashtags_per_platform: parseJson<Record<string, number> | null>(row.max_hashtags_per_platform, null),
    include_cta: row.include_cta === 1,
    cta_default: row.cta_default,
    best_posting_times: parseJson<Record<string, string[]> | null>(row.best_posting_times, null),
    timezone: row.timezone,
    min_brand_voice_score: row.min_brand_voice_score,
    require_guard_pass: row.require_guard_pass === 1,
    is_default: row.is_default === 1,
    status: row.status,
    use_count: row.use_count,
    last_used_at: isoOrNull(row.last_used_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export interface PostConfigurationFields {
  name: string;
  platforms: string[];
  auto_generate_hashtags: boolean;
  max_hashtags_per_platform: Record<string, number> | null;
  include_cta: boolean;
  cta_default: string | null;
  best_posting_times: Record<string, string[]> | null;
  timezone: string;
  min_brand_voice_score: number;
  require_guard_pass: boolean;
}

/** Column values of (some of) the fields, as stored. */
export function configurationColumns(fields: Partial<PostConfigurationFields> & { status?: string }) {
  const bool = (v: boolean | undefined) => (v === undefined ? undefined : v ? 1 : 0);
  const json = (v: unknown) => (v === undefined ? undefined : jsonOrNull(v));
  return {
    name: fields.name,
    platforms: json(fields.platforms),
    auto_generate_hashtags: bool(fields.auto_generate_hashtags),
    max_hashtags_per_platform: json(fields.max_hashtags_per_platform),
    include_cta: bool(fields.include_cta),
    cta_default: fields.cta_default,
    best_posting_times: json(fields.best_posting_times),
    timezone: fields.timezone,
    min_brand_voice_score: fields.min_brand_voice_score,
    require_guard_pass: bool(fields.require_guard_pass),
    status: fields.status,
  };
}

/** A new active, non-default configuration (ensureDefault or makeDefault follow it). */
export function insertConfiguration(
  scope: TenantScope,
  configId: string,
  fields: PostConfigurationFields,
  now: string,
): D1PreparedStatement {
  const v = configurationColumns(fields);
  return scope.db
    .prepare(
      `INSERT INTO post_configurations (config_id, tenant_id, name, platforms, auto_generate_hashtags,
         max_hashtags_per_platform, include_cta, cta_default, best_posting_times, timezone, min_brand_voice_score,
         require_guard_pass, use_count, is_default, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 'active', ?, ?)`,
    )
    .bind(
      configId,
      scope.tenantId,
      v.name as string,
      v.platforms as string,
      v.auto_generate_hashtags as number,
      v.max_hashtags_per_platform ?? null,
      v.include_cta as number,
      v.cta_default ?? null,
      v.best_posting_times ?? null,
      v.timezone as string,
      v.min_brand_voice_score as number,
      v.require_guard_pass as number,
      now,
      now,
    );
}

/**
 * Makes `configId` the default if it is active: first every other row stops being the
 * default (a single UPDATE flipping two rows could trip the unique index midway),
 * then the row becomes it. Both statements check the row is active, so asking for an
 * archived one changes nothing.
 */
export function makeDefault(scope: TenantScope, configId: string, now: string): D1PreparedStatement[] {
  return [
    scope.db
      .prepare(
        `UPDATE post_configurations SET is_default = 0, updated_at = ?3
         WHERE tenant_id = ?1 AND is_default = 1 AND config_id <> ?2
           AND EXISTS (SELECT 1 FROM post_configurations WHERE tenant_id = ?1 AND config_id = ?2 AND status = 'active')`,
      )
      .bind(scope.tenantId, configId, now),
    scope.db
      .prepare(
        `UPDATE post_configurations SET is_default = 1, updated_at = ?3
         WHERE tenant_id = ?1 AND config_id = ?2 AND status = 'active' AND is_default = 0`,
      )
      .bind(scope.tenantId, configId, now),
  ];
}

/** An archived configuration is never the default. */
export function archiveConfiguration(scope: TenantScope, configId: string, now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE post_configurations SET status = 'archived', is_default = 0, updated_at = ?
       WHERE tenant_id = ? AND config_id = ?`,
    )
    .bind(now, scope.tenantId, configId);
}

/** If no configuration is the default, the oldest active one becomes it. Ends every batch. */
export function ensureDefault(scope: TenantScope, now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE post_configurations SET is_default = 1, updated_at = ?2
       WHERE tenant_id = ?1 AND config_id = (
           SELECT config_id FROM post_configurations WHERE tenant_id = ?1 AND status = 'active'
           ORDER BY config_id LIMIT 1)
         AND NOT EXISTS (SELECT 1 FROM post_configurations WHERE tenant_id = ?1 AND is_default = 1)`,
    )
    .bind(scope.tenantId, now);
}

/** Counts one use by generated content (in the batch that records the content). */
export function recordConfigurationUse(scope: TenantScope, configId: string, now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      "UPDATE post_configurations SET use_count = use_count + 1, last_used_at = ? WHERE tenant_id = ? AND config_id = ?",
    )
    .bind(now, scope.tenantId, configId);
}

/**
 * The configuration a post is published under: `configId` (whatever its status: the
 * caller decides what an archived one means), or the tenant's active default when null.
 * Null when there is none (or the id is another tenant's).
 */
export function configurationForPost(
  scope: TenantScope,
  configId: string | null,
): Promise<PostConfigurationRow | null> {
  const statement =
    configId === null
      ? scope.db
          .prepare("SELECT * FROM post_configurations WHERE tenant_id = ? AND is_default = 1 AND status = 'active'")
          .bind(scope.tenantId)
      : scope.db
          .prepare("SELECT * FROM post_configurations WHERE tenant_id = ? AND config_id = ?")
          .bind(scope.tenantId, configId);
  return statement.first<PostConfigurationRow>();
}

/** One post made under a configuration: counted once, when D1 first records the post. */
export interface ConfigurationUse {
  postId: string;
  configId: string;
  /** When it was used (ISO 8601). */
  at: string;
}

/**
 * Counts posts made under configurations: use_count goes up by one for each post D1
 * does not have yet (so it must run in the batch before the statement that records
 * the posts), and last_used_at moves to the latest use. An increment in D1's one
 * writer, so concurrent batches lose none, and a batch written again counts nothing
 * twice (ARCHITECTURE.md, Idempotent flushes). ISO 8601 sorts as time does.
 */
export function countConfigurationUses(scope: TenantScope, uses: readonly ConfigurationUse[]): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE post_configurations
       SET use_count = use_count + used.n,
           last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < used.at THEN used.at ELSE last_used_at END
       FROM (
         SELECT json_extract(value, '$.configId') AS config_id, COUNT(*) AS n, MAX(json_extract(value, '$.at')) AS at
         FROM json_each(?1)
         WHERE NOT EXISTS (
           SELECT 1 FROM publish_requests p
           WHERE p.tenant_id = ?2 AND p.request_id = json_extract(value, '$.postId'))
         GROUP BY 1) AS used
       WHERE post_configurations.tenant_id = ?2 AND post_configurations.config_id = used.config_id`,
    )
    .bind(JSON.stringify(uses), scope.tenantId);
}
