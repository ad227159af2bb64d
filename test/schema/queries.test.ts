// The seed's query examples run on the migrated schema, each in the database its
// tables live in, and its index plans hold in every shard.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Region } from "../../src/core/db/tenants";
import { shardDbs, tenantDb } from "../support/databases";
import {
  insertAccount,
  insertPost,
  insertRow,
  insertSkill,
  insertSkillVersion,
  insertTenant,
  uniqueId,
} from "../support/rows";
import { SEED_QUERIES } from "./seed-queries";

async function plan(db: D1Database, sql: string, ...params: unknown[]): Promise<string> {
  const { results } = await db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}

describe("query plans, in every shard", () => {
  it("answers §10.3's query from idx_posts_tenant_platform_date", async () => {
    expect(shardDbs().length).toBeGreaterThanOrEqual(3);
    for (const db of shardDbs()) {
      const detail = await plan(
        db,
        `SELECT * FROM published_posts
        WHERE tenant_id = 'tenant_001'
          AND platform = 'linkedin'
          AND published_at >= '2025-10-01'
        ORDER BY published_at DESC
        LIMIT 50`,
      );
      expect(detail).toContain(
        "USING INDEX idx_posts_tenant_platform_date (tenant_id=? AND platform=? AND published_at>?)",
      );
      expect(detail).not.toContain("TEMP B-TREE");
    }
  });

  // §10.2.3's covering index copied every post's text into a second b-tree to spare one
  // table row per post returned; migration 0013 drops it (D1 bills the rows it writes,
  // and reads a row of the table per post returned either way). idx_posts_tenant_platform_date
  // answers the query in the same order.
  it("answers §10.2.3's query in index order without its covering index", async () => {
    for (const db of shardDbs()) {
      const detail = await plan(
        db,
        `SELECT post_id, text, image_url, published_at
         FROM published_posts
         WHERE tenant_id = ?
           AND platform = 'linkedin'
         ORDER BY published_at DESC
         LIMIT 10`,
        "tenant_001",
      );
      expect(detail).toContain("USING INDEX idx_posts_tenant_platform_date (tenant_id=? AND platform=?)");
      expect(detail).not.toContain("TEMP B-TREE");
    }
  });
});

/**
 * Now as the database reads it: the approved schema's queries run as written, with
 * SQLite's datetime('now'), so their rows are dated on the database's clock, not the
 * Worker's (which TEST_TODAY may shift).
 */
async function databaseNow(): Promise<string> {
  return (await env.DB.prepare("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS now").first<string>("now")) as string;
}

