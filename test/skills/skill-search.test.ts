// Skill search: nearest skills among global and the caller's own, filtered by task,
// platform, modality and status; never another tenant's private skill.
import { describe, expect, it } from "vitest";
import { embedding, near } from "../content/vectors";
import { call, json } from "../support/http";
import { createTenant, type TestTenant } from "../support/tenants";
import { globalSkill, patchSkill, privateSkill } from "./helpers";

interface Result {
  matches: { score: number; skill: { id: string; status: string; platform: string } }[];
}

function search(tenant: TestTenant, body: unknown) {
  return call("/v1/skills/search", { token: tenant.ownerKey, body });
}

describe("skill search", () => {
  it("finds the nearest usable skills the caller may see, and filters them", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const intent = embedding(1024);
    const shared = await globalSkill({ task: "search_task_one" }, { embedding: near(intent, 0.2) });
    const mine = await privateSkill(
      a,
      { task: "search_task_one", platform: "instagram" },
      { embedding: near(intent, 0.3) },
    );
    const theirs = await privateSkill(b, { task: "search_task_one" }, { embedding: near(intent, 0.01) });
    const ids = async (body: Record<string, unknown>) =>
      (await json<Result>(await search(a, { vector: intent, top_k: 50, ...body }))).matches.map((m) => m.skill.id);

    const found = await ids({ filter: { task: "search_task_one" } });
    expect(found).toEqual([shared.id, mine.id]);
    expect(await ids({ filter: { task: "search_task_one", platform: "instagram" } })).toEqual([mine.id]);
    expect(await ids({ filter: { task: ["search_task_one", "other"], platform: ["linkedin", "all"] } })).toEqual([
      shared.id,
    ]);
    // B sees its own and the global one, never A's.
    const forB = (
      await json<Result>(await search(b, { vector: intent, top_k: 50, filter: { task: "search_task_one" } }))
    ).matches.map((m) => m.skill.id);
    expect(forB).toEqual([theirs.id, shared.id]);

    // A client cannot widen visibility.
    const widened = await search(a, { vector: intent, filter: { visibility: "global", task: "search_task_one" } });
    expect(widened.status).toBe(400);
    expect((await search(a, { vector: intent, tenant_id: b.tenantId })).status).toBe(400);

    // Retired skills drop out unless asked for.
    await patchSkill(a, mine.id, { status: "retired", reason: "not needed" });
    expect(await ids({ filter: { task: "search_task_one" } })).toEqual([shared.id]);
    expect(await ids({ filter: { task: "search_task_one", status: "retired" } })).toEqual([mine.id]);
  });

  it("refuses a vector of the skills index's wrong dimension, naming it", async () => {
    const tenant = await createTenant();
    const res = await search(tenant, { vector: embedding(1536) });
    expect(res.status).toBe(400);
    expect((await json<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field)).toEqual(["vector"]);
  });
});
