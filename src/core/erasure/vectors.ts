// Step 4: the tenant's vectors in the indexes Vectorize (or the embedded index) keeps
// outside D1 (src/core/vector/indexes.ts): its brand voice (one vector, id = the tenant's
// id) and one vector per knowledge entry (ids from its shard, read before the shard's
// rows go, a page per unit). Its private skills' vectors go with their rows, in the
// skills step (skills.ts): the daily job rewrites the skills index from D1, so a
// vector deleted before its row could come back.
import { scopeOn } from "../db/tenant-scope";
import { deleteBrandVoice } from "../vector/brand-voice";
import { knowledgeIndex } from "../vector/knowledge-vectors";
import { count, type Erasure, type ErasureRun, type Unit } from "./context";

/** Ids per deleteByIds (Vectorize takes 1,000; a page of the shard's index reads). */
const PAGE = 200;

type Cursor = { index: "knowledge"; after: string } | null;

export async function eraseVectors(run: ErasureRun, erasure: Erasure, cursor: unknown): Promise<Unit> {
  const at = cursor as Cursor;
  if (at === null) {
    run.calls.spend();
    await deleteBrandVoice(run.env, erasure.tenantId);
    count(erasure, "vectors", "brand_voice", 1);
    return { done: false, cursor: { index: "knowledge", after: "" } };
  }
  if (!erasure.shard) return { done: true };
  const scope = scopeOn(run.env, { tenantId: erasure.tenantId, shard: erasure.shard });
  run.calls.spend();
  const { results } = await scope.db
    .prepare(
      "SELECT entry_id FROM brand_knowledge_entries WHERE tenant_id = ? AND entry_id > ? ORDER BY entry_id LIMIT ?",
    )
    .bind(erasure.tenantId, at.after, PAGE)
    .all<{ entry_id: string }>();
  const ids = results.map((row) => row.entry_id);
  if (ids.length > 0) {
    run.calls.spend();
    await knowledgeIndex(run.env).deleteByIds(ids);
    count(erasure, "vectors", "knowledge", ids.length);
  }
  return ids.length < PAGE ? { done: true } : { done: false, cursor: { index: "knowledge", after: ids.at(-1) } };
}
