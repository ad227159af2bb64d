// Skills (the skills table): a global table (ARCHITECTURE.md, Placement), so every function takes
// the global database. Visibility is "global" or "tenant:{id}"; a tenant sees global
// skills and its own, and another tenant's private skill is answered exactly like
// one that does not exist.

import type { ContentPlatform } from "../platforms/types";
import { GLOBAL, privateTo, type SkillStatus, type SkillTier } from "../skills/lifecycle";
import { chunk, MAX_BOUND_PARAMETERS } from "./chunk";
import { iso } from "./time";

export interface SkillRow {
  skill_id: string;
  name: string;
  task: string;
  platform: ContentPlatform;
  modality: string;
  visibility: string;
  parent_skill_id: string | null;
  status: SkillStatus;
  tier: SkillTier;
  created_at: string;
  updated_at: string;
}

/** The row with its active version's id and number (the left join may find none). */
export interface SkillWithVersion extends SkillRow {
  active_version_id: string | null;
  active_version_number: number | null;
}

export function toSkill(row: SkillWithVersion) {
  return {
    id: row.skill_id,
    name: row.name,
    task: row.task,
    platform: row.platform,
    modality: row.modality,
    visibility: row.visibility === GLOBAL ? ("global" as const) : ("private" as const),
    parent_skill_id: row.parent_skill_id,
    status: row.status,
    tier: row.tier,
    active_version: row.active_version_id
      ? { id: row.active_version_id, version_number: row.active_version_number as number }
      : null,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

const WITH_VERSION = `
  SELECT s.*, v.skill_version_id AS active_version_id, v.version_number AS active_version_number
  FROM skills s LEFT JOIN skill_versions v ON v.skill_id = s.skill_id AND v.is_active = 1`;

/** A skill the tenant may see: global, or its own. */
export function getVisibleSkill(db: D1Database, tenantId: string, skillId: string): Promise<SkillWithVersion | null> {
  return db
    .prepare(`${WITH_VERSION} WHERE s.skill_id = ? AND s.visibility IN ('global', ?)`)
    .bind(skillId, privateTo(tenantId))
    .first<SkillWithVersion>();
}

/** Any skill (the operator and the daily job). */
export function getSkill(db: D1Database, skillId: string): Promise<SkillWithVersion | null> {
  return db.prepare(`${WITH_VERSION} WHERE s.skill_id = ?`).bind(skillId).first<SkillWithVersion>();
}

export async function visibleSkillsById(
  db: D1Database,
  tenantId: string,
  ids: string[],
): Promise<Map<string, SkillWithVersion>> {
  const found = new Map<string, SkillWithVersion>();
  for (const part of chunk(ids, MAX_BOUND_PARAMETERS - 1)) {
    const { results } = await db
      .prepare(
        `${WITH_VERSION} WHERE s.visibility IN ('global', ?) AND s.skill_id IN (${part.map(() => "?").join(", ")})`,
      )
      .bind(privateTo(tenantId), ...part)
      .all<SkillWithVersion>();
    for (const row of results) found.set(row.skill_id, row);
  }
  return found;
}

export interface SkillFilters {
  task?: string;
  platform?: string;
  modality?: string;
  status?: string;
  visibility?: "global" | "private";
}

/** Global skills and the tenant's own, in id order after `afterId`. */
export async function listVisibleSkills(
  db: D1Database,
  tenantId: string,
  filters: SkillFilters,
  page: { afterId?: string; limit: number },
): Promise<{ rows: SkillWithVersion[]; hasMore: boolean }> {
  const mine = privateTo(tenantId);
  const visibility =
    filters.visibility === "global" ? [GLOBAL] : filters.visibility === "private" ? [mine] : [GLOBAL, mine];
  const { results } = await db
    .prepare(
      `${WITH_VERSION}
       WHERE s.visibility IN (?1, ?2)
         AND (?3 IS NULL OR s.skill_id > ?3)
         AND (?4 IS NULL OR s.task = ?4)
         AND (?5 IS NULL OR s.platform = ?5)
         AND (?6 IS NULL OR s.modality = ?6)
         AND (?7 IS NULL OR s.status = ?7)
       ORDER BY s.skill_id
       LIMIT ?8`,
    )
    .bind(
      visibility[0],
      visibility[1] ?? visibility[0],
      page.afterId ?? null,
      filters.task ?? null,
      filters.platform ?? null,
      filters.modality ?? null,
      filters.status ?? null,
      page.limit + 1,
    )
    .all<SkillWithVersion>();
  return { rows: results.slice(0, page.limit), hasMore: results.length > page.limit };
}

export interface NewSkill {
  skillId: string;
  name: string;
  task: string;
  platform: string;
  modality: string;
  visibility: string;
  parentSkillId: string | null;
  status: SkillStatus;
  tier: SkillTier;
  now: string;
}

export function insertSkill(db: D1Database, s: NewSkill): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO skills (skill_id, name, task, platform, modality, visibility, parent_skill_id, status, tier,
                           created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      s.skillId,
      s.name,
      s.task,
      s.platform,
      s.modality,
      s.visibility,
      s.parentSkillId,
      s.status,
      s.tier,
      s.now,
      s.now,
    );
}

/**
 * Moves a skill from `from` to `to` only if it is still in `from` (compare and set):
 * of two racing changes, the second finds nothing to change.
 */
export function moveSkill(
  db: D1Database,
  skillId: string,
  change: { from: SkillStatus; to: SkillStatus; tier: SkillTier; visibility?: string },
  now: string,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE skills SET status = ?, tier = ?, visibility = COALESCE(?, visibility), updated_at = ?
       WHERE skill_id = ? AND status = ?`,
    )
    .bind(change.to, change.tier, change.visibility ?? null, now, skillId, change.from);
}

export function renameSkill(db: D1Database, skillId: string, name: string, now: string): D1PreparedStatement {
  return db.prepare("UPDATE skills SET name = ?, updated_at = ? WHERE skill_id = ?").bind(name, now, skillId);
}
