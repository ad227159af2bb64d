// Skill versions (skill_versions) and their embeddings (skill_embeddings): global tables. Exactly one
// version of a skill is active: the unique partial index idx_skill_versions_active
// forbids two, and every change that activates a version deactivates the others in
// the same batch (one D1 transaction), so no batch ever leaves none or two. Statements
// that look for the active version say `is_active = TRUE`, that index's own condition,
// so SQLite can use it (with `= 1` it reads the skill's every version).
import { chunk, MAX_BOUND_PARAMETERS } from "./chunk";
import { jsonOrNull, parseJson } from "./json-column";
import { iso } from "./time";

export interface SkillVersionRow {
  skill_version_id: string;
  skill_id: string;
  prompt_fragments_json: string;
  constraints_json: string;
  toolchain_json: string;
  guards_json: string;
  version_number: number;
  version_notes: string | null;
  is_active: number;
  created_at: string;
  /** Whether the version has an embedding (joined). */
  has_embedding: number;
}

export function toSkillVersion(row: SkillVersionRow) {
  return {
    id: row.skill_version_id,
    skill_id: row.skill_id,
    version_number: row.version_number,
    prompt_fragments: parseJson<Record<string, unknown>>(row.prompt_fragments_json, {}),
    constraints: parseJson<Record<string, unknown>>(row.constraints_json, {}),
    toolchain: parseJson<Record<string, unknown>>(row.toolchain_json, {}),
    guards: parseJson<string[]>(row.guards_json, []),
    notes: row.version_notes,
    is_active: row.is_active === 1,
    has_embedding: row.has_embedding === 1,
    created_at: iso(row.created_at),
  };
}

const SELECT_VERSION = `
  SELECT v.*, EXISTS (SELECT 1 FROM skill_embeddings e WHERE e.skill_version_id = v.skill_version_id) AS has_embedding
  FROM skill_versions v`;

export interface VersionDefinition {
  promptFragments: Record<string, unknown>;
  constraints: Record<string, unknown>;
  toolchain: Record<string, unknown>;
  guards: string[];
  notes: string | null;
}

/**
 * The next version of a skill: its number is one more than the highest, computed in
 * the statement itself so that concurrent additions cannot take the same number
 * (UNIQUE (skill_id, version_number) refuses the loser). An active version is
 * preceded by the deactivation of the others.
 */
export function addVersion(
  db: D1Database,
  skillId: string,
  versionId: string,
  definition: VersionDefinition,
  active: boolean,
  now: string,
): D1PreparedStatement[] {
  const insert = db
    .prepare(
      `INSERT INTO skill_versions (skill_version_id, skill_id, prompt_fragments_json, constraints_json, toolchain_json,
                                   guards_json, version_number, version_notes, is_active, created_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, COALESCE(MAX(version_number), 0) + 1, ?7, ?8, ?9
       FROM skill_versions WHERE skill_id = ?2`,
    )
    .bind(
      versionId,
      skillId,
      JSON.stringify(definition.promptFragments),
      JSON.stringify(definition.constraints),
      JSON.stringify(definition.toolchain),
      JSON.stringify(definition.guards),
      definition.notes,
      active ? 1 : 0,
      now,
    );
  return active ? [deactivateOthers(db, skillId, versionId), insert, touchSkill(db, skillId, now)] : [insert];
}

/**
 * A new active version changes the skill (what it generates, its vector): updated_at
 * says so, and the daily job re-projects recently updated skills into the index.
 */
function touchSkill(db: D1Database, skillId: string, now: string): D1PreparedStatement {
  return db.prepare("UPDATE skills SET updated_at = ? WHERE skill_id = ?").bind(now, skillId);
}

function deactivateOthers(db: D1Database, skillId: string, versionId: string): D1PreparedStatement {
  return db
    .prepare(
      "UPDATE skill_versions SET is_active = 0 WHERE skill_id = ? AND is_active = TRUE AND skill_version_id <> ?",
    )
    .bind(skillId, versionId);
}

