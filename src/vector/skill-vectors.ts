// The skills index (seed §7.1.2): one vector per skill, id = skill id, holding the
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
  if (upserts.length > 0) {
    try {
      await index.upsert(upserts);
    } catch (error) {
      if (!(error instanceof VectorIndexError)) throw error;
      for (const vector of upserts) {
        try {
          await index.upsert([vector]);
        } catch (refused) {
          if (!(refused instanceof VectorIndexError)) throw refused;
          unindexed.push({ skill_id: vector.id, reason: refused.message });
          removals.push(vector.id);
        }
      }
    }
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
