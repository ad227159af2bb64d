// Skill versions: exactly one active version per skill, also when dozens of
// activations and additions race; the skills index follows the active version.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays, dayOf } from "../../src/core/skills/calendar";
import { runDailySkillJob } from "../../src/core/skills/daily-job";
import { bytesToVector } from "../../src/core/vector/codec";
import { vectorIndex } from "../../src/core/vector/resolve";
import { embedding, float32 } from "../content/vectors";
import { call, json } from "../support/http";
import { createTenant, type TestTenant } from "../support/tenants";
import { privateSkill } from "./helpers";

interface Version {
  id: string;
  version_number: number;
  is_active: boolean;
}

function addVersion(tenant: TestTenant, skillId: string, body: Record<string, unknown> = {}) {
  return call(`/v1/skills/${skillId}/versions`, {
    token: tenant.ownerKey,
    body: { prompt_fragments: { system: "v" }, ...body },
  });
}

function activate(tenant: TestTenant, skillId: string, versionId: string) {
  return call(`/v1/skills/${skillId}/versions/${versionId}/activate`, { method: "POST", token: tenant.ownerKey });
}

async function activeVersions(skillId: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT skill_version_id FROM skill_versions WHERE skill_id = ? AND is_active = 1",
  )
    .bind(skillId)
    .all<{ skill_version_id: string }>();
  return results.map((r) => r.skill_version_id);
}

describe("skill versions", () => {
  it("number themselves, switch the active version, and keep the index on its embedding", async () => {
    const tenant = await createTenant();
    const skill = await privateSkill(tenant);
    const second = embedding(1024);
    const v2 = await json<Version>(await addVersion(tenant, skill.id, { embedding: second, notes: "Fixed contrast" }));
    expect(v2).toMatchObject({ version_number: 2, is_active: true, notes: "Fixed contrast", has_embedding: true });
    expect(await activeVersions(skill.id)).toEqual([v2.id]);
    const [indexed] = await vectorIndex(env, "skills").getByIds([skill.id]);
    expect(indexed?.values).toEqual(float32(second));

    const v3 = await json<Version>(await addVersion(tenant, skill.id, { activate: false }));
    expect(v3).toMatchObject({ version_number: 3, is_active: false, has_embedding: false });
    expect(await activeVersions(skill.id)).toEqual([v2.id]);

    const v1 = skill.active_version?.id as string;
    expect((await json<Version>(await activate(tenant, skill.id, v1))).is_active).toBe(true);
    expect(await activeVersions(skill.id)).toEqual([v1]);
    // Version 3 has no embedding: activating it takes the skill out of the index.
    await activate(tenant, skill.id, v3.id);
    expect(await vectorIndex(env, "skills").getByIds([skill.id])).toEqual([]);

    const page = await json<{ data: Version[]; next_cursor: string }>(
      await call(`/v1/skills/${skill.id}/versions?limit=2`, { token: tenant.ownerKey }),
    );
    expect(page.data.map((v) => v.version_number)).toEqual([3, 2]);
    const rest = await json<{ data: Version[] }>(
      await call(`/v1/skills/${skill.id}/versions?limit=2&cursor=${page.next_cursor}`, { token: tenant.ownerKey }),
    );
    expect(rest.data.map((v) => v.version_number)).toEqual([1]);
  });

  it("refuse another skill's version, naming nothing of it", async () => {
    const tenant = await createTenant();
    const one = await privateSkill(tenant);
    const two = await privateSkill(tenant);
    const res = await activate(tenant, one.id, two.active_version?.id as string);
    expect(res.status).toBe(404);
    expect(await activeVersions(one.id)).toEqual([one.active_version?.id]);
  });

  it("keep exactly one active version under a hundred concurrent activations and additions", async () => {
    const tenant = await createTenant();
    const skill = await privateSkill(tenant);
    const versions = [skill.active_version?.id as string];
    for (let i = 0; i < 5; i++)
      versions.push((await json<Version>(await addVersion(tenant, skill.id, { activate: false }))).id);
    const requests = Array.from({ length: 100 }, (_, i) =>
      i % 4 === 3
        ? addVersion(tenant, skill.id, { activate: i % 8 === 3, embedding: embedding(1024) })
        : activate(tenant, skill.id, versions[i % versions.length] as string),
    );
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 201)).toEqual([]);
    expect(await activeVersions(skill.id)).toHaveLength(1);
    const { results } = await env.DB.prepare(
      "SELECT version_number FROM skill_versions WHERE skill_id = ? ORDER BY version_number",
    )
      .bind(skill.id)
      .all<{ version_number: number }>();
    expect(results.map((r) => r.version_number)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    // Racing index writes may land out of order; the daily job rewrites the skill from D1.
    await runDailySkillJob(env, addDays(dayOf(new Date()), 1));
    const [active] = await activeVersions(skill.id);
    const embeddingRow = await env.DB.prepare("SELECT vector FROM skill_embeddings WHERE skill_version_id = ?")
      .bind(active)
      .first<{ vector: number[] }>();
    const indexed = await vectorIndex(env, "skills").getByIds([skill.id]);
    expect(indexed.map((v) => v.values)).toEqual(embeddingRow ? [Array.from(bytesToVector(embeddingRow.vector))] : []);
  });

  it("are put back in the index by the daily job when the index drifted", async () => {
    const tenant = await createTenant();
    const skill = await privateSkill(tenant);
    const [before] = await vectorIndex(env, "skills").getByIds([skill.id]);
    await vectorIndex(env, "skills").upsert([
      { id: skill.id, values: embedding(1024), metadata: { status: "retired" } },
    ]);
    const report = await runDailySkillJob(env, addDays(dayOf(new Date()), 1));
    expect(report.reindexed).toBeGreaterThanOrEqual(1);
    const [after] = await vectorIndex(env, "skills").getByIds([skill.id]);
    expect(after).toEqual(before);
  });
});
