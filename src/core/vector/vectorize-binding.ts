// The VectorizeIndex backed by a Vectorize binding. `[[vectorize]]` bindings are
// Vectorize's current API, whose mutations are asynchronous: they answer a mutation
// id, and the vectors become queryable seconds later. The seam keeps the synchronous
// shape of VectorizeIndex (the ids accepted), so callers read D1, not the index, for
// anything that must be current (docs/content-and-skills.md: D1 is the truth).
import type { VectorIndexSpec } from "./indexes";
import { checkIds, checkValues, checkVectors, LIMITS, resolveQueryOptions } from "./limits";
import { compileFilter } from "./metadata-filter";

export class VectorizeBindingIndex implements VectorizeIndex {
  constructor(
    private readonly binding: Vectorize,
    private readonly spec: VectorIndexSpec,
  ) {}

  async describe(): Promise<VectorizeIndexDetails> {
    const info = await this.binding.describe();
    return {
      id: this.spec.name,
      name: this.spec.name,
      config: { dimensions: info.dimensions, metric: this.spec.metric },
      vectorsCount: info.vectorCount,
    };
  }

  // The same checks as the embedded index, so both refuse the same calls.
  async query(vector: VectorFloatArray | number[], options?: VectorizeQueryOptions): Promise<VectorizeMatches> {
    checkValues(this.spec, vector, "the query vector");
    resolveQueryOptions(options);
    compileFilter(this.spec, options?.filter);
    return this.binding.query(vector, options);
  }

  async insert(vectors: VectorizeVector[]): Promise<VectorizeVectorMutation> {
    checkVectors(this.spec, vectors);
    await this.binding.insert(vectors);
    return accepted(vectors.map((v) => v.id));
  }

  async upsert(vectors: VectorizeVector[]): Promise<VectorizeVectorMutation> {
    checkVectors(this.spec, vectors);
    await this.binding.upsert(vectors);
    return accepted(vectors.map((v) => v.id));
  }

  async deleteByIds(ids: string[]): Promise<VectorizeVectorMutation> {
    const checked = checkIds(ids, LIMITS.idsPerCall);
    await this.binding.deleteByIds(checked);
    return accepted(checked);
  }

  async getByIds(ids: string[]): Promise<VectorizeVector[]> {
    return this.binding.getByIds(checkIds(ids, LIMITS.idsPerCall));
  }
}

function accepted(ids: string[]): VectorizeVectorMutation {
  const unique = [...new Set(ids)];
  return { ids: unique, count: unique.length };
}
