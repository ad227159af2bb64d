// The retention job's runs are bounded and resumable (docs/retention.md): a run that
// stops at its call budget, or runs beside another, leaves every audit row either in
// D1 or in its day's archive object, never neither, and later runs finish the work.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runRetentionJob } from "../../src/core/retention/job";
import { RETENTION_DEFAULTS } from "../../src/core/retention/policy";
import { addDays, dayOf } from "../../src/core/skills/calendar";
import { tenantDb } from "../support/databases";
import { createTenant } from "../support/tenants";
import { daysBefore, plantAudit, plantRateWindow, readArchive } from "./plant";

const AS_OF = dayOf(new Date());
const FREE = RETENTION_DEFAULTS.free;

/** Rows of `planted` (log ids by day) still in D1, and those in their day's object. */
async function whereRowsAre(tenantId: string, planted: Map<string, string[]>) {
  const db = await tenantDb(tenantId);
  const { results } = await db
    .prepare("SELECT log_id FROM audit_logs WHERE tenant_id = ?")
    .bind(tenantId)
    .all<{ log_id: string }>();
  const inD1 = new Set(results.map((row) => row.log_id));
  const archived = new Set<string>();
  for (const day of planted.keys()) {
    const rows = await readArchive(env.ARCHIVE_EU_WEST, `audit/${tenantId}/${day}.ndjson.gz`);
    for (const row of rows ?? []) archived.add(row.log_id as string);
  }
  const all = [...planted.values()].flat();
  return { all, inD1: all.filter((id) => inD1.has(id)), archived: all.filter((id) => archived.has(id)) };
}

async function plantDays(tenantId: string, days: number, rowsPerDay: number): Promise<Map<string, string[]>> {
  const planted = new Map<string, string[]>();
  for (let d = 1; d <= days; d++) {
    const ids: string[] = [];
    for (let r = 0; r < rowsPerDay; r++) {
      ids.push((await plantAudit(tenantId, daysBefore(AS_OF, FREE.audit_logs_days + d, `1${r}:00:00.000`))).log_id);
    }
    planted.set(addDays(AS_OF, -(FREE.audit_logs_days + d)), ids);
  }
  return planted;
}

describe("retention runs", () => {
  it("stop at their budget without losing a row, and the next runs carry on to the end", async () => {
    const tenant = await createTenant({ tier: "free", region: "eu-west" });
    const planted = await plantDays(tenant.tenantId, 5, 5);
    for (let d = 1; d <= 7; d++) await plantRateWindow(tenant.tenantId, daysBefore(AS_OF, FREE.rate_limits_days + d));

    const reports = [];
    for (let run = 0; run < 20; run++) {
      // Room for one archived day per run (a read, a write and a head), two rows per statement.
      const report = await runRetentionJob(env, AS_OF, { budget: { d1: 1000, r2: 4 }, batchRows: 2 });
      reports.push(report);
      const where = await whereRowsAre(tenant.tenantId, planted);
      // Never neither: a row left D1 only once its day's object held it.
      expect(where.all.filter((id) => !where.inD1.includes(id) && !where.archived.includes(id))).toEqual([]);
      if (report.complete) break;
    }
    expect(reports.length).toBeGreaterThan(planted.size - 1);
    reports.slice(0, -1).forEach((report, run) => {
      expect(report.complete, `run ${run + 1} of ${reports.length}`).toBe(false);
    });
    expect(reports.at(-1)?.complete).toBe(true);
    const end = await whereRowsAre(tenant.tenantId, planted);
    expect(end.inD1).toEqual([]);
    expect(end.archived.sort()).toEqual(end.all.sort());
    const { results } = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT COUNT(*) AS n FROM rate_limits WHERE tenant_id = ?")
      .bind(tenant.tenantId)
      .all<{ n: number }>();
    expect(results[0]?.n).toBe(0);
  });

  it("running many at once, archive every row exactly once into its day and lose none", async () => {
    const tenant = await createTenant({ tier: "free", region: "eu-west" });
    const planted = await plantDays(tenant.tenantId, 12, 4);
    const runs = await Promise.all(Array.from({ length: 8 }, () => runRetentionJob(env, AS_OF, { batchRows: 3 })));
    runs.forEach((report, run) => {
      expect(report.failed, `run ${run + 1}`).toBe(0);
    });
    // A day another run rewrote meanwhile is left for the next run: one more finishes it.
    await runRetentionJob(env, AS_OF);
    const end = await whereRowsAre(tenant.tenantId, planted);
    expect(end.inD1).toEqual([]);
    for (const [day, ids] of planted) {
      const rows = await readArchive(env.ARCHIVE_EU_WEST, `audit/${tenant.tenantId}/${day}.ndjson.gz`);
      expect(rows?.map((row) => row.log_id).sort()).toEqual([...ids].sort());
    }
  });
});
