// The retention job (docs/retention.md): each kind of history past the tenant's period
// goes, everything younger stays, per table, per plan and with a tenant's own
// periods; a second run changes nothing; a tenant whose shard refuses a statement is
// reported and the others are still done.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Tier } from "../../src/core/db/tenants";
import { TENANT_TABLES } from "../../src/core/placement/move/tenant-tables";
import { allShards } from "../../src/core/placement/shards";
import { RETENTION_DEFAULTS, type RetentionPolicy } from "../../src/core/retention/policy";
import { dayOf } from "../../src/core/skills/calendar";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { ADMIN, createTenant } from "../support/tenants";
import {
  daysBefore,
  idsIn,
  plantAudit,
  plantContent,
  plantPost,
  plantPublishRequest,
  plantRateWindow,
  plantSyncError,
} from "./plant";

const AS_OF = dayOf(new Date());

interface Report {
  complete: boolean;
  failed: number;
  failures: { tenant_id: string | null; step: string; reason: string }[];
  archived: { days: number; rows: number };
  deleted: Record<string, number>;
}

async function runJob(): Promise<Report> {
  const res = await call("/v1/admin/jobs/retention", { token: ADMIN, body: { as_of: AS_OF } });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Report>(res);
}

/** One row of each kind just past the period, and one on the first day kept. */
async function plantHistory(tenantId: string, policy: RetentionPolicy) {
  const past = (days: number) => daysBefore(AS_OF, days + 1);
  const kept = (days: number) => daysBefore(AS_OF, days);
  const audit = {
    gone: [
      (await plantAudit(tenantId, past(policy.audit_logs_days))).log_id,
      (await plantAudit(tenantId, daysBefore(AS_OF, policy.audit_logs_days + 1, "23:59:59.999"))).log_id,
    ],
    kept: [
      (await plantAudit(tenantId, kept(policy.audit_logs_days))).log_id,
      (await plantAudit(tenantId, daysBefore(AS_OF, policy.audit_logs_days, "00:00:00.000"))).log_id,
    ],
  };
  await plantRateWindow(tenantId, past(policy.rate_limits_days));
  await plantRateWindow(tenantId, kept(policy.rate_limits_days));
  const rates = { gone: [past(policy.rate_limits_days)], kept: [kept(policy.rate_limits_days)] };

  const oldPost = await plantPost(tenantId, daysBefore(AS_OF, policy.sync_errors_days + 30));
  const errors = {
    gone: [await plantSyncError(oldPost, tenantId, past(policy.sync_errors_days + 1), past(policy.sync_errors_days))],
    kept: [
      await plantSyncError(oldPost, tenantId, past(policy.sync_errors_days + 2), null),
      await plantSyncError(oldPost, tenantId, past(policy.sync_errors_days + 3), kept(policy.sync_errors_days)),
    ],
  };

  const days = policy.unselected_content_days;
  const unselected = await plantContent(tenantId, past(days));
  const selected = await plantContent(tenantId, past(days), true);
  const published = await plantContent(tenantId, past(days));
  await plantPost(tenantId, past(days), published);
  const requested = await plantContent(tenantId, past(days));
  await plantPublishRequest(tenantId, requested, past(days));
  const young = await plantContent(tenantId, kept(days));
  const content = { gone: [unselected], kept: [selected, published, requested, young].sort() };
  return { audit, rates, errors, content };
}

type Planted = Awaited<ReturnType<typeof plantHistory>>;

async function expectRetained(tenantId: string, planted: Planted) {
  const audit = await idsIn(tenantId, "audit_logs", "log_id");
  for (const id of planted.audit.gone) expect(audit).not.toContain(id);
  for (const id of planted.audit.kept) expect(audit).toContain(id);
  expect(await idsIn(tenantId, "rate_limits", "window_start")).toEqual(planted.rates.kept);
  const errors = await idsIn(
    tenantId,
    "analytics_sync_errors",
    "error_id",
    "post_id IN (SELECT post_id FROM published_posts WHERE tenant_id = ?)",
  );
  expect(errors).toEqual([...planted.errors.kept].sort());
  expect(await idsIn(tenantId, "generated_content", "content_id")).toEqual(planted.content.kept);
  const owned = "content_id IN (SELECT content_id FROM generated_content WHERE tenant_id = ?)";
  const guarded = await idsIn(tenantId, "guard_results", "content_id", owned);
  expect(guarded).toEqual(planted.content.kept);
  expect(await idsIn(tenantId, "revision_events", "content_id")).toEqual(planted.content.kept);
}

/** Every row of the tables retention touches, in every shard, and every archived object. */
async function snapshot(): Promise<string> {
  const tables = ["audit_logs", "rate_limits", "analytics_sync_errors", "generated_content", "guard_results"];
  const parts: string[] = [];
  for (const shard of allShards(env)) {
    for (const table of [...tables, "revision_events"]) {
      const order = TENANT_TABLES.find((t) => t.name === table)?.key ?? "rowid";
      const { results } = await shard.db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all();
      parts.push(`${shard.name}.${table}:${JSON.stringify(results)}`);
    }
  }
  for (const bucket of [env.ARCHIVE_EU_WEST, env.ARCHIVE_US_EAST, env.ARCHIVE_AP_SOUTHEAST]) {
    const listing = await bucket.list({ include: ["customMetadata"] });
    parts.push(JSON.stringify(listing.objects.map((o) => [o.key, o.etag, o.size])));
  }
  return parts.join("\n");
}

