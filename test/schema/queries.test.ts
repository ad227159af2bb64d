// The seed's query examples run on the migrated schema, and its index plans hold.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
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

async function plan(sql: string, ...params: unknown[]): Promise<string> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}

describe("query plans", () => {
  it("answers §10.3's query from idx_posts_tenant_platform_date", async () => {
    const detail = await plan(`SELECT * FROM published_posts
      WHERE tenant_id = 'tenant_001'
        AND platform = 'linkedin'
        AND published_at >= '2025-10-01'
      ORDER BY published_at DESC
      LIMIT 50`);
    expect(detail).toContain(
      "USING INDEX idx_posts_tenant_platform_date (tenant_id=? AND platform=? AND published_at>?)",
    );
    expect(detail).not.toContain("TEMP B-TREE");
  });

  it("answers §10.2.3's query from the covering index alone", async () => {
    const detail = await plan(
      `SELECT post_id, text, image_url, published_at
       FROM published_posts
       WHERE tenant_id = ?
         AND platform = 'linkedin'
       ORDER BY published_at DESC
       LIMIT 10`,
      "tenant_001",
    );
    expect(detail).toContain("USING COVERING INDEX idx_posts_covering");
    expect(detail).not.toContain("TEMP B-TREE");
  });
});

describe("the seed's §11 examples", () => {
  // Some rows so the queries have something to join over.
  async function seedRows(): Promise<{ tenant: string; skills: string[] }> {
    const tenant = await insertTenant();
    const account = await insertAccount(tenant);
    const post = await insertPost(tenant, account, { campaign_id: "launch", published_at: new Date().toISOString() });
    await insertRow("post_analytics", {
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
    await insertRow("skill_metrics_daily", {
      date: new Date().toISOString().slice(0, 10),
      skill_id: skill,
      skill_version_id: version,
      context_hash: "ctx",
      uses: 20,
      pass_rate: 0.9,
      approval_rate: 0.8,
    });
    return { tenant, skills };
  }

  const runnable = SEED_QUERIES.filter((q) => q.title !== "Calculate Platform Benchmarks");

  it("transcribes all six examples", () => {
    expect(SEED_QUERIES).toHaveLength(6);
  });

  it.each(runnable.map((q) => [q.title, q] as const))("%s runs without error", async (_title, query) => {
    const { tenant, skills } = await seedRows();
    const placeholders = (query.sql.match(/\?/g) ?? []).length;
    // The only parameterised examples take the tenant id, or three skill ids.
    const params = query.sql.includes("skill_id IN") ? skills : Array(placeholders).fill(tenant);
    const { results, success } = await env.DB.prepare(query.sql)
      .bind(...params)
      .all();
    expect(success).toBe(true);
    expect(Array.isArray(results)).toBe(true);
  });

  it("finds the viral post and the similar skills it was given", async () => {
    const { tenant, skills } = await seedRows();
    const viral = SEED_QUERIES.find((q) => q.title === "Detect Viral Posts");
    const similar = SEED_QUERIES.find((q) => q.title.startsWith("Find Similar Skills"));
    const viralRows = await env.DB.prepare(viral?.sql ?? "")
      .bind(tenant)
      .all();
    expect(viralRows.results).toHaveLength(1);
    const similarRows = await env.DB.prepare(similar?.sql ?? "")
      .bind(...skills)
      .all();
    expect(similarRows.results).toHaveLength(3);
  });

  it("§11.2 'Calculate Platform Benchmarks' cannot run on SQLite, as DESIGN.md records", async () => {
    const benchmarks = SEED_QUERIES.find((q) => q.title === "Calculate Platform Benchmarks");
    // Its LIMIT/OFFSET subqueries refer to the outer row, which SQLite cannot do;
    // the analytics flush computes medians and percentiles another way.
    await expect(env.DB.prepare(benchmarks?.sql ?? "").run()).rejects.toThrow(/no such column: pa\.tenant_id/);
  });
});
