// The embedded vector index: one Durable Object per index name, holding its vectors
// in the object's own SQLite and answering with the same shapes and limits as
// Vectorize. It stands in wherever no Vectorize binding is configured (local dev and
// tests: miniflare cannot simulate Vectorize); src/core/vector/embedded-index.ts is the
// VectorizeIndex that talks to it.
//
// Each call carries the index's spec, so the object needs no name lookup (invariant
// 8: it may be entered before anything else has told it who it is); the first call
// fixes dimensions and metric, and a later call with others is refused.
import { DurableObject } from "cloudflare:workers";
import type { VectorIndexStore } from "../src/core/vector/embedded-index";
import type { VectorIndexSpec } from "../src/core/vector/indexes";
import { checkIds, checkValues, checkVectors, LIMITS, resolveQueryOptions } from "../src/core/vector/limits";
import { compileFilter } from "../src/core/vector/metadata-filter";
import { applyObjectMigrations } from "./schema/migrate";
import { VECTOR_INDEX_MIGRATIONS } from "./schema/vector-index-migrations";
import {
  countVectors,
  deleteVectors,
  ensureConfig,
  readVectors,
  searchVectors,
  writeVectors,
} from "./storage/vector-store";

export class VectorIndexObject extends DurableObject<Env> implements VectorIndexStore {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    applyObjectMigrations(ctx.storage, VECTOR_INDEX_MIGRATIONS);
  }

  private get sql(): SqlStorage {
    return this.ctx.storage.sql;
  }

  async describe(spec: VectorIndexSpec): Promise<VectorizeIndexDetails> {
    ensureConfig(this.sql, spec);
    return {
      id: spec.name,
      name: spec.name,
      config: { dimensions: spec.dimensions, metric: spec.metric },
      vectorsCount: countVectors(this.sql),
    };
  }

  /** Checked as a whole, then written in one transaction: all of it or none. */
  async write(
    spec: VectorIndexSpec,
    vectors: VectorizeVector[],
    mode: "insert" | "upsert",
  ): Promise<VectorizeVectorMutation> {
    ensureConfig(this.sql, spec);
    const checked = checkVectors(spec, vectors);
    const ids = this.ctx.storage.transactionSync(() => writeVectors(this.sql, checked, mode));
    return { ids, count: ids.length };
  }

  async query(
    spec: VectorIndexSpec,
    vector: Float32Array | number[],
    options?: VectorizeQueryOptions,
  ): Promise<VectorizeMatches> {
    ensureConfig(this.sql, spec);
    const query = checkValues(spec, vector, "the query vector");
    const resolved = resolveQueryOptions(options);
    return searchVectors(this.sql, spec, query, resolved, compileFilter(spec, options?.filter));
  }

  async getByIds(spec: VectorIndexSpec, ids: string[]): Promise<VectorizeVector[]> {
    ensureConfig(this.sql, spec);
    return readVectors(this.sql, checkIds(ids, LIMITS.idsPerCall));
  }

  async deleteByIds(spec: VectorIndexSpec, ids: string[]): Promise<VectorizeVectorMutation> {
    ensureConfig(this.sql, spec);
    const checked = checkIds(ids, LIMITS.idsPerCall);
    const deleted = this.ctx.storage.transactionSync(() => deleteVectors(this.sql, checked));
    return { ids: deleted, count: deleted.length };
  }
}
