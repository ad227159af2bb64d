// The Vectorize binding behind the seam: its asynchronous mutations answer the ids
// accepted, its description takes VectorizeIndex's shape, and input the embedded
// index refuses never reaches the binding.
import { describe, expect, it } from "vitest";
import { VECTOR_INDEXES } from "../../src/core/vector/indexes";
import { VectorizeBindingIndex } from "../../src/core/vector/vectorize-binding";

function fakeBinding() {
  const calls: string[] = [];
  const binding = {
    describe: async () => ({ vectorCount: 42, dimensions: 1024, processedUpToDatetime: 0, processedUpToMutation: 0 }),
    query: async () => {
      calls.push("query");
      return { matches: [{ id: "skl_1", score: 0.9 }], count: 1 };
    },
    upsert: async () => {
      calls.push("upsert");
      return { mutationId: "m1" };
    },
    insert: async () => {
      calls.push("insert");
      return { mutationId: "m2" };
    },
    deleteByIds: async () => {
      calls.push("delete");
      return { mutationId: "m3" };
    },
    getByIds: async () => [],
  };
  return { binding: binding as unknown as Vectorize, calls };
}

describe("the Vectorize binding seam", () => {
  it("answers the ids it handed to Vectorize and describes itself as a VectorizeIndex", async () => {
    const { binding, calls } = fakeBinding();
    const index: VectorizeIndex = new VectorizeBindingIndex(binding, VECTOR_INDEXES.skills);
    const values = Array.from({ length: 1024 }, (_, i) => (i === 0 ? 1 : 0));
    expect(
      await index.upsert([
        { id: "a", values },
        { id: "a", values },
        { id: "b", values },
      ]),
    ).toEqual({
      ids: ["a", "b"],
      count: 2,
    });
    expect(await index.deleteByIds(["a"])).toEqual({ ids: ["a"], count: 1 });
    expect(await index.describe()).toEqual({
      id: "nds-skills",
      name: "nds-skills",
      config: { dimensions: 1024, metric: "cosine" },
      vectorsCount: 42,
    });
    expect((await index.query(values, { filter: { task: "social_image_post" } })).count).toBe(1);
    expect(calls).toEqual(["upsert", "delete", "query"]);
  });

  it("refuses what the embedded index refuses, before calling Vectorize", async () => {
    const { binding, calls } = fakeBinding();
    const index = new VectorizeBindingIndex(binding, VECTOR_INDEXES.skills);
    await expect(index.upsert([{ id: "a", values: [1, 2, 3] }])).rejects.toThrow(/dimension_mismatch/);
    const values = Array.from({ length: 1024 }, () => 0.5);
    await expect(index.query(values, { filter: { tenant_id: "ten_x" } })).rejects.toThrow(/unindexed_filter_property/);
    expect(calls).toEqual([]);
  });
});
