// The knowledge index (seed §7.1.3): one vector per active entry that has an
// embedding, in its tenant's namespace and tagged with its tenant id. Searches are
// scoped by both, set by the server from the credential, and every hit is read back
// from D1 under the tenant's scope, so a stale or foreign vector can never surface.
import type { KnowledgeRow } from "../db/knowledge";
import { bytesToVector } from "./codec";
import { vectorIndex } from "./resolve";

export function knowledgeIndex(env: Env): VectorizeIndex {
  return vectorIndex(env, "knowledge");
}

/** Puts the entry's vector in the index, or takes it out if the entry is archived or has no embedding. */
export async function syncKnowledgeVector(env: Env, row: KnowledgeRow): Promise<void> {
  const index = knowledgeIndex(env);
  if (row.status !== "active" || row.embedding === null) {
    await index.deleteByIds([row.entry_id]);
    return;
  }
  await index.upsert([
    {
      id: row.entry_id,
      namespace: row.tenant_id,
      values: bytesToVector(row.embedding),
      metadata: {
        tenant_id: row.tenant_id,
        entry_type: row.entry_type,
        title: row.title,
        ...(row.category === null ? {} : { category: row.category }),
      },
    },
  ]);
}

export interface KnowledgeFilter {
  entryTypes?: string[];
  categories?: string[];
}

/** Nearest entries of one tenant: the namespace and the tenant filter come from the caller's scope. */
export async function searchKnowledge(
  env: Env,
  tenantId: string,
  vector: number[],
  topK: number,
  filter: KnowledgeFilter,
): Promise<VectorizeMatch[]> {
  const { matches } = await knowledgeIndex(env).query(vector, {
    topK,
    namespace: tenantId,
    filter: {
      tenant_id: tenantId,
      ...(filter.entryTypes ? { entry_type: { $in: filter.entryTypes } } : {}),
      ...(filter.categories ? { category: { $in: filter.categories } } : {}),
    },
  });
  return matches;
}
