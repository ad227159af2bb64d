// Re-projects recently changed skills into the skills index. Each change already
// rewrites its skill's vector after committing, but two racing changes may write
// them in the wrong order, or an index write may fail after D1 committed; rewriting
// every skill changed in the last days from D1 bounds how long such drift can last.
import type { SkillRow } from "../db/skills";
import { syncSkillVectors } from "../vector/skill-vectors";

const PAGE = 100;

/** Rewrites the index entry of every skill updated at or after `since`; returns how many. */
export async function resyncSkillIndex(env: Env, since: string): Promise<number> {
  let after = "";
  let count = 0;
  for (;;) {
    const { results } = await env.DB.prepare(
      "SELECT * FROM skills WHERE updated_at >= ? AND skill_id > ? ORDER BY skill_id LIMIT ?",
    )
      .bind(since, after, PAGE)
      .all<SkillRow>();
    await syncSkillVectors(env, results);
    count += results.length;
    const last = results.at(-1);
    if (!last || results.length < PAGE) return count;
    after = last.skill_id;
  }
}
