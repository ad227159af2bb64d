// The global database's statements (./statements.ts): the directory, its billing (the
// Stripe webhook, the operator's changes) and tenants' erasures, and the shared skill
// registry, as the big tenant and the operator use them.
import { newOAuthClientId } from "../../../src/core/auth/oauth-tokens";
import { QUOTA_SETTINGS } from "../../../src/core/billing/plans";
import { GRACE_SETTING } from "../../../src/core/billing/subscription";
import type { AuditActor } from "../../../src/core/db/audit-logs";
import { newId } from "../../../src/core/db/ids";
import { findOAuthClient, insertOAuthClient } from "../../../src/core/db/oauth-clients";
import { operatorAuditStatement } from "../../../src/core/db/operator-audit";
import { insertSharingEvent, listSharingEvents } from "../../../src/core/db/sharing-events";
import { metricsOfSkill, upsertMetrics, windowFigures } from "../../../src/core/db/skill-metrics";
import {
  activateVersion,
  activeEmbeddings,
  addVersion,
  embeddingOfVersion,
  getActiveVersion,
  getVersion,
  insertEmbedding,
  listVersions,
} from "../../../src/core/db/skill-versions";
import {
  getSkill,
  getVisibleSkill,
  insertSkill,
  listVisibleSkills,
  moveSkill,
  renameSkill,
  visibleSkillsById,
} from "../../../src/core/db/skills";
import {
  applyEvent,
  type EventRecord,
  findStripeEvent,
  recordEvent,
  tenantsOfCustomer,
} from "../../../src/core/db/stripe-events";
import { operatorTenantUpdate } from "../../../src/core/db/tenant-billing";
import {
  cancelGrace,
  findErasure,
  finishErasure,
  insertGrace,
  insertTombstone,
  recordFailure,
  saveProgress,
  startErasureAfterGrace,
  startErasureNow,
} from "../../../src/core/db/tenant-erasures";
import { replaceSettingsKeeping } from "../../../src/core/db/tenant-settings";
import {
  bumpEncryptionVersion,
  findTenant,
  insertTenant,
  tenantStandingOf,
  tenantStatusOf,
  updateTenant,
} from "../../../src/core/db/tenants";
import type { CaseContext, StatementCase } from "./statements";

const DAY_MS = 86_400_000;

type Run = (ctx: CaseContext) => Promise<unknown>;

const read = (name: string, run: Run): StatementCase => ({ name, kind: "read", database: "global", run });
const write = (name: string, run: Run, setup?: Run): StatementCase => ({
  name,
  kind: "write",
  database: "global",
  run,
  ...(setup ? { setup } : {}),
});

function nowIso(ctx: CaseContext): string {
  return new Date(ctx.nowMs).toISOString();
}

function day(ctx: CaseContext, daysAgo: number): string {
  return new Date(ctx.nowMs - daysAgo * DAY_MS).toISOString().slice(0, 10);
}

/** A skill of the registry (not recorded): the tenant's own, a global one, or one content names. */
async function skillOf(ctx: CaseContext, which: "own" | "global" | "used"): Promise<string> {
  if (which === "used") return ctx.tenant.skills[0] as string;
  const row = await ctx.raw.global
    .prepare("SELECT skill_id FROM skills WHERE visibility = ? ORDER BY skill_id LIMIT 1 OFFSET ?")
    .bind(which === "own" ? `tenant:${ctx.tenant.tenantId}` : "global", which === "own" ? 0 : 7)
    .first<{ skill_id: string }>();
  return row?.skill_id ?? "none";
}

async function versionOf(ctx: CaseContext, skillId: string, active: 0 | 1): Promise<string> {
  const row = await ctx.raw.global
    .prepare("SELECT skill_version_id FROM skill_versions WHERE skill_id = ? AND is_active = ?")
    .bind(skillId, active)
    .first<{ skill_version_id: string }>();
  return row?.skill_version_id ?? "none";
}

/**
 * A deleted tenant of the directory, made for a case (not recorded): what DELETE
 * /v1/tenant leaves, before or without its erasure's row.
 */
export async function deletedTenant(ctx: CaseContext): Promise<string> {
  const tenantId = newId("tenant", ctx.nowMs);
  await ctx.raw.global
    .prepare(
      `INSERT INTO tenants (tenant_id, name, region, kms_key_id, tier, shard, status, created_at, updated_at)
       VALUES (?1, 'Bench deleted', 'us-east', ?2, 'standard', ?3, 'deleted', ?4, ?4)`,
    )
    .bind(tenantId, `kms_${tenantId.slice(4)}`, ctx.shardName, nowIso(ctx))
    .run();
  return tenantId;
}

