// One tenant's bad skill vector never stops the daily job for the others
// (ARCHITECTURE.md, Bounded inputs): a vector the index refuses, stored before the edge checked float32 (put in
// D1 directly here, as legacy data), is left out of the index and reported, and every
// other skill is still re-projected.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dayOf } from "../../src/core/skills/calendar";
import { vectorToBytes } from "../../src/core/vector/codec";
import { vectorIndex } from "../../src/core/vector/resolve";
import { embedding } from "../content/vectors";
import { call, json } from "../support/http";
import { ADMIN, createTenant } from "../support/tenants";
import { privateSkill } from "./helpers";

async function storeVector(skillId: string, values: Float32Array): Promise<void> {
  await env.DB.prepare("UPDATE skill_embeddings SET vector = ? WHERE skill_id = ?")
    .bind(vectorToBytes(values), skillId)
    .run();
}

describe("the daily skill job", () => {
  it("leaves out and reports skills whose stored vector the index refuses, and re-indexes every other", async () => {
    const careless = await createTenant();
    const zero = await privateSkill(careless);
    await storeVector(zero.id, new Float32Array(1024));
    const overflowing = await privateSkill(careless);
    const huge = Float32Array.from(embedding(1024));
    huge[9] = Number.POSITIVE_INFINITY;
    await storeVector(overflowing.id, huge);
    // A refusal only the index itself makes (its metadata is over 10 KiB): the batch is
    // refused whole, and each vector is then written alone.
    const bloated = await privateSkill(careless);
    await env.DB.prepare("UPDATE skills SET task = ? WHERE skill_id = ?").bind("t".repeat(11_000), bloated.id).run();

    const other = await createTenant();
    const vector = embedding(1024);
    const good = await privateSkill(other, {}, { embedding: vector });
    // Drift the job exists to repair: the good skill's vector is missing from the index.
    await vectorIndex(env, "skills").deleteByIds([good.id]);

    const res = await call("/v1/admin/jobs/daily-skills", { token: ADMIN, body: { as_of: dayOf(new Date()) } });
    expect(res.status, await res.clone().text()).toBe(200);
    const report = await json<{ reindexed: number; unindexed: { skill_id: string; reason: string }[] }>(res);
    expect(report.unindexed.map((u) => u.skill_id).sort()).toEqual([zero.id, overflowing.id, bloated.id].sort());
    expect(report.reindexed).toBeGreaterThanOrEqual(1);

    const search = await call("/v1/skills/search", { token: other.ownerKey, body: { vector, top_k: 1 } });
    const { matches } = await json<{ matches: { skill: { id: string } }[] }>(search);
    expect(matches.map((m) => m.skill.id)).toEqual([good.id]);
    const stored = await vectorIndex(env, "skills").getByIds([zero.id, overflowing.id, bloated.id]);
    expect(stored).toEqual([]);
  });
});
