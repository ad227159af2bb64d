// The knowledge index (src/core/vector/indexes.ts): one vector per active entry that has an
// embedding, in its tenant's namespace and tagged with its tenant id. Searches are
// scoped by both, set by the server from the credential, and every hit is read back
// from D1 under the tenant's scope, so a stale or foreign vector can never surface.
import { type IndexedEntry, indexedEntry } from "../db/knowledge";
import type { TenantScope } from "../db/tenant-scope";
import { VECTOR_INDEXES } from "./indexes";
import { vectorIndex } from "./resolve";
import { storedVector } from "./stored-vector";

export function knowledgeIndex(env: Env): VectorizeIndex {
  return vectorIndex(env, "knowledge");
}

/** Writes an entry's vector (the entry must be active and have an embedding). */
export async function upsertKnowledgeVector(
  env: Env,
  entry: Omit<IndexedEntry, "embedding" | "status">,
  values: ArrayLike<number>,
): Promise<void> {
  await knowledgeIndex(env).upsert([
    {
      id: entry.entry_id,
      namespace: entry.tenant_id,
      values: Float32Array.from(values),
      metadata: {
        tenant_id: entry.tenant_id,
        entry_type: entry.entry_type,
        title: entry.title,
        ...(entry.category === null ? {} : { category: entry.category }),
      },
    },
  ]);
}

/**
 * Rewrites the entry's vector from D1: in the index while the entry is active and has
 * an embedding the index accepts, out of it otherwise (archived, deleted, embedding
 * removed, or a legacy embedding outside float32: see stored-vector.ts).
 */
export async function syncKnowledgeVector(env: Env, scope: TenantScope, entryId: string): Promise<void> {
  const entry = await indexedEntry(scope, entryId);
  const stored =
    entry?.status === "active" && entry.embedding !== null
      ? storedVector(VECTOR_INDEXES.knowledge, entry.embedding)
      : null;
  if (!entry || !stored?.values) {
    if (stored?.fault) console.warn(`knowledge entry ${entryId} left out of the index: ${stored.fault}`);
    await knowledgeIndex(env).deleteByIds([entryId]);
    return;
  }
  await upsertKnowledgeVector(env, entry, stored.values);
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