describe("the retention job", () => {
  it("deletes what is past each period and keeps the rest, per table, per plan and with a tenant's own periods", async () => {
    const own = { audit_logs_days: 10, rate_limits_days: 3, sync_errors_days: 5, unselected_content_days: 12 };
    const cases: { tier: Tier; region: string; retention?: Partial<RetentionPolicy> }[] = [
      { tier: "free", region: "eu-west" },
      { tier: "enterprise", region: "us-east" },
      { tier: "standard", region: "ap-southeast", retention: own },
      { tier: "standard", region: "eu-west", retention: { audit_logs_days: 200 } },
    ];
    const planted: { tenantId: string; planted: Planted }[] = [];
    for (const c of cases) {
      const tenant = await createTenant({
        tier: c.tier,
        region: c.region,
        settings: c.retention ? { retention: c.retention } : {},
      });
      const policy = { ...RETENTION_DEFAULTS[c.tier], ...c.retention };
      planted.push({ tenantId: tenant.tenantId, planted: await plantHistory(tenant.tenantId, policy) });
    }

    const report = await runJob();
    expect(report).toMatchObject({ complete: true, failed: 0 });
    expect(report.deleted.audit_logs).toBe(planted.length * 2);
    expect(report.archived.rows).toBe(planted.length * 2);
    for (const { tenantId, planted: rows } of planted) await expectRetained(tenantId, rows);

    // A second run as of the same day finds nothing due and changes nothing anywhere.
    const before = await snapshot();
    const again = await runJob();
    expect(again).toMatchObject({ complete: true, failed: 0, archived: { days: 0, rows: 0 } });
    for (const [table, n] of Object.entries(again.deleted)) expect(n, `${table} deleted`).toBe(0);
    expect(await snapshot()).toBe(before);
  });

  it("reports a tenant whose shard refuses its deletes and still does every other tenant", async () => {
    const policy = RETENTION_DEFAULTS.standard;
    // Same shard (us-east has one): the refused tenant is the most overdue, so it is done first.
    const refused = await createTenant({ region: "us-east" });
    const refusedAudit = await plantAudit(refused.tenantId, daysBefore(AS_OF, policy.audit_logs_days + 40));
    await plantRateWindow(refused.tenantId, daysBefore(AS_OF, policy.rate_limits_days + 40));
    const neighbour = await createTenant({ region: "us-east" });
    const neighbourRows = await plantHistory(neighbour.tenantId, policy);
    const db = await tenantDb(refused.tenantId);
    const triggers = ["audit_logs", "rate_limits"].map((table) => `test_refuse_${table}`);
    for (const [i, table] of ["audit_logs", "rate_limits"].entries()) {
      // DDL takes no bound parameters; the id is this test's own.
      await db
        .prepare(
          `CREATE TRIGGER ${triggers[i]} BEFORE DELETE ON ${table} WHEN OLD.tenant_id = '${refused.tenantId}'
           BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
        )
        .run();
    }
    try {
      const report = await runJob();
      expect(report.failures.map((f) => [f.tenant_id, f.step]).sort()).toEqual([
        [refused.tenantId, "audit_logs"],
        [refused.tenantId, "prune"],
      ]);
      expect(report.failures[0]?.reason).toContain("refused by the test");
      await expectRetained(neighbour.tenantId, neighbourRows);
      // Nothing of the refused tenant went.
      expect(await idsIn(refused.tenantId, "audit_logs", "log_id")).toContain(refusedAudit.log_id);
      expect(await idsIn(refused.tenantId, "rate_limits", "window_start")).toHaveLength(1);
    } finally {
      for (const trigger of triggers) await db.prepare(`DROP TRIGGER ${trigger}`).run();
    }
    // Once the shard takes the deletes, the next run catches up.
    const next = await runJob();
    expect(next.failed).toBe(0);
    expect(await idsIn(refused.tenantId, "audit_logs", "log_id")).not.toContain(refusedAudit.log_id);
    expect(await idsIn(refused.tenantId, "rate_limits", "window_start")).toEqual([]);
  });

  it("leaves alone a tenant its shard does not hold as resident (being moved), until it is", async () => {
    const policy = RETENTION_DEFAULTS.standard;
    const moving = await createTenant({ region: "ap-southeast" });
    const row = await plantAudit(moving.tenantId, daysBefore(AS_OF, policy.audit_logs_days + 3));
    await plantRateWindow(moving.tenantId, daysBefore(AS_OF, policy.rate_limits_days + 3));
    const db = await tenantDb(moving.tenantId);
    const setState = (state: string) =>
      db.prepare("UPDATE tenant_residency SET state = ? WHERE tenant_id = ?").bind(state, moving.tenantId).run();
    await setState("departed");
    const report = await runJob();
    expect(report.failed).toBe(0);
    expect(await idsIn(moving.tenantId, "audit_logs", "log_id")).toContain(row.log_id);
    expect(await idsIn(moving.tenantId, "rate_limits", "window_start")).toHaveLength(1);
    expect((await env.ARCHIVE_AP_SOUTHEAST.list({ prefix: `audit/${moving.tenantId}/` })).objects).toEqual([]);

    await setState("resident");
    expect((await runJob()).failed).toBe(0);
    expect(await idsIn(moving.tenantId, "audit_logs", "log_id")).not.toContain(row.log_id);
    expect(await idsIn(moving.tenantId, "rate_limits", "window_start")).toEqual([]);
  });
});
