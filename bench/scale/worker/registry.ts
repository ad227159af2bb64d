// The global database's share of bench:scale's dataset: the shared skill registry as a
// platform of many tenants has it, so the statements of src/core/db that read it (the visible
// skills list, versions, embeddings, daily metrics, sharing events) meet a registry of
// that size. Ratios:
//
//   skills                 300 global (the skills generated content names among
//                          them), and private ones: 30 of the big tenant's, 3 of every
//                          third small tenant's, 1 of the others'; statuses and tasks mixed
//   skill_versions         2 a skill (the second active)
//   skill_embeddings       1 an active version (1,024 float32: 4 KiB)
//   skill_metrics_daily    the used skills, every day of the dataset, 2 contexts a day
//   sharing_events         1 a global skill (its promotion), 1 a fork
//   operator_audit_logs    1 in 10 skills
import { CONTENT_PLATFORMS } from "../../../src/core/platforms/types";
import { SKILL_STATUSES } from "../../../src/core/skills/lifecycle";
import { id, random, type TenantShape } from "./generate";
import { bulkInsert, embeddingHex } from "./generate-rest";

const DAY_MS = 86_400_000;
export const TASKS = ["social_post", "social_image_post", "ad_copy", "story", "email", "thread"];
export const MODALITIES = ["text", "image+text", "video"];

interface SkillSpec extends Record<string, unknown> {
  skill_id: string;
  visibility: string;
  status: string;
}

function skillRow(skillId: string, visibility: string, atMs: number, rnd: () => number, parent: string | null) {
  const status = SKILL_STATUSES[Math.floor(rnd() * SKILL_STATUSES.length)] as string;
  return {
    skill_id: skillId,
    name: `Skill ${skillId.slice(-6)}`,
    task: TASKS[Math.floor(rnd() * TASKS.length)],
    platform: CONTENT_PLATFORMS[Math.floor(rnd() * CONTENT_PLATFORMS.length)],
    modality: MODALITIES[Math.floor(rnd() * MODALITIES.length)],
    visibility,
    parent_skill_id: parent,
    status,
    tier: status === "champion" ? "champion" : "standard",
    created_at: new Date(atMs).toISOString(),
    updated_at: new Date(atMs).toISOString(),
  } satisfies SkillSpec;
}

/** Two versions a skill (the second active), an embedding of the active one. */
function versionsOf(global: D1Database, skills: readonly SkillSpec[], atMs: number, rnd: () => number) {
  const versions = skills.flatMap((s) =>
    [1, 2].map((n) => ({
      skill_version_id: id("skv", atMs, rnd),
      skill_id: s.skill_id,
      prompt_fragments_json: '{"hook":"Lead with the customer"}',
      constraints_json: "{}",
      toolchain_json: "{}",
      guards_json: '["brand_voice"]',
      version_number: n,
      is_active: n === 2 ? 1 : 0,
      created_at: new Date(atMs + n).toISOString(),
    })),
  );
  const active = versions.filter((v) => v.is_active === 1);
  return {
    active,
    statements: [
      ...bulkInsert(global, "skill_versions", versions),
      ...bulkInsert(
        global,
        "skill_embeddings",
        active.map((v) => ({
          embedding_id: id("ske", atMs, rnd),
          skill_id: v.skill_id,
          skill_version_id: v.skill_version_id,
          created_at: v.created_at,
        })),
        { vector: "unhex(?2)" },
        200,
        [embeddingHex(1024)],
      ),
    ],
  };
}

/** The global skills (`used` among them: the ids generated content names), their trail, metrics and the operator's audit. */
export function globalRegistry(global: D1Database, used: readonly string[], nowMs: number, days: number) {
  const rnd = random(99_991);
  const atMs = nowMs - 400 * DAY_MS;
  const ids = [...used, ...Array.from({ length: 300 - used.length }, () => id("skl", atMs, rnd))];
  const skills = ids.map((skillId, i) => {
    const row = skillRow(skillId, "global", atMs + i, rnd, null);
    // The skills content names are in use: active, whatever the draw said.
    return used.includes(skillId) ? { ...row, status: "active", tier: "standard" } : row;
  });
  const { active, statements } = versionsOf(global, skills, atMs, rnd);
  const activeOf = new Map(active.map((v) => [v.skill_id, v.skill_version_id]));
  const metrics = used.flatMap((skillId) =>
    Array.from({ length: days }, (_, d) =>
      ["ctx_a", "ctx_b"].map((context) => ({
        date: new Date(nowMs - (d + 1) * DAY_MS).toISOString().slice(0, 10),
        skill_id: skillId,
        skill_version_id: activeOf.get(skillId),
        context_hash: context,
        uses: 5 + Math.floor(rnd() * 50),
        pass_rate: 0.9,
        defect_rate: 0.05,
        selection_rate: 0.3,
        approval_rate: 0.2,
        cost_avg: 0.004,
        latency_p50: 1800,
        latency_p95: 4200,
        unique_tenants: 3,
      })),
    ).flat(),
  );
  const promotions = skills.map((s, i) => ({
    event_id: id("shr", atMs + i, rnd),
    action: "promote_to_global",
    actor: "system_auto",
    skill_id: s.skill_id,
    reason: "met the promotion policy",
    timestamp: new Date(atMs + i * 60_000).toISOString(),
  }));
  const operator = skills
    .filter((_, i) => i % 10 === 0)
    .map((s, i) => ({
      log_id: id("log", atMs + i, rnd),
      actor: "operator",
      action: "skill.promote",
      resource_type: "skill",
      resource_id: s.skill_id,
      success: 1,
      timestamp: new Date(atMs + i * 60_000).toISOString(),
    }));
  return [
    ...bulkInsert(global, "skills", skills),
    ...statements,
    ...bulkInsert(global, "skill_metrics_daily", metrics, {}, 300),
    ...bulkInsert(global, "sharing_events", promotions),
    ...bulkInsert(global, "operator_audit_logs", operator),
  ];
}

/** A tenant's private skills (30 of the big tenant's, 3 of every third small one, 1 of the others), some forked from a global one. */
export function privateSkills(global: D1Database, tenants: readonly TenantShape[], nowMs: number) {
  const statements: D1PreparedStatement[] = [];
  for (const t of tenants) {
    const count = t.posts > 1000 ? 30 : t.index % 3 === 0 ? 3 : 1;
    const rnd = random(t.index * 31 + 7);
    const atMs = nowMs - 300 * DAY_MS;
    const skills = Array.from({ length: count }, (_, i) => {
      const parent = i % 3 === 0 ? (t.skills[i % t.skills.length] ?? null) : null;
      return skillRow(id("skl", atMs + i, rnd), `tenant:${t.tenantId}`, atMs + i * DAY_MS, rnd, parent);
    });
    const forks = skills
      .filter((s) => s.parent_skill_id !== null)
      .map((s) => ({
        event_id: id("shr", atMs, rnd),
        action: "fork_skill",
        actor: `tenant:${t.tenantId}`,
        tenant_id: t.tenantId,
        skill_id: s.skill_id,
        reason: "a variant for our own voice",
        timestamp: s.created_at,
      }));
    statements.push(
      ...bulkInsert(global, "skills", skills),
      ...versionsOf(global, skills, atMs, rnd).statements,
      ...bulkInsert(global, "sharing_events", forks),
    );
  }
  return statements;
}
