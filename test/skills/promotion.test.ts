// The daily job and the operator: promotion to the global catalogue when the policy's
// thresholds hold across at least 5 tenants, failing and retirement of global skills,
// each recorded as a sharing event with actor and reason; re-running changes nothing.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays, dayOf } from "../../src/core/skills/calendar";
import { runDailySkillJob } from "../../src/core/skills/daily-job";
import { rollUpDay } from "../../src/core/skills/metrics-rollup";
import worker from "../../worker/index";
import { shardDbs } from "../support/databases";
import { call, json } from "../support/http";
import { ADMIN, createTenant, snapshotExceptAudit, type TestTenant } from "../support/tenants";
import { globalSkill, type Skill, use } from "./helpers";

const today = dayOf(new Date());
const tomorrow = addDays(today, 1);

/** `uses` good candidates (guards pass, approved) of `skillId` from each tenant. */
async function goodUses(tenants: TestTenant[], skillId: string, uses: number): Promise<void> {
  for (const tenant of tenants) {
    for (let i = 0; i < uses; i++) {
      const id = await use(tenant, skillId, { guards_passed: 3, guards_failed: 0, generation_time_ms: 900 });
      await call(`/v1/content/${id}`, { method: "PATCH", token: tenant.ownerKey, body: { user_approved: true } });
    }
  }
}

async function defectiveUses(tenants: TestTenant[], skillId: string, uses: number): Promise<void> {
  for (const tenant of tenants) {
    for (let i = 0; i < uses; i++) {
      const id = await use(tenant, skillId, { guards_passed: 1, guards_failed: 2 });
      await call(`/v1/content/${id}/revisions`, {
        token: tenant.ownerKey,
        body: { classification: "defect", labels_defect: ["text_overlap"], revision_type: "regenerate" },
      });
    }
  }
}

async function tenants(n: number): Promise<TestTenant[]> {
  const made: TestTenant[] = [];
  for (let i = 0; i < n; i++) made.push(await createTenant());
  return made;
}

async function skillRow(id: string) {
  return env.DB.prepare("SELECT status, tier, visibility, updated_at FROM skills WHERE skill_id = ?")
    .bind(id)
    .first<{ status: string; tier: string; visibility: string; updated_at: string }>();
}

async function events(id: string) {
  const { results } = await env.DB.prepare(
    "SELECT action, actor, tenant_id, reason FROM sharing_events WHERE skill_id = ? ORDER BY event_id",
  )
    .bind(id)
    .all<{ action: string; actor: string; tenant_id: string | null; reason: string }>();
  return results;
}