/** A deleted tenant in its grace, asked `daysAgo` days ago (not recorded). */
async function tenantInGrace(ctx: CaseContext, daysAgo: number): Promise<string> {
  const tenantId = await deletedTenant(ctx);
  await insertGrace(ctx.raw.global, {
    tenantId,
    requestedBy: `user:${ctx.tenant.users[0]}`,
    nowMs: ctx.nowMs - daysAgo * DAY_MS,
  }).run();
  return tenantId;
}

/** A tenant whose erasure the operator started (not recorded): its row at the fence step. */
async function tenantErasing(ctx: CaseContext): Promise<string> {
  const tenantId = await tenantInGrace(ctx, 3);
  await startErasureNow(ctx.raw.global, tenantId, ctx.nowMs - 60_000).run();
  return tenantId;
}

/** A Stripe event as the webhook records it, received now; `type` and the tenant's customer. */
function stripeEvent(ctx: CaseContext, type: string): EventRecord {
  return {
    eventId: `evt_bench_${crypto.randomUUID().replaceAll("-", "")}`,
    type,
    created: Math.floor(ctx.nowMs / 1000),
    customerId: ctx.tenant.samples.customerId,
    receivedAt: nowIso(ctx),
  };
}

/** The settings keys only the operator sets (src/router/http/billing-settings.ts). */
const OPERATOR_KEYS = [...Object.values(QUOTA_SETTINGS), GRACE_SETTING];

const OPERATOR: AuditActor = {
  tenantId: null,
  userId: "operator",
  ip: "203.0.113.9",
  userAgent: "bench",
  requestId: null,
};

