// The global database's share of bench:scale's dataset: the shared skill registry as a
// platform of many tenants has it, so the statements of src/core/db that read it (the visible
// skills list, versions, embeddings, daily metrics, sharing events) meet a registry of
// that size; and the directory's billing and erasure rows, so the Stripe webhook's and
// the erasure job's statements meet a platform's history. Ratios:
//
//   skills                 300 global (the skills generated content names among
//                          them), and private ones: 30 of the big tenant's, 3 of every
//                          third small tenant's, 1 of the others'; statuses and tasks mixed
//   skill_versions         2 a skill (the second active)
//   skill_embeddings       1 an active version (1,024 float32: 4 KiB)
//   skill_metrics_daily    the used skills, every day of the dataset, 2 contexts a day
//   sharing_events         1 a global skill (its promotion), 1 a fork
//   operator_audit_logs    1 in 10 skills
//   tenants                every one a Stripe customer (all pay: standard or enterprise);
//                          1 in 20 small ones deleted, in their 30-day grace
//   stripe_events          about 14 a tenant over a year: its subscription's creation, an
//                          invoice paid every 30 days (applied); for 1 in 10 tenants a
//                          failed payment two days before one (applied); for 1 in 2 an
//                          event that changes nothing (ignored), for 1 in 20 one of a
//                          customer no tenant has (unmatched)
//   tenant_erasures        a grace for each deleted tenant (asked 0 to 30 days ago: a
//                          few are over, as the daily job leaves them); former tenants
//                          (no directory row left): 1 erased for every 5 tenants (the
//                          records of a platform's churn, kept for good) and 1 under way
//                          for every 100, at a step past the directory's
//   tenant_tombstones      1 a former tenant

import { ERASURE_STEPS } from "../../../src/core/db/tenant-erasures";
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

/** A tenant's Stripe customer id: every generated tenant pays (standard or enterprise). */
export function customerOf(tenantId: string): string {
  return `cus_${tenantId.slice(-14)}`;
}

/** Whether a generated tenant is deleted and in its grace (1 in 20 small ones). */
export function isDeleted(t: Pick<TenantShape, "index">): boolean {
  return t.index > 0 && t.index % 20 === 0;
}

interface StripeEventSpec extends Record<string, unknown> {
  event_id: string;
  type: string;
  created: number;
  customer_id: string;
  tenant_id: string | null;
  outcome: string;
  detail: string | null;
  received_at: string;
}

/**
 * A tenant's Stripe events over the dataset's days (header's ratios), oldest first, and
 * what its directory row keeps of them: the newest applied event's `created`.
 */
export function stripeEventsOf(t: TenantShape, nowMs: number, days: number) {
  const rnd = random(t.index * 104_729 + 3);
  const customer = customerOf(t.tenantId);
  const events: StripeEventSpec[] = [];
  const event = (type: string, atMs: number, tenant: string | null, outcome: string, detail: string | null) => {
    events.push({
      event_id: id("evt", atMs, rnd),
      type,
      created: Math.floor(atMs / 1000),
      customer_id: tenant === null && outcome === "unmatched" ? `cus_gone${customer.slice(8)}` : customer,
      tenant_id: tenant,
      outcome,
      detail,
      received_at: new Date(atMs + 2000).toISOString(),
    });
  };
  const startMs = nowMs - days * DAY_MS;
  event("customer.subscription.created", startMs, t.tenantId, "applied", null);
  const failing = t.index % 10 === 3 ? 1 + Math.floor(rnd() * Math.floor(days / 30)) : -1;
  for (let n = 1; n * 30 <= days; n++) {
    const atMs = startMs + n * 30 * DAY_MS + Math.floor(rnd() * 3_600_000);
    if (n === failing) event("invoice.payment_failed", atMs - 2 * DAY_MS, t.tenantId, "applied", null);
    event("invoice.paid", atMs, t.tenantId, "applied", null);
  }
  if (t.index % 2 === 1) {
    event(
      "customer.updated",
      startMs + Math.floor(rnd() * days) * DAY_MS,
      null,
      "ignored",
      "a type that changes nothing",
    );
  }
  if (t.index % 20 === 7) {
    event(
      "invoice.paid",
      startMs + Math.floor(rnd() * days) * DAY_MS,
      null,
      "unmatched",
      "no tenant has this customer",
    );
  }
  events.sort((a, b) => a.created - b.created);
  const applied = events.filter((e) => e.outcome === "applied");
  return { events, lastApplied: applied.at(-1) as StripeEventSpec };
}

