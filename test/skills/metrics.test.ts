// The daily roll-up against a direct computation on known data, the k-anonymity of
// cross-tenant metrics (withheld with 4 tenants, shown with 5), and a tenant's own
// figures, always shown.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { nearestRank } from "../../src/core/analytics/nearest-rank";
import { dayOf } from "../../src/core/skills/calendar";
import { contextHash, rollUpDay } from "../../src/core/skills/metrics-rollup";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { createTenant, type TestTenant } from "../support/tenants";
import { globalSkill, use } from "./helpers";

const today = dayOf(new Date());

interface Metrics {
  own: Record<string, number>;
  cross_tenant: {
    status: "shown" | "withheld";
    summary: Record<string, number> | null;
    days: Record<string, unknown>[];
  };
}

async function metrics(tenant: TestTenant, skillId: string): Promise<Metrics> {
  const res = await call(`/v1/skills/${skillId}/metrics`, { token: tenant.ownerKey });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Metrics>(res);
}

describe("nearest-rank percentiles", () => {
  it("pick an observed value: the smallest with at least p% at or below it", () => {
    const values = [15, 20, 35, 40, 50];
    expect(nearestRank(values, 50)).toBe(35);
    expect(nearestRank(values, 95)).toBe(50);
    expect(nearestRank(values, 20)).toBe(15);
    expect(nearestRank([7], 95)).toBe(7);
    expect(nearestRank([], 50)).toBe(0);
    expect(() => nearestRank(values, 0)).toThrow(RangeError);
  });
});

describe("the daily roll-up", () => {
  it("matches a direct computation over known candidates, guard runs and revisions", async () => {
    const skill = await globalSkill({ name: "Rollup subject" });
    const tenants = [await createTenant(), await createTenant()];
    const latencies = [1200, 800, 3000, 450, 2200, 950];
    const costs = [0.01, 0.02, null, 0.04, 0.05, 0.06];
    const ids: string[] = [];
    for (const [i, latency] of latencies.entries()) {
      const tenant = tenants[i % 2] as TestTenant;
      ids.push(
        await use(tenant, skill.id, {
          generation_time_ms: latency,
          ...(costs[i] === null ? {} : { cost: costs[i] }),
          intent_spec: { task: "social_image_post", platform: "linkedin", modality: "image+text" },
        }),
      );
    }
    const owner = (i: number) => tenants[i % 2] as TestTenant;
    const guards = (i: number, results: unknown[]) =>
      call(`/v1/content/${ids[i]}/guards`, { token: owner(i).ownerKey, body: { results } });
    // 0: passes everything. 1: fails contrast, then passes it after a fix (passes).
    // 2: fails safe_margin (fails). 3: no guard results, but counters say it passed.
    // 4 and 5: no guard results and no counters (not passed).
    await guards(0, [
      { guard_id: "contrast", pass: true },
      { guard_id: "safe_margin", pass: true },
    ]);
    await guards(1, [{ guard_id: "contrast", pass: false }]);
    await guards(1, [{ guard_id: "contrast", pass: true }]);
    await guards(2, [
      { guard_id: "contrast", pass: true },
      { guard_id: "safe_margin", pass: false },
    ]);
    await (await tenantDb(owner(3).tenantId))
      .prepare("UPDATE generated_content SET guards_passed = 3, guards_failed = 0 WHERE content_id = ?")
      .bind(ids[3])
      .run();
    const revise = (i: number, classification: string) =>
      call(`/v1/content/${ids[i]}/revisions`, {
        token: owner(i).ownerKey,
        body: { classification, revision_type: "regenerate" },
      });
    await revise(2, "defect");
    await revise(2, "defect");
    await revise(4, "preference");
    await revise(5, "defect");
    await call(`/v1/content/${ids[0]}`, { method: "PATCH", token: owner(0).ownerKey, body: { user_approved: true } });
    await call(`/v1/content/${ids[1]}`, { method: "PATCH", token: owner(1).ownerKey, body: { user_selected: true } });

    const rows = (await rollUpDay(env, today)).filter((r) => r.skill_id === skill.id);
    const sorted = [...latencies].sort((a, b) => a - b);
    const knownCosts = costs.filter((c): c is number => c !== null);
    expect(rows).toEqual([
      {
        date: today,
        skill_id: skill.id,
        skill_version_id: skill.active_version?.id,
        context_hash: await contextHash("social_image_post", "linkedin", "image+text"),
        uses: 6,
        pass_rate: 3 / 6,
        defect_rate: 2 / 6,
        selection_rate: 2 / 6,
        approval_rate: 1 / 6,
        cost_avg: knownCosts.reduce((a, b) => a + b, 0) / knownCosts.length,
        latency_p50: sorted[2],
        latency_p95: sorted[5],
        unique_tenants: 2,
      },
    ]);
    const stored = await env.DB.prepare("SELECT * FROM skill_metrics_daily WHERE skill_id = ?").bind(skill.id).all();
    expect(stored.results).toEqual(rows);
  });

  it("groups by the intent's context, falling back to the skill's", async () => {
    const skill = await globalSkill({ platform: "all", modality: "text" });
    const tenant = await createTenant();
    await use(tenant, skill.id, { intent_spec: { platform: "twitter" } });
    await use(tenant, skill.id, { intent_spec: { platform: "twitter" } });
    await use(tenant, skill.id);
    const rows = (await rollUpDay(env, today)).filter((r) => r.skill_id === skill.id);
    const byContext = Object.fromEntries(rows.map((r) => [r.context_hash, r.uses]));
    expect(byContext).toEqual({
      [await contextHash("social_image_post", "twitter", "text")]: 2,
      [await contextHash("social_image_post", "all", "text")]: 1,
    });
  });
});

