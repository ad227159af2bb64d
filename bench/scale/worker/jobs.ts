// The jobs (./statements.ts): upkeep that reads what it must, each held to the budget
// its own module states for a tenant and for a run, with and without statistics.
//
//   ROI ledger rebuild        src/core/db/reports/campaign-posts.ts   REBUILD_READS
//   retention probe, prune,   src/core/retention/budget.ts            RETENTION_READS
//   audit archive
//   skill roll-up, evidence,  src/core/skills/daily-job.ts            SKILL_JOB_READS
//   review, index re-sync
//   planner statistics        src/core/db/optimize.ts                 OPTIMIZE_READS
//   erasure job's scans       src/core/erasure/job.ts                 ERASURE_SCAN_READS
import { OPTIMIZE_READS, optimizeDatabases } from "../../../src/core/db/optimize";
import { READ_BUDGET_OF_REBUILD, readCampaignSnapshot } from "../../../src/core/db/reports/campaign-posts";
import { residentDatabase } from "../../../src/core/db/resident-database";
import { windowFigures } from "../../../src/core/db/skill-metrics";
import { adoptDeletedTenants, erasuresUnderWay, gracesOver } from "../../../src/core/db/tenant-erasures";
import { ERASURE_SCAN_READS, MAX_ADOPTED, MAX_STARTS } from "../../../src/core/erasure/job";
import { archiveExpiredAudit } from "../../../src/core/retention/audit-archive";
import { CallBudget, RETENTION_READS } from "../../../src/core/retention/budget";
import { horizonsOf, scanShard } from "../../../src/core/retention/due";
import { retentionPolicy } from "../../../src/core/retention/policy";
import { pruneExpired } from "../../../src/core/retention/prune";
import { addDays } from "../../../src/core/skills/calendar";
import { SKILL_JOB_READS } from "../../../src/core/skills/daily-job";
import { evidenceFor } from "../../../src/core/skills/evidence";
import { resyncSkillIndex } from "../../../src/core/skills/index-resync";
import { rollUpDay } from "../../../src/core/skills/metrics-rollup";
import { reviewSkills } from "../../../src/core/skills/review";
import { deletedTenant } from "./statement-registry";
import type { CaseContext, StatementCase } from "./statements";

const DAY_MS = 86_400_000;

function today(ctx: CaseContext): string {
  return new Date(ctx.nowMs).toISOString().slice(0, 10);
}