/** The grace of a deleted generated tenant: asked 0 to 30 days (and 3 hours) ago, by its owner. */
function graceOf(t: TenantShape, nowMs: number) {
  const rnd = random(t.index * 7_867 + 11);
  const askedMs = nowMs - (((t.index / 20) * 11) % 31) * DAY_MS - 3 * 3_600_000;
  return {
    tenant_id: t.tenantId,
    erasure_id: id("era", askedMs, rnd),
    state: "grace",
    requested_by: `user:${t.users[0]}`,
    requested_at: new Date(askedMs).toISOString(),
    erase_after: new Date(askedMs + 30 * DAY_MS).toISOString(),
  };
}

/** Former tenants of the group (header's ratios): their erasure's row and their tombstone. */
function formerTenants(tenants: readonly TenantShape[], shardName: string, nowMs: number, days: number) {
  const erasures: Record<string, unknown>[] = [];
  const tombstones: Record<string, unknown>[] = [];
  const pastDirectory = ERASURE_STEPS.slice(ERASURE_STEPS.indexOf("revoke"), ERASURE_STEPS.indexOf("done"));
  for (const t of tenants) {
    const erased = t.index > 0 && t.index % 5 === 0;
    const underWay = t.index % 100 === 50;
    if (!erased && !underWay) continue;
    const rnd = random(t.index * 15_485_863 + 5);
    for (const state of [erased ? "erased" : null, underWay ? "erasing" : null]) {
      if (state === null) continue;
      const askedMs =
        state === "erased"
          ? nowMs - 400 * DAY_MS + Math.floor(rnd() * Math.max(1, days - 35) * DAY_MS)
          : nowMs - 32 * DAY_MS;
      const startedMs = askedMs + 30 * DAY_MS + Math.floor(rnd() * DAY_MS);
      const directoryMs = startedMs + 60_000;
      const tenantId = id("ten", askedMs - 200 * DAY_MS, rnd);
      const step = state === "erasing" ? pastDirectory[Math.floor(rnd() * pastDirectory.length)] : null;
      erasures.push({
        tenant_id: tenantId,
        erasure_id: id("era", askedMs, rnd),
        state,
        requested_by: `user:${id("usr", askedMs - 200 * DAY_MS, rnd)}`,
        requested_at: new Date(askedMs).toISOString(),
        erase_after: new Date(askedMs + 30 * DAY_MS).toISOString(),
        started_by: "grace_expiry",
        started_at: new Date(startedMs).toISOString(),
        step,
        region: "us-east",
        shard: shardName,
        directory_at: new Date(directoryMs).toISOString(),
        counts: JSON.stringify({ global: { key_prefixes: 2, tenants: 1 }, shard: { users: 2, publish_requests: 60 } }),
        revocations: JSON.stringify({ linkedin: { revoked: 0, invalid: 0, failed: 0, unsupported: 1, failures: [] } }),
        erased_at: state === "erased" ? new Date(startedMs + 3_600_000).toISOString() : null,
      });
      tombstones.push({
        tenant_id: tenantId,
        erased_at: new Date(state === "erased" ? startedMs + 3_600_000 : directoryMs).toISOString(),
      });
    }
  }
  return { erasures, tombstones };
}

/** The group's Stripe events, the graces of its deleted tenants, and its former tenants' erasures. */
export function billingAndErasures(
  global: D1Database,
  tenants: readonly TenantShape[],
  shardName: string,
  nowMs: number,
  days: number,
): D1PreparedStatement[] {
  const former = formerTenants(tenants, shardName, nowMs, days);
  return [
    ...bulkInsert(
      global,
      "stripe_events",
      tenants.flatMap((t) => stripeEventsOf(t, nowMs, days).events),
      {},
      300,
    ),
    ...bulkInsert(
      global,
      "tenant_erasures",
      tenants.filter(isDeleted).map((t) => graceOf(t, nowMs)),
    ),
    ...bulkInsert(global, "tenant_erasures", former.erasures),
    ...bulkInsert(global, "tenant_tombstones", former.tombstones),
  ];
}
