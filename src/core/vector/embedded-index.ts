// The VectorizeIndex backed by the embedded index (objects/vector-index-object.ts).
// Input is checked here as well as in the object, so a bad call throws a
// VectorIndexError in the caller's isolate, with its code, before any RPC.
import type { VectorIndexSpec } from "./indexes";
import { checkIds, checkValues, checkVectors, LIMITS, resolveQueryOptions } from "./limits";
import { compileFilter } from "./metadata-filter";

/**
 * What the index's Durable Object answers over RPC (objects/vector-index-object.ts
 * implements it). Each call carries the index's spec, so the object needs no lookup.
 */
export interface VectorIndexStore {
  describe(spec: VectorIndexSpec): Promise<VectorizeIndexDetails>;
  /** Checked as a whole, then written in one transaction: all of it or none. */
  write(spec: VectorIndexSpec, vectors: VectorizeVector[], mode: "insert" | "upsert"): Promise<VectorizeVectorMutation>;
  query(
    spec: VectorIndexSpec,
    vector: Float32Array | number[],
    options?: VectorizeQueryOptions,
  ): Promise<VectorizeMatches>;
  getByIds(spec: VectorIndexSpec, ids: string[]): Promise<VectorizeVector[]>;
  deleteByIds(spec: VectorIndexSpec, ids: string[]): Promise<VectorizeVectorMutation>;
}

/** As the runtime's Durable Object types take it. */
export type VectorIndexStoreBinding = VectorIndexStore & Rpc.DurableObjectBranded;

export class EmbeddedVectorIndex implements VectorizeIndex {
  constructor(
    private readonly objects: DurableObjectNamespace<VectorIndexStoreBinding>,
    private readonly spec: VectorIndexSpec,
  ) {}

  /** One object per index name. A plain object crosses RPC; the `as const` spec is readonly. */
  private get index() {
    return this.objects.getByName(this.spec.name);
  }

  private get wireSpec(): VectorIndexSpec {
    return { ...this.spec, metadataIndexes: { ...this.spec.metadataIndexes } };
  }

  async describe(): Promise<VectorizeIndexDetails> {
    return this.index.describe(this.wireSpec);
  }

  async query(vector: VectorFloatArray | number[], options?: VectorizeQueryOptions): Promise<VectorizeMatches> {
    const values = checkValues(this.spec, vector, "the query vector");
    resolveQueryOptions(options);
    compileFilter(this.spec, options?.filter);
    return this.index.query(this.wireSpec, values, options);
  }

  async insert(vectors: VectorizeVector[]): Promise<VectorizeVectorMutation> {
    return this.index.write(this.wireSpec, this.wire(vectors), "insert");
  }

  async upsert(vectors: VectorizeVector[]): Promise<VectorizeVectorMutation> {
    return this.index.write(this.wireSpec, this.wire(vectors), "upsert");
  }

  async deleteByIds(ids: string[]): Promise<VectorizeVectorMutation> {
    return this.index.deleteByIds(this.wireSpec, checkIds(ids, LIMITS.idsPerCall));
  }

  async getByIds(ids: string[]): Promise<VectorizeVector[]> {
    return this.index.getByIds(this.wireSpec, checkIds(ids, LIMITS.idsPerCall));
  }

  /** Checked, then sent as float32 (what is stored), namespace and metadata as given. */
  private wire(vectors: VectorizeVector[]): VectorizeVector[] {
    return checkVectors(this.spec, vectors).map((checked, index) => ({
      id: checked.id,
      values: checked.values,
      ...(checked.namespace === null ? {} : { namespace: checked.namespace }),
      ...(vectors[index]?.metadata === undefined ? {} : { metadata: vectors[index]?.metadata }),
    }));
  }
}
