// The skills index (src/core/vector/indexes.ts): one vector per skill, id = skill id, holding the
// embedding of the skill's active version and the skill's fields as metadata. It is a
// projection of D1 (skill_embeddings and skills), rewritten from D1 after every change
// that affects it and by the daily job, so it cannot drift for long; searches read
// every hit back from D1 with the caller's visibility, so a stale vector can never show
// a skill the caller may not see.

import { activeEmbeddings } from "../db/skill-versions";
import { getSkill, type SkillRow } from "../db/skills";
import { GLOBAL, privateTo } from "../skills/lifecycle";
import { VectorIndexError } from "./errors";
import { VECTOR_INDEXES } from "./indexes";
import { vectorIndex } from "./resolve";
import { storedVector } from "./stored-vector";

function skillMetadata(skill: SkillRow) {
  return {
    skill_id: skill.skill_id,
    task: skill.task,
    platform: skill.platform,
    modality: skill.modality,
    status: skill.status,
    visibility: skill.visibility,
  };
}

/** A skill left out of the index because the index refused its vector. */
export interface Unindexed {
  skill_id: string;
  reason: string;
}

/**
 * Upserts `vectors` in one call; if the index refuses the batch, each vector alone, so
 * only the refused ones are left out. When not one vector goes in alone either, the
 * index is down rather than refusing: that error is thrown (the caller retries later).
 */
async function upsertIsolating(index: VectorizeIndex, vectors: VectorizeVector[]): Promise<Unindexed[]> {
  if (vectors.length === 0) return [];
  try {
    await index.upsert(vectors);
    return [];
  } catch (batchError) {
    const refused: Unindexed[] = [];
    let outage: unknown = null;
    for (const vector of vectors) {
      try {
        await index.upsert([vector]);
      } catch (error) {
        if (!(error instanceof VectorIndexError)) outage ??= error;
        refused.push({ skill_id: vector.id, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    if (refused.length === vectors.length && outage !== null) throw batchError;
    return refused;
  }
}

/**
 * Rewrites the vectors of these skills from D1: the active version's embedding, or
 * none. One skill's bad vector (a legacy row outside float32) never fails the others:
 * it is checked before the batch, left out of the index and reported; should the index
 * still refuse the batch, each vector is written alone and only the refused are left out.
 */
export async function syncSkillVectors(env: Env, skills: SkillRow[]): Promise<Unindexed[]> {
  if (skills.length === 0) return [];
  const embeddings = await activeEmbeddings(
    env.DB,
    skills.map((s) => s.skill_id),
  );
  const index = vectorIndex(env, "skills");
  const unindexed: Unindexed[] = [];
  const upserts: VectorizeVector[] = [];
  const removals: string[] = [];
  for (const skill of skills) {
    const embedding = embeddings.get(skill.skill_id);
    const stored = embedding ? storedVector(VECTOR_INDEXES.skills, embedding.vector) : null;
    if (stored?.values) upserts.push({ id: skill.skill_id, values: stored.values, metadata: skillMetadata(skill) });
    else removals.push(skill.skill_id);
    if (stored?.fault) unindexed.push({ skill_id: skill.skill_id, reason: stored.fault });
  }
  for (const refused of await upsertIsolating(index, upserts)) {
    unindexed.push(refused);
    removals.push(refused.skill_id);
  }
  if (removals.length > 0) await index.deleteByIds(removals);
  for (const { skill_id, reason } of unindexed) console.warn(`skill ${skill_id} left out of the index: ${reason}`);
  return unindexed;
}

export async function syncSkillVector(env: Env, skillId: string): Promise<void> {
  const skill = await getSkill(env.DB, skillId);
  if (skill) await syncSkillVectors(env, [skill]);
  else await vectorIndex(env, "skills").deleteByIds([skillId]);
}

export interface SkillSearchFilter {
  task?: string[];
  platform?: string[];
  modality?: string[];
  status?: string[];
}

/** Skills nearest to `vector` among those the tenant may see (global and its own). */
export async function searchSkillVectors(
  env: Env,
  tenantId: string,
  vector: number[],
  topK: number,
  filter: SkillSearchFilter,
): Promise<VectorizeMatch[]> {
  const clauses: VectorizeVectorMetadataFilter = { visibility: { $in: [GLOBAL, privateTo(tenantId)] } };
  for (const key of ["task", "platform", "modality", "status"] as const) {
    const values = filter[key];
    if (values) clauses[key] = { $in: values };
  }
  const { matches } = await vectorIndex(env, "skills").query(vector, { topK, filter: clauses });
  return matches;
}