describe("skill metrics", () => {
  it("withhold cross-tenant figures with 4 tenants and show them with 5; a tenant always sees its own", async () => {
    const skill = await globalSkill({ name: "k-anonymity subject" });
    const tenants: TestTenant[] = [];
    for (let i = 0; i < 5; i++) tenants.push(await createTenant());
    for (const [i, tenant] of tenants.slice(0, 4).entries()) {
      for (let n = 0; n <= i; n++) await use(tenant, skill.id, { generation_time_ms: 1000 + 100 * i, cost: 0.01 });
    }
    await rollUpDay(env, today);

    const four = await metrics(tenants[0] as TestTenant, skill.id);
    expect(four.cross_tenant.status).toBe("withheld");
    expect(four.cross_tenant.summary).toBeNull();
    expect(four.cross_tenant.days).toEqual([{ status: "withheld", date: today }]);
    expect(JSON.stringify(four.cross_tenant)).not.toMatch(/uses|unique_tenants|rate|context/);
    expect(four.own).toMatchObject({ uses: 1, latency_p50: 1000, cost_avg: 0.01 });
    expect((await metrics(tenants[3] as TestTenant, skill.id)).own.uses).toBe(4);
    // A tenant that never used it sees no figures of its own, and nothing of the others.
    const fifth = await metrics(tenants[4] as TestTenant, skill.id);
    expect(fifth.own.uses).toBe(0);
    expect(fifth.cross_tenant.status).toBe("withheld");

    await use(tenants[4] as TestTenant, skill.id, { generation_time_ms: 5000, cost: 0.02 });
    await rollUpDay(env, today);
    const five = await metrics(tenants[0] as TestTenant, skill.id);
    expect(five.cross_tenant.status).toBe("shown");
    expect(five.cross_tenant.days).toEqual([
      expect.objectContaining({ status: "shown", date: today, unique_tenants: 5, uses: 11, latency_p95: 5000 }),
    ]);
    expect(five.cross_tenant.summary).toMatchObject({ uses: 11 });
    expect(five.own.uses).toBe(1);
  });

  it("refuse a window that is not one, naming the field", async () => {
    const tenant = await createTenant();
    const skill = await globalSkill();
    for (const [query, field] of [
      ["from=2026-02-30", "from"],
      ["from=2026-05-02&to=2026-05-01", "from"],
      ["from=2024-01-01&to=2026-01-01", "from"],
    ]) {
      const res = await call(`/v1/skills/${skill.id}/metrics?${query}`, { token: tenant.ownerKey });
      expect(res.status).toBe(400);
      expect((await json<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field)).toContain(field);
    }
  });
});
