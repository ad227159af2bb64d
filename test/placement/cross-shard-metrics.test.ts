// Cross-tenant work spans the shards: the daily roll-up reads every shard and writes
// the global metrics, equal to a direct computation over the same candidates; distinct
// tenants are counted across shards for k-anonymity and for promotion evidence.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { nearestRank } from "../../src/core/analytics/nearest-rank";
import { placementOf } from "../../src/core/placement/directory";
import { addDays, dayOf } from "../../src/core/skills/calendar";
import { evidenceFor } from "../../src/core/skills/evidence";
import { contextHash, rollUpDay } from "../../src/core/skills/metrics-rollup";
import { globalSkill, use } from "../skills/helpers";
import { call, json } from "../support/http";
import { createTenant, type TestTenant } from "../support/tenants";

const today = dayOf(new Date());
const REGIONS = ["eu-west", "us-east", "ap-southeast", "eu-west", "us-east"] as const;

describe("cross-tenant skill metrics over several shards", () => {
  it("roll up every shard into the figures a direct computation gives, counting tenants across shards", async () => {
    const skill = await globalSkill({ name: "Spread over shards" });
    const tenants: TestTenant[] = [];
    for (const region of REGIONS) tenants.push(await createTenant({ region }));
    const shards = new Set<string>();
    for (const tenant of tenants) shards.add((await placementOf(env, tenant.tenantId))?.shard as string);
    expect(shards.size).toBeGreaterThanOrEqual(3);

    // Each tenant generates with the skill: latency and cost known, some approved.
    const facts: { tenant: number; latency: number; cost: number; approved: boolean }[] = [];
    for (const [t, tenant] of tenants.entries()) {
      for (let n = 0; n <= t; n++) {
        const fact = { tenant: t, latency: 400 + 137 * (t * 3 + n), cost: 0.01 * (n + 1), approved: (t + n) % 2 === 0 };
        const id = await use(tenant, skill.id, {
          generation_time_ms: fact.latency,
          cost: fact.cost,
          intent_spec: { task: "social_image_post", platform: "linkedin", modality: "image+text" },
        });
        if (fact.approved) {
          const res = await call(`/v1/content/${id}`, {
            method: "PATCH",
            token: tenant.ownerKey,
            body: { user_approved: true },
          });
          expect(res.status).toBe(200);
        }
        facts.push(fact);
      }
    }

    const rows = (await rollUpDay(env, today)).filter((r) => r.skill_id === skill.id);
    const latencies = facts.map((f) => f.latency);
    expect(rows).toEqual([
      {
        date: today,
        skill_id: skill.id,
        skill_version_id: skill.active_version?.id,
        context_hash: await contextHash("social_image_post", "linkedin", "image+text"),
        uses: facts.length,
        pass_rate: 0,
        defect_rate: 0,
        // Approving a candidate selects it.
        selection_rate: facts.filter((f) => f.approved).length / facts.length,
        approval_rate: facts.filter((f) => f.approved).length / facts.length,
        cost_avg: facts.reduce((sum, f) => sum + f.cost, 0) / facts.length,
        latency_p50: nearestRank(latencies, 50),
        latency_p95: nearestRank(latencies, 95),
        unique_tenants: tenants.length,
      },
    ]);

    // k-anonymity counts the five tenants across shards: the figures are shown.
    const res = await call(`/v1/skills/${skill.id}/metrics`, { token: (tenants[0] as TestTenant).ownerKey });
    const shown = await json<{ cross_tenant: { status: string; summary: { uses: number } | null } }>(res);
    expect(shown.cross_tenant.status).toBe("shown");
    expect(shown.cross_tenant.summary?.uses).toBe(facts.length);

    // Promotion evidence counts distinct tenants across shards too.
    const evidence = await evidenceFor(env, addDays(today, -1), today, skill.id);
    expect(evidence.get(skill.id)?.tenants).toBe(tenants.length);
  });

  it("withholds cross-tenant figures when four tenants on different shards used a skill", async () => {
    const skill = await globalSkill({ name: "Four tenants, three regions" });
    const four = [];
    for (const region of REGIONS.slice(0, 4)) four.push(await createTenant({ region }));
    for (const tenant of four) await use(tenant, skill.id, { generation_time_ms: 900, cost: 0.02 });
    const rows = (await rollUpDay(env, today)).filter((r) => r.skill_id === skill.id);
    expect(rows.map((r) => r.unique_tenants)).toEqual([4]);
    const res = await call(`/v1/skills/${skill.id}/metrics`, { token: (four[0] as TestTenant).ownerKey });
    expect((await json<{ cross_tenant: { status: string } }>(res)).cross_tenant.status).toBe("withheld");
  });
});