describe("promotion", () => {
  it("promotes a skill meeting the thresholds across 5 tenants, not one used by 4; a re-run changes nothing", async () => {
    const five = await globalSkill({ name: "Five tenants" });
    const four = await globalSkill({ name: "Four tenants" });
    const pool = await tenants(5);
    await goodUses(pool, five.id, 10);
    await goodUses(pool.slice(0, 4), four.id, 13);

    const report = await runDailySkillJob(env, tomorrow);
    expect(report.days).toEqual([today, addDays(today, -1), addDays(today, -2)]);
    expect(report.promoted).toContain(five.id);
    expect(report.promoted).not.toContain(four.id);
    expect(await skillRow(five.id)).toMatchObject({ status: "active", tier: "standard", visibility: "global" });
    expect((await skillRow(four.id))?.status).toBe("testing");
    const trail = await events(five.id);
    expect(trail).toEqual([
      {
        action: "promote_to_global",
        actor: "system_auto",
        tenant_id: null,
        reason: "Met the promotion thresholds across 5 tenants over 30 days",
      },
    ]);

    const before = await snapshotExceptAudit();
    const again = await runDailySkillJob(env, tomorrow);
    expect(again).toMatchObject({ promoted: [], failing: [], retired: [] });
    expect(await snapshotExceptAudit()).toBe(before);
  });

  it("lets the operator promote only what meets the thresholds, saying what is missing", async () => {
    const skill = await globalSkill({ name: "Operator promotion" });
    const pool = await tenants(5);
    const yesterday = addDays(today, -1);
    // The operator judges on the days already rolled up: make the candidates yesterday's
    // (in every shard: the tenants' candidates are in theirs).
    const backdate = async () => {
      for (const db of shardDbs()) {
        await db
          .prepare("UPDATE generated_content SET created_at = ? WHERE skill_id = ?")
          .bind(`${yesterday}T12:00:00.000Z`, skill.id)
          .run();
      }
    };
    await goodUses(pool.slice(0, 4), skill.id, 13);
    await backdate();
    await rollUpDay(env, yesterday);
    const promote = () =>
      call(`/v1/admin/skills/${skill.id}/promote`, { token: ADMIN, body: { reason: "Reviewed by the content team" } });
    const refused = await promote();
    expect(refused.status).toBe(409);
    expect(await json(refused)).toMatchObject({ unmet: ["used by 4 tenants, needs 5"] });
    expect(await events(skill.id)).toEqual([]);

    await goodUses(pool.slice(4), skill.id, 1);
    await backdate();
    await rollUpDay(env, yesterday);
    const promoted = await promote();
    expect(promoted.status, await promoted.clone().text()).toBe(200);
    expect(await json<Skill>(promoted)).toMatchObject({ status: "active", visibility: "global" });
    const trail = await events(skill.id);
    expect(trail).toEqual([expect.objectContaining({ action: "promote_to_global", actor: "admin:operator" })]);
    expect(trail[0]?.reason).toContain("Reviewed by the content team");
    expect((await promote()).status).toBe(409);
  });
});

describe("failing and retirement", () => {
  it("marks a global skill failing across 5 tenants, then retires it after 7 days failing", async () => {
    const skill = await globalSkill({ name: "Sinking" });
    const pool = await tenants(5);
    await defectiveUses(pool, skill.id, 4);
    const first = await runDailySkillJob(env, tomorrow);
    expect(first.failing).toContain(skill.id);
    expect((await skillRow(skill.id))?.status).toBe("failing");
    expect(await events(skill.id)).toEqual([]);

    // Not yet seven days failing: nothing more happens.
    expect((await runDailySkillJob(env, tomorrow)).retired).not.toContain(skill.id);
    await env.DB.prepare("UPDATE skills SET updated_at = ? WHERE skill_id = ?")
      .bind(`${addDays(today, -7)}T08:00:00.000Z`, skill.id)
      .run();
    const later = await runDailySkillJob(env, tomorrow);
    expect(later.retired).toContain(skill.id);
    expect((await skillRow(skill.id))?.status).toBe("retired");
    expect(await events(skill.id)).toEqual([
      {
        action: "retire_skill",
        actor: "system_auto",
        tenant_id: null,
        reason: "Failing for 7 days without being taken back to testing",
      },
    ]);
  });

  it("leaves a skill alone when fewer than 5 tenants report it failing", async () => {
    const skill = await globalSkill({ name: "One loud tenant" });
    const [loud] = await tenants(1);
    await defectiveUses([loud as TestTenant], skill.id, 30);
    expect((await runDailySkillJob(env, tomorrow)).failing).not.toContain(skill.id);
    expect((await skillRow(skill.id))?.status).toBe("testing");
  });
});

describe("the cron trigger", () => {
  it("runs the daily job through the scheduled handler", async () => {
    const skill = await globalSkill({ name: "Cron subject" });
    const [tenant] = await tenants(1);
    await use(tenant as TestTenant, skill.id);
    const controller = createScheduledController({
      scheduledTime: new Date(`${tomorrow}T00:15:00Z`),
      cron: "15 0 * * *",
    });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    const row = await env.DB.prepare("SELECT uses FROM skill_metrics_daily WHERE skill_id = ? AND date = ?")
      .bind(skill.id, today)
      .first<{ uses: number }>();
    expect(row?.uses).toBe(1);
  });
});