/**
 * Makes `versionId` the skill's active version. The deactivation only runs if the
 * version exists, so a bad id cannot leave the skill with no active version.
 */
export function activateVersion(
  db: D1Database,
  skillId: string,
  versionId: string,
  now: string,
): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE skill_versions SET is_active = 0
         WHERE skill_id = ?1 AND is_active = TRUE AND skill_version_id <> ?2
           AND EXISTS (SELECT 1 FROM skill_versions WHERE skill_id = ?1 AND skill_version_id = ?2)`,
      )
      .bind(skillId, versionId),
    db
      .prepare("UPDATE skill_versions SET is_active = 1 WHERE skill_id = ? AND skill_version_id = ? AND is_active = 0")
      .bind(skillId, versionId),
    touchSkill(db, skillId, now),
  ];
}

export function getVersion(db: D1Database, skillId: string, versionId: string): Promise<SkillVersionRow | null> {
  return db
    .prepare(`${SELECT_VERSION} WHERE v.skill_id = ? AND v.skill_version_id = ?`)
    .bind(skillId, versionId)
    .first<SkillVersionRow>();
}

export function getActiveVersion(db: D1Database, skillId: string): Promise<SkillVersionRow | null> {
  return db
    .prepare(`${SELECT_VERSION} WHERE v.skill_id = ? AND v.is_active = TRUE`)
    .bind(skillId)
    .first<SkillVersionRow>();
}

/** Versions newest first (highest number first), after `beforeNumber`. */
export async function listVersions(
  db: D1Database,
  skillId: string,
  page: { beforeNumber?: number; limit: number },
): Promise<{ rows: SkillVersionRow[]; hasMore: boolean }> {
  const { results } = await db
    .prepare(
      `${SELECT_VERSION} WHERE v.skill_id = ?1 AND (?2 IS NULL OR v.version_number < ?2)
       ORDER BY v.version_number DESC LIMIT ?3`,
    )
    .bind(skillId, page.beforeNumber ?? null, page.limit + 1)
    .all<SkillVersionRow>();
  return { rows: results.slice(0, page.limit), hasMore: results.length > page.limit };
}

export function insertEmbedding(
  db: D1Database,
  e: {
    embeddingId: string;
    skillId: string;
    versionId: string;
    vector: Uint8Array;
    tags: string[] | null;
    now: string;
  },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO skill_embeddings (embedding_id, skill_id, skill_version_id, vector, tags, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .bind(e.embeddingId, e.skillId, e.versionId, e.vector, jsonOrNull(e.tags), e.now);
}

export interface SkillEmbeddingRow {
  skill_id: string;
  skill_version_id: string;
  vector: number[];
  tags: string | null;
}

/** The latest embedding of each given skill's active version. */
export async function activeEmbeddings(db: D1Database, skillIds: string[]): Promise<Map<string, SkillEmbeddingRow>> {
  const found = new Map<string, SkillEmbeddingRow>();
  for (const part of chunk(skillIds, MAX_BOUND_PARAMETERS)) {
    const { results } = await db
      .prepare(
        `SELECT e.skill_id, e.skill_version_id, e.vector, e.tags
         FROM skill_embeddings e JOIN skill_versions v ON v.skill_version_id = e.skill_version_id AND v.is_active = 1
         WHERE e.skill_id IN (${part.map(() => "?").join(", ")})
         ORDER BY e.embedding_id`,
      )
      .bind(...part)
      .all<SkillEmbeddingRow>();
    // Ordered by id (ULID: creation order), so the latest embedding of a version wins.
    for (const row of results) found.set(row.skill_id, row);
  }
  return found;
}

/** The latest embedding recorded for a version, if any. */
export function embeddingOfVersion(db: D1Database, versionId: string): Promise<SkillEmbeddingRow | null> {
  return db
    .prepare(
      `SELECT skill_id, skill_version_id, vector, tags FROM skill_embeddings
       WHERE skill_version_id = ? ORDER BY embedding_id DESC LIMIT 1`,
    )
    .bind(versionId)
    .first<SkillEmbeddingRow>();
}