export function registryCases(): StatementCase[] {
  const tenant = (ctx: CaseContext) => ctx.tenant.tenantId;
  // The tenant a write case's setup made, for its run.
  let made = "none";
  return [
    // MCP clients' dynamic registration (OAuth 2.1) and the lookup of each authorize and token request.
    write("oauth: a client registered", (ctx) =>
      insertOAuthClient(ctx.global, {
        clientId: newOAuthClientId(),
        clientName: "Bench agent",
        redirectUris: ["http://127.0.0.1:33418/callback"],
        authMethod: "none",
        secretHash: null,
        grantTypes: ["authorization_code", "refresh_token"],
        createdAt: nowIso(ctx),
      }),
    ),
    read("oauth: a client by id", (ctx) => findOAuthClient(ctx.global, "ocl_bench_unknown")),
    // The directory.
    read("directory: a tenant", (ctx) => findTenant(ctx.global, tenant(ctx))),
    read("directory: a tenant's status", (ctx) => tenantStatusOf(ctx.global, tenant(ctx))),
    read("directory: a tenant's standing (status, subscription: publishing and upkeep)", (ctx) =>
      tenantStandingOf(ctx.global, tenant(ctx)),
    ),
    write("directory: a tenant created", (ctx) => {
      const tenantId = newId("tenant", ctx.nowMs);
      return ctx.global.batch([
        insertTenant(ctx.global, {
          tenantId,
          name: "Bench",
          region: "us-east",
          tier: "free",
          kmsKeyId: `kms_${tenantId.slice(4)}`,
          settings: {},
          shard: ctx.shardName,
          now: nowIso(ctx),
        }),
      ]);
    }),
    write("directory: a tenant's settings changed", (ctx) =>
      ctx.global.batch([updateTenant(ctx.global, tenant(ctx), { name: "Renamed" }, nowIso(ctx))]),
    ),
    write("directory: a tenant's key rotated (compare and set)", (ctx) =>
      ctx.global.batch([bumpEncryptionVersion(ctx.global, tenant(ctx), 1, 1, nowIso(ctx))]),
    ),
    // Billing: the operator's changes and Stripe's events (docs/billing.md).
    write("billing: the operator's change (customer, tier, subscription, a quota override)", (ctx) =>
      ctx.global.batch([
        operatorTenantUpdate(
          ctx.global,
          tenant(ctx),
          {
            stripe_customer_id: ctx.tenant.samples.customerId,
            tier: ctx.tenant.posts > 1000 ? "enterprise" : "standard",
            subscription_status: "active",
            settings: { [QUOTA_SETTINGS.users]: 2000 },
          },
          nowIso(ctx),
        ),
      ]),
    ),
    write("billing: the owner's settings replaced, the operator's kept (PATCH /v1/tenant)", (ctx) =>
      ctx.global.batch([
        replaceSettingsKeeping(
          ctx.global,
          tenant(ctx),
          { timezone: "Europe/Berlin", brand_voice: "plain" },
          OPERATOR_KEYS,
          nowIso(ctx),
        ),
      ]),
    ),
    read("billing: the tenants of a Stripe customer (webhook)", (ctx) =>
      tenantsOfCustomer(ctx.global, ctx.tenant.samples.customerId),
    ),
    read("billing: a recorded event (a repeated delivery's outcome)", (ctx) =>
      findStripeEvent(ctx.global, ctx.tenant.samples.stripeEventId),
    ),
    write("billing: an event that changes nothing recorded (ignored)", (ctx) =>
      ctx.global.batch([
        recordEvent(ctx.global, stripeEvent(ctx, "customer.updated"), "ignored", null, "a type that changes nothing"),
      ]),
    ),
    write("billing: an invoice paid applied to its tenant (the change and its record)", (ctx) =>
      ctx.global.batch(
        applyEvent(
          ctx.global,
          stripeEvent(ctx, "invoice.paid"),
          tenant(ctx),
          { kind: "payment_succeeded", customerId: ctx.tenant.samples.customerId },
          null,
        ),
      ),
    ),
    write("billing: a repeated delivery (nothing applied)", (ctx) =>
      ctx.global.batch(
        applyEvent(
          ctx.global,
          { ...stripeEvent(ctx, "invoice.paid"), eventId: ctx.tenant.samples.stripeEventId },
          tenant(ctx),
          { kind: "payment_succeeded", customerId: ctx.tenant.samples.customerId },
          null,
        ),
      ),
    ),
    // A tenant's erasure (docs/privacy.md): its grace, the operator's and the job's starts, its checkpoint.
    read("erasure: a tenant's (GET /v1/admin/tenants/{id}/erasure)", async (ctx) => {
      const row = await ctx.raw.global
        .prepare("SELECT tenant_id FROM tenant_erasures WHERE state = 'erasing' ORDER BY tenant_id LIMIT 1")
        .first<{ tenant_id: string }>();
      return findErasure(ctx.global, row?.tenant_id ?? "none");
    }),
    write("erasure: a grace started (DELETE /v1/tenant)", (ctx) =>
      ctx.global.batch([
        insertGrace(ctx.global, {
          tenantId: newId("tenant", ctx.nowMs),
          requestedBy: `user:${ctx.tenant.users[0]}`,
          nowMs: ctx.nowMs,
        }),
      ]),
    ),
    write(
      "erasure: a grace cancelled (the owner's restore)",
      (ctx) => ctx.global.batch([cancelGrace(ctx.global, made)]),
      async (ctx) => {
        made = await tenantInGrace(ctx, 5);
      },
    ),
    write(
      "erasure: started at once by the operator (its grace skipped)",
      (ctx) => ctx.global.batch([startErasureNow(ctx.global, made, ctx.nowMs)]),
      async (ctx) => {
        made = await tenantInGrace(ctx, 5);
      },
    ),
    write(
      "erasure: a grace over started (the daily job)",
      (ctx) => ctx.global.batch([startErasureAfterGrace(ctx.global, made, ctx.nowMs)]),
      async (ctx) => {
        made = await tenantInGrace(ctx, 31);
      },
    ),
    write(
      "erasure: a checkpoint saved",
      (ctx) =>
        ctx.global.batch([
          saveProgress(ctx.global, made, {
            step: "shard",
            cursor: { table: 9, after: "post_01J" },
            counts: { global: { tenants: 1, key_prefixes: 2 }, shard: { users: 2 } },
            revocations: { linkedin: { revoked: 1, invalid: 0, failed: 0, unsupported: 0, failures: [] } },
            directoryAt: nowIso(ctx),
          }),
        ]),
      async (ctx) => {
        made = await tenantErasing(ctx);
      },
    ),
    write(
      "erasure: a step's failure recorded",
      (ctx) => ctx.global.batch([recordFailure(ctx.global, made, "shard SHARD_US_EAST_1: D1 unavailable")]),
      async (ctx) => {
        made = await tenantErasing(ctx);
      },
    ),
    write("erasure: the directory's tombstone", (ctx) =>
      ctx.global.batch([insertTombstone(ctx.global, newId("tenant", ctx.nowMs), nowIso(ctx))]),
    ),
    write(
      "erasure: finished (the row becomes its record)",
      (ctx) =>
        ctx.global.batch([
          finishErasure(
            ctx.global,
            made,
            { shard: { users: 2 } },
            { linkedin: { revoked: 1, invalid: 0, failed: 0, unsupported: 0, failures: [] } },
            nowIso(ctx),
          ),
        ]),
      async (ctx) => {
        made = await tenantErasing(ctx);
      },
    ),
    write("operator: an audit row", (ctx) =>
      ctx.global.batch([
        operatorAuditStatement(ctx.global, OPERATOR, { action: "skill.promote", resourceType: "skill" }, nowIso(ctx)),
      ]),
    ),
    // Skills as a tenant sees them (GET /v1/skills).
    read("skills: page 1 (GET /v1/skills)", (ctx) => listVisibleSkills(ctx.global, tenant(ctx), {}, { limit: 50 })),
    read("skills: page after the first", async (ctx) => {
      const first = await listVisibleSkills(ctx.raw.global, tenant(ctx), {}, { limit: 50 });
      return listVisibleSkills(ctx.global, tenant(ctx), {}, { limit: 50, afterId: first.rows.at(-1)?.skill_id });
    }),
    read("skills: visibility=private", (ctx) =>
      listVisibleSkills(ctx.global, tenant(ctx), { visibility: "private" }, { limit: 50 }),
    ),
    read("skills: visibility=global", (ctx) =>
      listVisibleSkills(ctx.global, tenant(ctx), { visibility: "global" }, { limit: 50 }),
    ),
    read("skills: status=failing", (ctx) =>
      listVisibleSkills(ctx.global, tenant(ctx), { status: "failing" }, { limit: 50 }),
    ),
    read("skills: task=", (ctx) => listVisibleSkills(ctx.global, tenant(ctx), { task: "email" }, { limit: 50 })),
    read("skills: platform= & status=", (ctx) =>
      listVisibleSkills(ctx.global, tenant(ctx), { platform: "twitter", status: "champion" }, { limit: 50 }),
    ),
    read("skills: task= & modality= & platform= & status=", (ctx) =>
      listVisibleSkills(
        ctx.global,
        tenant(ctx),
        { task: "story", modality: "video", platform: "instagram", status: "active" },
        { limit: 50 },
      ),
    ),
    read("skills: one the tenant may see", async (ctx) =>
      getVisibleSkill(ctx.global, tenant(ctx), await skillOf(ctx, "own")),
    ),
    read("skills: one (operator, daily job)", async (ctx) => getSkill(ctx.global, await skillOf(ctx, "global"))),
    read("skills: search hits by id (20)", async (ctx) => {
      const { results } = await ctx.raw.global
        .prepare("SELECT skill_id FROM skills WHERE visibility = 'global' ORDER BY skill_id DESC LIMIT 20")
        .all<{ skill_id: string }>();
      return visibleSkillsById(
        ctx.global,
        tenant(ctx),
        results.map((r) => r.skill_id),
      );
    }),
    write("skills: created with its first version", (ctx) => {
      const skillId = newId("skill", ctx.nowMs);
      return ctx.global.batch([
        insertSkill(ctx.global, {
          skillId,
          name: "Bench skill",
          task: "social_post",
          platform: "linkedin",
          modality: "text",
          visibility: `tenant:${tenant(ctx)}`,
          parentSkillId: null,
          status: "testing",
          tier: "experimental",
          now: nowIso(ctx),
        }),
        ...addVersion(ctx.global, skillId, newId("skillVersion", ctx.nowMs), DEFINITION, true, nowIso(ctx)),
      ]);
    }),
    write("skills: renamed", async (ctx) =>
      ctx.global.batch([renameSkill(ctx.global, await skillOf(ctx, "own"), "Renamed", nowIso(ctx))]),
    ),
    write("skills: status changed (compare and set)", async (ctx) =>
      ctx.global.batch([
        moveSkill(
          ctx.global,
          await skillOf(ctx, "own"),
          { from: "testing", to: "active", tier: "standard" },
          nowIso(ctx),
        ),
      ]),
    ),
    // Versions and embeddings.
    read("versions: a skill's (page 1)", async (ctx) =>
      listVersions(ctx.global, await skillOf(ctx, "global"), { limit: 50 }),
    ),
    read("versions: one", async (ctx) => {
      const skillId = await skillOf(ctx, "global");
      return getVersion(ctx.global, skillId, await versionOf(ctx, skillId, 0));
    }),
    read("versions: the active one", async (ctx) => getActiveVersion(ctx.global, await skillOf(ctx, "global"))),
    write("versions: a new inactive version", async (ctx) =>
      ctx.global.batch(
        addVersion(
          ctx.global,
          await skillOf(ctx, "own"),
          newId("skillVersion", ctx.nowMs),
          DEFINITION,
          false,
          nowIso(ctx),
        ),
      ),
    ),
    write("versions: another activated", async (ctx) => {
      const skillId = await skillOf(ctx, "own");
      return ctx.global.batch(activateVersion(ctx.global, skillId, await versionOf(ctx, skillId, 0), nowIso(ctx)));
    }),
    write("embeddings: one recorded", async (ctx) => {
      const skillId = await skillOf(ctx, "own");
      return ctx.global.batch([
        insertEmbedding(ctx.global, {
          embeddingId: newId("skillEmbedding", ctx.nowMs),
          skillId,
          versionId: await versionOf(ctx, skillId, 1),
          vector: new Uint8Array(new Float32Array(1024).fill(0.01).buffer),
          tags: null,
          now: nowIso(ctx),
        }),
      ]);
    }),
    read("embeddings: of 20 skills' active versions", async (ctx) => {
      const { results } = await ctx.raw.global
        .prepare("SELECT skill_id FROM skills WHERE visibility = 'global' ORDER BY skill_id LIMIT 20")
        .all<{ skill_id: string }>();
      return activeEmbeddings(
        ctx.global,
        results.map((r) => r.skill_id),
      );
    }),
    read("embeddings: of a version", async (ctx) => {
      const skillId = await skillOf(ctx, "global");
      return embeddingOfVersion(ctx.global, await versionOf(ctx, skillId, 1));
    }),
    // Metrics and the sharing trail.
    read("metrics: a skill's 30 days", (ctx) =>
      metricsOfSkill(ctx.global, ctx.tenant.skills[0] as string, day(ctx, 30), day(ctx, 1)),
    ),
    read("metrics: a skill's figures over 30 days (evidence)", (ctx) =>
      windowFigures(ctx.global, day(ctx, 30), day(ctx, 1), ctx.tenant.skills[0]),
    ),
    write("metrics: a day's row written", async (ctx) => {
      const skillId = ctx.tenant.skills[0] as string;
      return ctx.global.batch([
        upsertMetrics(ctx.global, {
          date: day(ctx, 1),
          skill_id: skillId,
          skill_version_id: await versionOf(ctx, skillId, 1),
          context_hash: "ctx_a",
          uses: 10,
          pass_rate: 0.9,
          defect_rate: 0.1,
          selection_rate: 0.3,
          approval_rate: 0.2,
          cost_avg: 0.004,
          latency_p50: 1000,
          latency_p95: 3000,
          unique_tenants: 2,
        }),
      ]);
    }),
    read("sharing events: page 1", (ctx) => listSharingEvents(ctx.global, {}, { limit: 50 })),
    read("sharing events: a skill's", async (ctx) =>
      listSharingEvents(ctx.global, { skillId: await skillOf(ctx, "global") }, { limit: 50 }),
    ),
    read("sharing events: action=fork_skill", (ctx) =>
      listSharingEvents(ctx.global, { action: "fork_skill" }, { limit: 50 }),
    ),
    read("sharing events: action=retire_skill (none)", (ctx) =>
      listSharingEvents(ctx.global, { action: "retire_skill" }, { limit: 50 }),
    ),
    write("sharing events: a fork recorded", async (ctx) =>
      ctx.global.batch([
        insertSharingEvent(
          ctx.global,
          {
            action: "fork_skill",
            actor: `tenant:${tenant(ctx)}`,
            tenantId: tenant(ctx),
            skillId: await skillOf(ctx, "own"),
            reason: "bench",
          },
          nowIso(ctx),
        ),
      ]),
    ),
  ];
}

const DEFINITION = {
  promptFragments: { hook: "Lead with the customer" },
  constraints: {},
  toolchain: {},
  guards: ["brand_voice"],
  notes: null,
};
