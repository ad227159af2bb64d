// Skills (the skills table): a global table (ARCHITECTURE.md, Placement), so every function takes
// the global database. Visibility is "global" or "tenant:{id}"; a tenant sees global
// skills and its own, and another tenant's private skill is answered exactly like
// one that does not exist.

import { CONTENT_PLATFORMS, type ContentPlatform } from "../platforms/types";
import { GLOBAL, privateTo, SKILL_STATUSES, type SkillStatus, type SkillTier } from "../skills/lifecycle";
import { chunk, MAX_BOUND_PARAMETERS } from "./chunk";
import { type ListColumn, orderedMerge, rangesOf } from "./ordered-merge";
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

/**
 * `is_active = TRUE` is idx_skill_versions_active's own condition, spelled as it is: SQLite
 * uses a partial index only for a query that repeats it (`= 1` read every version of the
 * skills instead, and without statistics the whole table).
 */
const WITH_VERSION = `
  SELECT s.*, v.skill_version_id AS active_version_id, v.version_number AS active_version_number
  FROM skills s LEFT JOIN skill_versions v ON v.skill_id = s.skill_id AND v.is_active = TRUE`;

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

/**
 * The visible skills among `ids`: one seek each by the skill's key. `+` keeps SQLite
 * from reading every global skill by visibility instead.
 */
export async function visibleSkillsById(
  db: D1Database,
  tenantId: string,
  ids: string[],
): Promise<Map<string, SkillWithVersion>> {
  const found = new Map<string, SkillWithVersion>();
  for (const part of chunk(ids, MAX_BOUND_PARAMETERS - 1)) {
    const { results } = await db
      .prepare(
        `${WITH_VERSION} WHERE s.skill_id IN (${part.map(() => "?").join(", ")}) AND +s.visibility IN ('global', ?)`,
      )
      .bind(...part, privateTo(tenantId))
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

/**
 * The indexes a list reads (migration 0018 of the global set): with a task, the task's
 * ranges; else every (visibility, status, platform). Status and platform are enumerated
 * (the values the skills table's CHECKs allow); a modality is checked on the rows read.
 */
const BY_TASK: readonly ListColumn[] = [
  { column: "visibility" },
  { column: "task" },
  { column: "status", values: SKILL_STATUSES },
  { column: "platform", values: CONTENT_PLATFORMS },
];
const BY_STATUS: readonly ListColumn[] = [
  { column: "visibility" },
  { column: "status", values: SKILL_STATUSES },
  { column: "platform", values: CONTENT_PLATFORMS },
];

/**
 * Global skills and the tenant's own, in id order after `afterId`: a merge of one range
 * of idx_skills_list (or idx_skills_task_list) per visibility, status and platform the
 * filters leave, each read in id order (orderedMerge); then the page's active versions
 * by their skills' keys. So a page reads about its own rows, whichever filters are
 * given, and never another tenant's private skills. The merge's SELECTs list the skills'
 * bare columns: a join or an expression there would keep SQLite from flattening its
 * groups, and each group would read all its ranges.
 */
export async function listVisibleSkills(
  db: D1Database,
  tenantId: string,
  filters: SkillFilters,
  page: { afterId?: string; limit: number },
): Promise<{ rows: SkillWithVersion[]; hasMore: boolean }> {
  const mine = privateTo(tenantId);
  const visibilities =
    filters.visibility === "global" ? [GLOBAL] : filters.visibility === "private" ? [mine] : [GLOBAL, mine];
  const columns = filters.task !== undefined ? BY_TASK : BY_STATUS;
  const given = { task: filters.task, status: filters.status, platform: filters.platform };
  const ranges = visibilities.flatMap((visibility) => rangesOf(columns, { ...given, visibility }) ?? []);
  const params: (string | number)[] = [page.limit + 1];
  const numbered = new Map<string, string>();
  const param = (value: string) => {
    let ref = numbered.get(value);
    if (!ref) {
      params.push(value);
      ref = `?${params.length}`;
      numbered.set(value, ref);
    }
    return ref;
  };
  const rest = [
    ...(page.afterId !== undefined ? [`skill_id > ${param(page.afterId)}`] : []),
    ...(filters.modality !== undefined ? [`modality = ${param(filters.modality)}`] : []),
  ];
  const selects = ranges.map(
    (range) =>
      `SELECT * FROM skills WHERE ${[
        ...columns.map(({ column }) => `${column} = ${param(range[column] as string)}`),
        ...rest,
      ].join(" AND ")}`,
  );
  const { results } = await db
    .prepare(orderedMerge(selects, "skill_id", "?1"))
    .bind(...params)
    .all<SkillRow>();
  const skills = results.slice(0, page.limit);
  const versions = await activeVersionsOf(
    db,
    skills.map((s) => s.skill_id),
  );
  const rows = skills.map((skill) => {
    const version = versions.get(skill.skill_id);
    return {
      ...skill,
      active_version_id: version?.skill_version_id ?? null,
      active_version_number: version?.version_number ?? null,
    };
  });
  return { rows, hasMore: results.length > page.limit };
}

/** The active version of each of `skillIds` (idx_skill_versions_active: one seek each; see WITH_VERSION). */
async function activeVersionsOf(
  db: D1Database,
  skillIds: string[],
): Promise<Map<string, { skill_version_id: string; version_number: number }>> {
  const found = new Map<string, { skill_version_id: string; version_number: number }>();
  for (const part of chunk(skillIds, MAX_BOUND_PARAMETERS)) {
    const { results } = await db
      .prepare(
        `SELECT skill_id, skill_version_id, version_number FROM skill_versions
         WHERE skill_id IN (${part.map(() => "?").join(", ")}) AND is_active = TRUE`,
      )
      .bind(...part)
      .all<{ skill_id: string; skill_version_id: string; version_number: number }>();
    for (const row of results) found.set(row.skill_id, row);
  }
  return found;
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
