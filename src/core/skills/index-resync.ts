// Re-projects recently changed skills into the skills index. Each change already
// rewrites its skill's vector after committing, but two racing changes may write
// them in the wrong order, or an index write may fail after D1 committed; rewriting
// every skill changed in the last days from D1 bounds how long such drift can last.
import type { SkillRow } from "../db/skills";
import { syncSkillVectors, type Unindexed } from "../vector/skill-vectors";

const PAGE = 100;

export interface ResyncReport {
  /** Skills whose index entry was rewritten from D1. */
  reindexed: number;
  /** Skills left out of the index: their stored vector is one the index refuses. */
  unindexed: Unindexed[];
}

/**
 * Rewrites the index entry of every skill updated at or after `since`. A skill whose
 * vector the index refuses is left out and reported; the others are written regardless.
 */
export async function resyncSkillIndex(env: Env, since: string): Promise<ResyncReport> {
  let after = "";
  let count = 0;
  const unindexed: Unindexed[] = [];
  for (;;) {
    // From idx_skills_updated (global migration 0018): the skills changed, sorted; `+`
    // keeps SQLite from walking the whole registry in id order instead.
    const { results } = await env.DB.prepare(
      "SELECT * FROM skills WHERE updated_at >= ? AND +skill_id > ? ORDER BY +skill_id LIMIT ?",
    )
      .bind(since, after, PAGE)
      .all<SkillRow>();
    unindexed.push(...(await syncSkillVectors(env, results)));
    count += results.length;
    const last = results.at(-1);
    if (!last || results.length < PAGE) return { reindexed: count - unindexed.length, unindexed };
    after = last.skill_id;
  }
}
