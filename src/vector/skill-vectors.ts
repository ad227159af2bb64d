// The skills index (seed §7.1.2): one vector per skill, id = skill id, holding the
// embedding of the skill's active version and the skill's fields as metadata. It is a
// projection of D1 (skill_embeddings and skills), rewritten from D1 after every change
// that affects it and by the daily job, so it cannot drift for long; searches read
// every hit back from D1 with the caller's visibility, so a stale vector can never show
// a skill the caller may not see.

import { activeEmbeddings } from "../db/skill-versions";
import { getSkill, type SkillRow } from "../db/skills";
import { GLOBAL, privateTo } from "../skills/lifecycle";
import { bytesToVector } from "./codec";
import { vectorIndex } from "./resolve";

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

/** Rewrites the vectors of these skills from D1: the active version's embedding, or none. */
export async function syncSkillVectors(env: Env, skills: SkillRow[]): Promise<void> {
  if (skills.length === 0) return;
  const embeddings = await activeEmbeddings(
    env.DB,
    skills.map((s) => s.skill_id),
  );
  const index = vectorIndex(env, "skills");
  const upserts = skills.flatMap((skill) => {
    const embedding = embeddings.get(skill.skill_id);
    return embedding
      ? [{ id: skill.skill_id, values: bytesToVector(embedding.vector), metadata: skillMetadata(skill) }]
      : [];
  });
  const removals = skills.filter((s) => !embeddings.has(s.skill_id)).map((s) => s.skill_id);
  if (upserts.length > 0) await index.upsert(upserts);
  if (removals.length > 0) await index.deleteByIds(removals);
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