async function count(db: D1Database, sql: string, ...params: unknown[]): Promise<number> {
  const row = await db
    .prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

function job(
  name: string,
  database: StatementCase["database"],
  budget: NonNullable<StatementCase["budget"]>,
  run: StatementCase["run"],
  setup?: StatementCase["setup"],
): StatementCase {
  return { name, kind: "job", database, budget, run, ...(setup ? { setup } : {}) };
}

/** The big tenant's horizons as the retention job computes them today (its plan's periods). */
function horizons(ctx: CaseContext) {
  return horizonsOf(retentionPolicy("enterprise", null), today(ctx));
}

export function jobCases(): StatementCase[] {
  return [
    job(
      "job: ROI ledger rebuilt from D1 (first report, then daily)",
      "shard",
      async (ctx) => {
        const since = new Date(ctx.nowMs - 365 * DAY_MS).toISOString();
        const posts = await count(
          ctx.raw.shard,
          `SELECT COUNT(*) AS n FROM published_posts WHERE tenant_id = ? AND published_at >= ? AND campaign_id IS NOT NULL`,
          ctx.tenant.tenantId,
          since,
        );
        const credit = await count(
          ctx.raw.shard,
          `SELECT COUNT(*) AS n FROM conversion_attributions WHERE tenant_id = ? AND touched_at >= ?`,
          ctx.tenant.tenantId,
          since,
        );
        return READ_BUDGET_OF_REBUILD({ campaignPosts: posts, creditRows: credit, days: 365 });
      },
      (ctx) =>
        readCampaignSnapshot(ctx.scope, { sinceMs: ctx.nowMs - 365 * DAY_MS, nowMs: ctx.nowMs, recentMs: 3_600_000 }),
    ),
    job(
      "job: retention, the probe of every tenant of the shard (pages of 100)",
      "shard",
      async (ctx) => {
        const tenants = await count(ctx.raw.global, "SELECT COUNT(*) AS n FROM tenants WHERE shard = ?", ctx.shardName);
        return RETENTION_READS.probe(tenants);
      },
      (ctx) =>
        scanShard(
          ctx.env,
          { name: ctx.shardName, region: "us-east", db: ctx.shard },
          today(ctx),
          new CallBudget({ d1: 1000, r2: 0 }),
        ),
    ),
    job(
      "job: retention, pruning the big tenant (its plan's periods: little is due)",
      "shard",
      async (ctx) => RETENTION_READS.prune(await prunable(ctx, ctx.tenant.tenantId, "enterprise")),
      (ctx) => pruneExpired(ctx.scope, horizons(ctx), new CallBudget({ d1: 100, r2: 0 }), 500),
    ),
    // Deleting changes the dataset: a small tenant of the shard is pruned, not the big one.
    job(
      "job: retention, pruning a small tenant (a free plan's periods)",
      "shard",
      async (ctx) => RETENTION_READS.prune(await prunable(ctx, ctx.neighbour.tenantId, "free")),
      (ctx) =>
        pruneExpired(
          {
            tenantId: ctx.neighbour.tenantId,
            shard: ctx.shardName,
            db: residentDatabase(ctx.shard, ctx.neighbour.tenantId, ctx.shardName),
          },
          horizonsOf(retentionPolicy("free", null), today(ctx)),
          new CallBudget({ d1: 100, r2: 0 }),
          500,
        ),
    ),
    job(
      "job: retention, the audit archive's read of a round (1,000 rows past a standard plan's 90 days)",
      "shard",
      () => RETENTION_READS.archiveRound(1000),
      // A budget of one D1 call: the round's read, then the job stops before archiving
      // anything (the bucket is never called), so the dataset keeps its trail.
      (ctx) =>
        archiveExpiredAudit(
          { scope: ctx.scope, bucket: {} as R2Bucket, budget: new CallBudget({ d1: 1, r2: 0 }), batchRows: 500 },
          addDays(today(ctx), -90),
        ),
    ),
    job(
      "job: skill metrics, one day rolled up (every tenant of the shard)",
      "shard",
      async (ctx) => {
        const day = addDays(today(ctx), -1);
        const facts = await count(
          ctx.raw.shard,
          "SELECT COUNT(*) AS n FROM generated_content WHERE skill_id IS NOT NULL AND created_at >= ? AND created_at < ?",
          `${day}T00:00:00.000Z`,
          `${today(ctx)}T00:00:00.000Z`,
        );
        return SKILL_JOB_READS.rollUp(facts);
      },
      (ctx) => rollUpDay(ctx.env, addDays(today(ctx), -1)),
    ),
    job(
      "job: skill evidence over 30 days (every skill)",
      "global",
      async (ctx) => {
        const from = addDays(today(ctx), -30);
        const rows = await count(ctx.raw.global, "SELECT COUNT(*) AS n FROM skill_metrics_daily WHERE date >= ?", from);
        const candidates = await count(
          ctx.raw.shard,
          "SELECT COUNT(*) AS n FROM generated_content WHERE skill_id IS NOT NULL AND created_at >= ?",
          `${from}T00:00:00.000Z`,
        );
        return SKILL_JOB_READS.evidence(rows, candidates);
      },
      (ctx) => evidenceFor(ctx.env, addDays(today(ctx), -30), addDays(today(ctx), -1)),
    ),
    job(
      "job: skill metrics of every skill over 30 days",
      "global",
      async (ctx) =>
        SKILL_JOB_READS.evidence(
          await count(
            ctx.raw.global,
            "SELECT COUNT(*) AS n FROM skill_metrics_daily WHERE date >= ?",
            addDays(today(ctx), -30),
          ),
          0,
        ),
      (ctx) => windowFigures(ctx.global, addDays(today(ctx), -30), addDays(today(ctx), -1)),
    ),
    job(
      "job: skill review (promotion, failure, retirement)",
      "global",
      // Its two windows (promotion's 30 days, failure's 7), and the skills it reads.
      async (ctx) => {
        let rows = 0;
        let candidates = 0;
        for (const days of [30, 7]) {
          const from = addDays(today(ctx), -days);
          rows += await count(ctx.raw.global, "SELECT COUNT(*) AS n FROM skill_metrics_daily WHERE date >= ?", from);
          candidates += await count(
            ctx.raw.shard,
            "SELECT COUNT(*) AS n FROM generated_content WHERE skill_id IS NOT NULL AND created_at >= ?",
            `${from}T00:00:00.000Z`,
          );
        }
        const skills = await count(
          ctx.raw.global,
          `SELECT COUNT(DISTINCT skill_id) + (SELECT COUNT(*) FROM skills WHERE visibility = 'global' AND status = 'failing') AS n
           FROM skill_metrics_daily WHERE date >= ?`,
          addDays(today(ctx), -30),
        );
        return SKILL_JOB_READS.review(rows, candidates, skills);
      },
      (ctx) => reviewSkills(ctx.env, today(ctx)),
    ),
    job(
      "job: skills index re-sync (skills changed in 3 days)",
      "global",
      async (ctx) =>
        SKILL_JOB_READS.resync(
          await count(
            ctx.raw.global,
            "SELECT COUNT(*) AS n FROM skills WHERE updated_at >= ?",
            `${addDays(today(ctx), -3)}T00:00:00.000Z`,
          ),
        ),
      (ctx) => resyncSkillIndex(ctx.env, `${addDays(today(ctx), -3)}T00:00:00.000Z`),
    ),
    job(
      "job: erasure, the daily run's scans (deleted tenants given a grace, graces over, erasures under way)",
      "global",
      async (ctx) => {
        const now = new Date(ctx.nowMs).toISOString();
        const n = (sql: string, ...params: unknown[]) => count(ctx.raw.global, sql, ...params);
        return ERASURE_SCAN_READS({
          deletedInDirectory: await n("SELECT COUNT(*) AS n FROM tenants WHERE status = 'deleted'"),
          adopted: await n(
            `SELECT COUNT(*) AS n FROM tenants t WHERE t.status = 'deleted'
               AND NOT EXISTS (SELECT 1 FROM tenant_erasures e WHERE e.tenant_id = t.tenant_id)`,
          ),
          gracesOver: await n(
            "SELECT COUNT(*) AS n FROM tenant_erasures WHERE state = 'grace' AND erase_after <= ?",
            now,
          ),
          underWay: await n("SELECT COUNT(*) AS n FROM tenant_erasures WHERE state = 'erasing'"),
        });
      },
      async (ctx) => {
        const now = new Date(ctx.nowMs).toISOString();
        await adoptDeletedTenants(ctx.global, ctx.nowMs, MAX_ADOPTED);
        await gracesOver(ctx.global, now, MAX_STARTS);
        await erasuresUnderWay(ctx.global, MAX_STARTS * 2);
      },
      // A tenant deleted before erasure existed: the run gives it its grace.
      (ctx) => deletedTenant(ctx),
    ),
    job(
      "job: planner statistics (PRAGMA optimize, each database)",
      "shard",
      async (ctx) =>
        OPTIMIZE_READS(await count(ctx.raw.shard, "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index'")) +
        OPTIMIZE_READS(await count(ctx.raw.global, "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index'")),
      (ctx) => optimizeDatabases(ctx.env),
    ),
  ];
}

/** What a plan's periods prune of a tenant now: counters, resolved errors, old candidates and theirs. */
async function prunable(ctx: CaseContext, tenant: string, tier: "free" | "enterprise"): Promise<number> {
  const h = horizonsOf(retentionPolicy(tier, null), today(ctx));
  const rates = await count(
    ctx.raw.shard,
    "SELECT COUNT(*) AS n FROM rate_limits WHERE tenant_id = ? AND window_start < ?",
    tenant,
    h.rateLimits,
  );
  const errors = await count(
    ctx.raw.shard,
    "SELECT COUNT(*) AS n FROM analytics_sync_errors WHERE tenant_id = ? AND resolved_at < ?",
    tenant,
    h.syncErrors,
  );
  const candidates = await count(
    ctx.raw.shard,
    `SELECT COUNT(*) + (SELECT COUNT(*) FROM guard_results g JOIN generated_content c ON c.content_id = g.content_id
                        WHERE c.tenant_id = ?1 AND c.created_at < ?2 AND c.user_selected = 0)
       + (SELECT COUNT(*) FROM revision_events e JOIN generated_content c ON c.content_id = e.content_id
          WHERE c.tenant_id = ?1 AND c.created_at < ?2 AND c.user_selected = 0) AS n
     FROM generated_content WHERE tenant_id = ?1 AND created_at < ?2 AND user_selected = 0`,
    tenant,
    h.content,
  );
  return rates + errors + candidates;
}
