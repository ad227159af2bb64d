// The vector index suite against the embedded index, and what is particular to it:
// the type checker's proof that it is a VectorizeIndex, the three indexes of §7, and
// an index's configuration fixed by its first use.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EmbeddedVectorIndex } from "../../src/core/vector/embedded-index";
import { VectorIndexError } from "../../src/core/vector/errors";
import type { VectorIndexSpec } from "../../src/core/vector/indexes";
import { vectorIndex } from "../../src/core/vector/resolve";
import { vectorIndexSuite } from "./vector-index-suite";

let made = 0;
function fresh(spec: Omit<VectorIndexSpec, "name">): EmbeddedVectorIndex {
  made += 1;
  return new EmbeddedVectorIndex(env.VectorIndexObject, { ...spec, name: `test-${made}-${crypto.randomUUID()}` });
}

// Compile-time: the embedded index is assignable to Vectorize's VectorizeIndex.
const proof: VectorizeIndex = fresh({ dimensions: 2, metric: "cosine", metadataIndexes: {} });
void proof;

vectorIndexSuite("the embedded vector index", fresh);

describe("the embedded vector index", () => {
  it("serves the three indexes of §7 when no Vectorize binding is configured", async () => {
    const dims = await Promise.all(
      (["brandVoice", "skills", "knowledge"] as const).map(async (kind) => {
        const index = vectorIndex(env, kind);
        expect(index).toBeInstanceOf(EmbeddedVectorIndex);
        const details = await index.describe();
        return [details.name, details.config];
      }),
    );
    expect(dims).toEqual([
      ["nds-brand-voice", { dimensions: 1536, metric: "cosine" }],
      ["nds-skills", { dimensions: 1024, metric: "cosine" }],
      ["nds-knowledge", { dimensions: 1536, metric: "cosine" }],
    ]);
  });

  it("refuses to reopen an index with another dimension or metric", async () => {
    const name = `fixed-${crypto.randomUUID()}`;
    const first = new EmbeddedVectorIndex(env.VectorIndexObject, {
      name,
      dimensions: 3,
      metric: "cosine",
      metadataIndexes: {},
    });
    await first.upsert([{ id: "a", values: [1, 2, 3] }]);
    const other = new EmbeddedVectorIndex(env.VectorIndexObject, {
      name,
      dimensions: 4,
      metric: "cosine",
      metadataIndexes: {},
    });
    await expect(other.describe()).rejects.toThrow(/index_misconfigured/);
  });

  it("ranks by distance for euclidean and by product for dot-product indexes", async () => {
    const vectors = [
      { id: "near", values: [1, 1] },
      { id: "long", values: [10, 10] },
      { id: "far", values: [-1, -1] },
    ];
    const euclid = fresh({ dimensions: 2, metric: "euclidean", metadataIndexes: {} });
    await euclid.upsert(vectors);
    const e = await euclid.query([1, 1], { topK: 3 });
    expect(e.matches.map((m) => m.id)).toEqual(["near", "far", "long"]);
    expect(e.matches[0]?.score).toBe(0);
    const product = fresh({ dimensions: 2, metric: "dot-product", metadataIndexes: {} });
    await product.upsert(vectors);
    const d = await product.query([1, 1], { topK: 3 });
    expect(d.matches.map((m) => [m.id, m.score])).toEqual([
      ["long", 20],
      ["near", 2],
      ["far", -2],
    ]);
  });

  it("throws VectorIndexError in the caller, before any RPC, for input Vectorize would refuse", async () => {
    const index = fresh({ dimensions: 2, metric: "cosine", metadataIndexes: {} });
    const error = await index.upsert([{ id: "a", values: [1] }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VectorIndexError);
    const many = Array.from({ length: 1001 }, (_, i) => ({ id: `v${i}`, values: [1, 0] }));
    await expect(index.upsert(many)).rejects.toThrow(/too_many_vectors/);
  });
});
