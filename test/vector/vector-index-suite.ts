// The behaviour every VectorizeIndex of this project must have, written once. It runs
// against the embedded index in tests (embedded-index.test.ts); pointed at a real
// Vectorize binding it would check that the two agree (production mutations are
// asynchronous, so such a run must wait for them to be processed).
import { describe, expect, it } from "vitest";
import { VectorIndexError } from "../../src/core/vector/errors";
import type { VectorIndexSpec } from "../../src/core/vector/indexes";
import { bruteCosine, randomVector, seeded } from "./random-vectors";

export type IndexFactory = (spec: Omit<VectorIndexSpec, "name">) => VectorizeIndex;

const SMALL = {
  dimensions: 4,
  metric: "cosine",
  metadataIndexes: { kind: "string", rank: "number", live: "boolean", "owner.team": "string" },
} as const satisfies Omit<VectorIndexSpec, "name">;

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected a ${code} error`).toBeInstanceOf(VectorIndexError);
  expect((error as VectorIndexError).code).toBe(code);
}

export function vectorIndexSuite(name: string, make: IndexFactory): void {
  describe(name, () => {
    it("stores float32 values, namespace and metadata, and gives them back by id", async () => {
      const index = make(SMALL);
      await index.upsert([
        { id: "a", values: [0.1, 0.2, 0.3, 0.4], namespace: "ns1", metadata: { kind: "x", owner: { team: "t" } } },
        { id: "b", values: [1, 0, 0, 0] },
      ]);
      const [b, a, none] = [...(await index.getByIds(["b", "a"])), undefined];
      expect(none).toBeUndefined();
      expect(b).toEqual({ id: "b", values: [1, 0, 0, 0] });
      expect(a?.namespace).toBe("ns1");
      expect(a?.metadata).toEqual({ kind: "x", owner: { team: "t" } });
      expect(a?.values).toEqual(Array.from(Float32Array.from([0.1, 0.2, 0.3, 0.4])));
      expect(await index.getByIds(["missing"])).toEqual([]);
    });

    it("insert keeps an existing vector, upsert replaces it; within one call the first or last wins", async () => {
      const index = make(SMALL);
      expect(await index.insert([{ id: "v", values: [1, 0, 0, 0] }])).toEqual({ ids: ["v"], count: 1 });
      expect(await index.insert([{ id: "v", values: [0, 1, 0, 0] }])).toEqual({ ids: [], count: 0 });
      expect((await index.getByIds(["v"]))[0]?.values).toEqual([1, 0, 0, 0]);
      await index.upsert([
        { id: "v", values: [0, 0, 1, 0] },
        { id: "v", values: [0, 0, 0, 1] },
      ]);
      expect((await index.getByIds(["v"]))[0]?.values).toEqual([0, 0, 0, 1]);
      await index.insert([
        { id: "w", values: [0, 1, 0, 0] },
        { id: "w", values: [1, 1, 0, 0] },
      ]);
      expect((await index.getByIds(["w"]))[0]?.values).toEqual([0, 1, 0, 0]);
      const details = await index.describe();
      expect(details.vectorsCount).toBe(2);
      expect(details.config).toEqual({ dimensions: 4, metric: "cosine" });
    });

    it("refuses a whole write when one vector has the wrong dimension, and queries of the wrong dimension", async () => {
      const index = make(SMALL);
      await expectCode(
        index.upsert([
          { id: "ok", values: [1, 2, 3, 4] },
          { id: "short", values: [1, 2, 3] },
        ]),
        "dimension_mismatch",
      );
      expect(await index.getByIds(["ok"])).toEqual([]);
      await expectCode(index.query([1, 2, 3, 4, 5]), "dimension_mismatch");
      await expectCode(index.upsert([{ id: "nan", values: [1, Number.NaN, 0, 0] }]), "invalid_vector");
      await expectCode(index.upsert([{ id: "zero", values: [0, 0, 0, 0] }]), "invalid_vector");
      await expectCode(index.upsert([{ id: "x".repeat(65), values: [1, 0, 0, 0] }]), "invalid_id");
      await expectCode(index.upsert([{ id: "n", values: [1, 0, 0, 0], namespace: "" }]), "invalid_namespace");
      await expectCode(index.upsert([{ id: "m", values: [1, 0, 0, 0], metadata: { "a.b": 1 } }]), "invalid_metadata");
      await expectCode(
        index.upsert([{ id: "big", values: [1, 0, 0, 0], metadata: { text: "x".repeat(11_000) } }]),
        "invalid_metadata",
      );
      expect((await index.describe()).vectorsCount).toBe(0);
    });

    it("returns exactly the brute-force top-K of random 1536-dimension vectors, with namespaces and filters", async () => {
      const random = seeded(1536);
      const index = make({
        dimensions: 1536,
        metric: "cosine",
        metadataIndexes: { kind: "string", rank: "number" },
      });
      const kinds = ["guideline", "example", "faq"];
      const stored = Array.from({ length: 300 }, (_, i) => ({
        id: `v${String(i).padStart(3, "0")}`,
        values: randomVector(random, 1536),
        namespace: `tenant-${i % 3}`,
        metadata: { kind: kinds[i % kinds.length] as string, rank: i % 10 },
      }));
      for (let i = 0; i < stored.length; i += 100) await index.upsert(stored.slice(i, i + 100));

      type Meta = (typeof stored)[number]["metadata"];
      // Each filter beside the same condition written as plain code.
      const cases: {
        topK: number;
        namespace?: string;
        filter?: VectorizeVectorMetadataFilter;
        keep?: (m: Meta) => boolean;
      }[] = [
        { topK: 10 },
        { topK: 100 },
        { topK: 7, namespace: "tenant-1" },
        { topK: 5, filter: { kind: "faq" }, keep: (m) => m.kind === "faq" },
        {
          topK: 8,
          filter: { kind: { $ne: "faq" }, rank: { $in: [1, 2, 3] } },
          keep: (m) => m.kind !== "faq" && [1, 2, 3].includes(m.rank),
        },
        {
          topK: 6,
          namespace: "tenant-2",
          filter: { kind: { $nin: ["example"] }, rank: { $gte: 5 } },
          keep: (m) => m.kind !== "example" && m.rank >= 5,
        },
        { topK: 3, filter: { kind: { $eq: "nothing" } }, keep: () => false },
      ];
      for (const [n, options] of cases.entries()) {
        const query = randomVector(random, 1536);
        const { matches, count } = await index.query(query, {
          topK: options.topK,
          namespace: options.namespace,
          filter: options.filter,
        });
        const expected = stored
          .filter((v) => options.namespace === undefined || v.namespace === options.namespace)
          .filter((v) => options.keep?.(v.metadata) ?? true)
          .map((v) => ({ id: v.id, score: bruteCosine(query, v.values) }))
          .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
          .slice(0, options.topK);
        expect(count, `case ${n}`).toBe(expected.length);
        expect(matches.length, `case ${n}`).toBe(expected.length);
        for (const [rank, match] of matches.entries()) {
          const want = expected[rank] as { id: string; score: number };
          expect(match.score, `case ${n} rank ${rank}`).toBeCloseTo(want.score, 9);
          // Only a tie closer than float64 rounding may swap two neighbours.
          if (match.id !== want.id) expect(Math.abs(match.score - want.score)).toBeLessThan(1e-12);
        }
        if (options.namespace) {
          for (const match of matches) expect(match.namespace, `case ${n}: ${match.id}`).toBe(options.namespace);
        }
      }
    });

    it("filters with implicit equality, $eq, $ne, $in, $nin, ranges, null and nested properties", async () => {
      const index = make(SMALL);
      await index.upsert([
        { id: "a", values: [1, 0, 0, 0], metadata: { kind: "x", rank: 1, live: true, owner: { team: "red" } } },
        { id: "b", values: [0.9, 0.1, 0, 0], metadata: { kind: "y", rank: 2, live: false, owner: { team: "blue" } } },
        { id: "c", values: [0.8, 0.2, 0, 0], metadata: { kind: "x", rank: 3 } },
        { id: "d", values: [0.7, 0.3, 0, 0] },
      ]);
      const ids = async (filter: VectorizeVectorMetadataFilter) =>
        (await index.query([1, 0, 0, 0], { topK: 10, filter })).matches.map((m) => m.id);
      expect(await ids({ kind: "x" })).toEqual(["a", "c"]);
      expect(await ids({ kind: { $eq: "y" } })).toEqual(["b"]);
      expect(await ids({ kind: { $ne: "x" } })).toEqual(["b", "d"]);
      expect(await ids({ kind: { $in: ["x", "y"] } })).toEqual(["a", "b", "c"]);
      expect(await ids({ kind: { $nin: ["x"] } })).toEqual(["b", "d"]);
      expect(await ids({ rank: { $gt: 1 } })).toEqual(["b", "c"]);
      expect(await ids({ rank: { $lte: 2 }, kind: "x" })).toEqual(["a"]);
      expect(await ids({ live: true })).toEqual(["a"]);
      expect(await ids({ live: null })).toEqual(["c", "d"]);
      expect(await ids({ live: { $ne: null } })).toEqual(["a", "b"]);
      expect(await ids({ "owner.team": "blue" })).toEqual(["b"]);
      expect(await ids({ rank: "1" })).toEqual([]);
      await expectCode(index.query([1, 0, 0, 0], { filter: { colour: "red" } }), "unindexed_filter_property");
      await expectCode(index.query([1, 0, 0, 0], { filter: {} }), "invalid_filter");
      await expectCode(
        index.query([1, 0, 0, 0], { filter: { kind: { $regex: "x" } } as VectorizeVectorMetadataFilter }),
        "invalid_filter",
      );
      await expectCode(index.query([1, 0, 0, 0], { filter: { kind: { $eq: "x", $ne: "y" } } }), "invalid_filter");
    });

    it("keeps namespaces apart, and searches all of them when none is given", async () => {
      const index = make(SMALL);
      await index.upsert([
        { id: "mine", values: [0, 1, 0, 0], namespace: "tenant-a" },
        { id: "theirs", values: [1, 0, 0, 0], namespace: "tenant-b" },
      ]);
      const inA = await index.query([1, 0, 0, 0], { namespace: "tenant-a", topK: 10 });
      expect(inA.matches.map((m) => m.id)).toEqual(["mine"]);
      const all = await index.query([1, 0, 0, 0], { topK: 10 });
      expect(all.matches.map((m) => m.id)).toEqual(["theirs", "mine"]);
      expect(all.matches[0]?.score).toBeCloseTo(1, 12);
    });

    it("returns values and metadata only when asked, and bounds topK as Vectorize does", async () => {
      const index = make(SMALL);
      await index.upsert(
        Array.from({ length: 30 }, (_, i) => ({
          id: `v${i}`,
          values: [1, i, 0, 0],
          metadata: { kind: "k", rank: i, note: "not indexed" },
        })),
      );
      const plain = await index.query([1, 0, 0, 0]);
      expect(plain.count).toBe(5);
      expect(plain.matches[0]).toEqual({ id: "v0", score: expect.any(Number) });
      const indexed = await index.query([1, 0, 0, 0], { topK: 1, returnMetadata: "indexed" });
      expect(indexed.matches[0]?.metadata).toEqual({ kind: "k", rank: 0 });
      const all = await index.query([1, 0, 0, 0], { topK: 1, returnMetadata: true, returnValues: true });
      expect(all.matches[0]?.metadata).toEqual({ kind: "k", rank: 0, note: "not indexed" });
      expect(all.matches[0]?.values).toEqual([1, 0, 0, 0]);
      expect((await index.query([1, 0, 0, 0], { topK: 100 })).count).toBe(30);
      await expectCode(index.query([1, 0, 0, 0], { topK: 101 }), "invalid_query");
      await expectCode(index.query([1, 0, 0, 0], { topK: 0 }), "invalid_query");
      await expectCode(index.query([1, 0, 0, 0], { topK: 21, returnValues: true }), "invalid_query");
      await expectCode(index.query([1, 0, 0, 0], { topK: 21, returnMetadata: "all" }), "invalid_query");
    });

    it("deletes by id, answering the ids it deleted", async () => {
      const index = make(SMALL);
      await index.upsert([
        { id: "a", values: [1, 0, 0, 0] },
        { id: "b", values: [0, 1, 0, 0] },
      ]);
      expect(await index.deleteByIds(["a", "missing"])).toEqual({ ids: ["a"], count: 1 });
      expect((await index.query([1, 0, 0, 0], { topK: 10 })).matches.map((m) => m.id)).toEqual(["b"]);
      expect((await index.describe()).vectorsCount).toBe(1);
    });

    it("loses no write among a hundred concurrent upserts", async () => {
      const index = make(SMALL);
      const random = seeded(7);
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => index.upsert([{ id: `c${i}`, values: randomVector(random, 4) }])),
      );
      expect((await index.describe()).vectorsCount).toBe(100);
    });
  });
}
