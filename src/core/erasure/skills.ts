// Step 7: the tenant's private skills in the global registry (visibility
// "tenant:<id>"), a page per unit: their vectors in the skills index first, then in
// one batch their sharing events, daily metrics, embeddings, versions and the skills
// themselves (children before parents: their foreign keys). A skill of another
// visibility that was forked from one of them loses only its parent link. A skill the
// platform promoted to global is no longer the tenant's and stays; the events naming
// the tenant went with the directory step, and the k-anonymous metrics of global skills
// (counts over at least k tenants, which no longer single it out) stay.
import { privateTo } from "../skills/lifecycle";
import { vectorIndex } from "../vector/resolve";
import { count, type Erasure, type ErasureRun, type Unit } from "./context";

const PAGE = 50;
const IN_PAGE = "(SELECT value FROM json_each(?1))";

export async function erasePrivateSkills(run: ErasureRun, erasure: Erasure): Promise<Unit> {
  const db = run.env.DB;
  const visibility = privateTo(erasure.tenantId);
  run.calls.spend();
  const { results } = await db
    .prepare("SELECT skill_id FROM skills WHERE visibility = ? ORDER BY skill_id LIMIT ?")
    .bind(visibility, PAGE)
    .all<{ skill_id: string }>();
  const ids = results.map((row) => row.skill_id);
  if (ids.length === 0) return { done: true };
  run.calls.spend();
  await vectorIndex(run.env, "skills").deleteByIds(ids);
  count(erasure, "vectors", "skills", ids.length);
  const page = JSON.stringify(ids);
  run.calls.spend();
  const [, events, metrics, embeddings, versions, skills] = await db.batch([
    db.prepare(`UPDATE skills SET parent_skill_id = NULL WHERE parent_skill_id IN ${IN_PAGE}`).bind(page),
    db.prepare(`DELETE FROM sharing_events WHERE skill_id IN ${IN_PAGE}`).bind(page),
    db.prepare(`DELETE FROM skill_metrics_daily WHERE skill_id IN ${IN_PAGE}`).bind(page),
    db.prepare(`DELETE FROM skill_embeddings WHERE skill_id IN ${IN_PAGE}`).bind(page),
    db.prepare(`DELETE FROM skill_versions WHERE skill_id IN ${IN_PAGE}`).bind(page),
    db.prepare(`DELETE FROM skills WHERE skill_id IN ${IN_PAGE} AND visibility = ?2`).bind(page, visibility),
  ]);
  count(erasure, "global", "sharing_events", events?.meta.changes ?? 0);
  count(erasure, "global", "skill_metrics_daily", metrics?.meta.changes ?? 0);
  count(erasure, "global", "skill_embeddings", embeddings?.meta.changes ?? 0);
  count(erasure, "global", "skill_versions", versions?.meta.changes ?? 0);
  count(erasure, "global", "skills", skills?.meta.changes ?? 0);
  return ids.length < PAGE ? { done: true } : { done: false, cursor: null };
}