describe("the seed's §11 examples", () => {
  // Some rows so the queries have something to join over.
  async function seedRows(): Promise<{ tenant: string; skills: string[] }> {
    const tenant = await insertTenant();
    const account = await insertAccount(tenant);
    const now = await databaseNow();
    const post = await insertPost(tenant, account, { campaign_id: "launch", published_at: now });
    await insertRow(await tenantDb(tenant), "post_analytics", {
      analytics_id: uniqueId("pa"),
      post_id: post,
      tenant_id: tenant,
      platform: "linkedin",
      impressions: 1000,
      reach: 900,
      clicks: 30,
      engagement_rate: 0.05,
      viral_coefficient: 1.5,
    });
    const skills = [await insertSkill(), await insertSkill(), await insertSkill()];
    const skill = skills[0] as string;
    const version = await insertSkillVersion(skill);
    await insertRow(env.DB, "skill_metrics_daily", {
      date: now.slice(0, 10),
      skill_id: skill,
      skill_version_id: version,
      context_hash: "ctx",
      uses: 20,
      pass_rate: 0.9,
      approval_rate: 0.8,
    });
    return { tenant, skills };
  }

  const runnable = SEED_QUERIES.filter((q) => q.title !== "Calculate Platform Benchmarks" && q.database !== "both");

  it("sums a campaign's posts, impressions, clicks and conversions (ROI by Campaign)", async () => {
    const { tenant } = await seedRows();
    const roi = SEED_QUERIES.find((q) => q.title === "ROI by Campaign");
    const { results } = await (await tenantDb(tenant))
      .prepare(roi?.sql ?? "")
      .bind(tenant)
      .all();
    // The seeded post of campaign "launch", its analytics row, and no conversion yet.
    expect(results).toEqual([
      {
        campaign_id: "launch",
        total_posts: 1,
        total_impressions: 1000,
        total_clicks: 30,
        total_conversions: 0,
        total_revenue: null,
        roi_percent: null,
      },
    ]);
  });

  it.each(runnable.map((q) => [q.title, q] as const))("%s runs without error", async (_title, query) => {
    const { tenant, skills } = await seedRows();
    const placeholders = (query.sql.match(/\?/g) ?? []).length;
    // The only parameterised examples take the tenant id, or three skill ids.
    const params = query.sql.includes("skill_id IN") ? skills : Array(placeholders).fill(tenant);
    const db = query.database === "global" ? env.DB : await tenantDb(tenant);
    const { results, success } = await db
      .prepare(query.sql)
      .bind(...params)
      .all();
    expect(success).toBe(true);
    expect(Array.isArray(results)).toBe(true);
  });

  it("finds the viral post and the similar skills it was given", async () => {
    const { tenant, skills } = await seedRows();
    const viral = SEED_QUERIES.find((q) => q.title === "Detect Viral Posts");
    const similar = SEED_QUERIES.find((q) => q.title.startsWith("Find Similar Skills"));
    const viralRows = await (await tenantDb(tenant))
      .prepare(viral?.sql ?? "")
      .bind(tenant)
      .all();
    expect(viralRows.results).toHaveLength(1);
    const similarRows = await env.DB.prepare(similar?.sql ?? "")
      .bind(...skills)
      .all();
    expect(similarRows.results).toHaveLength(3);
  });

  it("§11.2 'Calculate Platform Benchmarks' cannot run on SQLite: its LIMIT/OFFSET refer to the outer row", async () => {
    const benchmarks = SEED_QUERIES.find((q) => q.title === "Calculate Platform Benchmarks");
    // Its LIMIT/OFFSET subqueries refer to the outer row, which SQLite cannot do;
    // the analytics flush computes medians and percentiles another way.
    for (const db of shardDbs()) {
      await expect(db.prepare(benchmarks?.sql ?? "").run()).rejects.toThrow(/no such column: pa\.tenant_id/);
    }
  });

  describe("§11.3 'Aggregate Skill Performance (K-Anonymity Protected)'", () => {
    const query = SEED_QUERIES.find((q) => q.database === "both");
    // Its tenant counts read revision_events (every shard), the rest the skill registry
    // (global): the seed's text, cut at the end of its WITH clause.
    const parts = /^[\s\S]*?WITH tenant_counts AS \(\n([\s\S]*?)\n\)\n(SELECT[\s\S]*)$/.exec(query?.sql ?? "");
    const tenantCounts = parts?.[1] ?? "";
    const aggregate = parts?.[2] ?? "";

    /** A revision event of `skillId` by a new tenant of `region`. */
    async function revisedBy(region: Region, skillId: string): Promise<void> {
      const tenant = await insertTenant({ region });
      const db = await tenantDb(tenant);
      const content = uniqueId("content");
      await insertRow(db, "generated_content", {
        content_id: content,
        tenant_id: tenant,
        intent_spec: "{}",
        content_type: "text",
        skill_id: skillId,
      });
      await insertRow(db, "revision_events", {
        event_id: uniqueId("rev"),
        request_id: uniqueId("req"),
        tenant_id: tenant,
        content_id: content,
        skill_id: skillId,
        classification: "defect",
        revision_type: "regenerate",
      });
    }

    it("cannot run in any one database: no database holds both revision_events and skills", async () => {
      expect(query?.title).toBe("Aggregate Skill Performance (K-Anonymity Protected)");
      // On the global database the test guard refuses it before SQLite would (no such table).
      await expect(async () => env.DB.prepare(query?.sql ?? "").all()).rejects.toThrow(
        /tenant-owned table \(revision_events\) was reached through the global database|no such table: revision_events/,
      );
      for (const db of shardDbs()) {
        await expect(db.prepare(query?.sql ?? "").all()).rejects.toThrow(/no such table: skills/);
      }
    });

    it("runs in its two parts, counting distinct tenants across the shards: 5 tenants pass, 4 do not", async () => {
      expect(tenantCounts).toContain("FROM revision_events");
      expect(aggregate).toContain("JOIN tenant_counts tc");
      const regions: Region[] = ["eu-west", "us-east", "ap-southeast", "eu-west", "us-east"];
      const [five, four] = [await insertSkill(), await insertSkill()] as [string, string];
      for (const [skillId, by] of [
        [five, regions],
        [four, regions.slice(0, 4)],
      ] as const) {
        const version = await insertSkillVersion(skillId);
        await insertRow(env.DB, "skill_metrics_daily", {
          date: (await databaseNow()).slice(0, 10),
          skill_id: skillId,
          skill_version_id: version,
          context_hash: "ctx",
          uses: 20,
          pass_rate: 0.9,
          defect_rate: 0.1,
        });
        for (const region of by) await revisedBy(region, skillId);
      }

      // A tenant is resident in one shard: per-shard distinct counts add up.
      const counts = new Map<string, number>();
      for (const db of shardDbs()) {
        const { results } = await db.prepare(tenantCounts).all<{ skill_id: string; unique_tenants: number }>();
        for (const row of results) counts.set(row.skill_id, (counts.get(row.skill_id) ?? 0) + row.unique_tenants);
      }
      const counted = JSON.stringify([...counts].map(([skill_id, unique_tenants]) => ({ skill_id, unique_tenants })));
      const { results } = await env.DB.prepare(
        `WITH tenant_counts AS (
           SELECT value ->> '$.skill_id' AS skill_id, value ->> '$.unique_tenants' AS unique_tenants FROM json_each(?)
         )
         ${aggregate}`,
      )
        .bind(counted)
        .all<{ skill_id: string; unique_tenants: number }>();
      const ours = results.filter((row) => row.skill_id === five || row.skill_id === four);
      expect(ours).toEqual([expect.objectContaining({ skill_id: five, unique_tenants: 5 })]);
    });
  });
});
