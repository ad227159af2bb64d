// The daily cron leaves the query planner statistics in every database: the global one
// and every shard (PRAGMA optimize, src/core/db/optimize.ts), even when a job before it fails.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import * as dailyJob from "../../src/core/skills/daily-job";
import worker from "../../worker/index";
import { everyDatabase } from "../support/databases";
import { uniqueId } from "../support/rows";

/** A table of each database grown by 2,000 rows since the statistics the migrations left. */
async function growOneTablePerDatabase(): Promise<{ name: string; db: D1Database; table: string }[]> {
  const grown = [];
  for (const { name, db } of everyDatabase()) {
    const table = name === "DB" ? "operator_audit_logs" : "audit_logs";
    const actor = name === "DB" ? "actor, " : "tenant_id, ";
    await db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999)
         INSERT INTO ${table} (log_id, ${actor}action, resource_type, timestamp)
         SELECT ?1 || i, 'bench', 'grow.rows', 'row', strftime('%Y-%m-%dT%H:%M:%fZ', 1767225600 + i, 'unixepoch') FROM n`,
      )
      .bind(uniqueId("log"))
      .run();
    grown.push({ name, db, table });
  }
  return grown;
}

/** The row count sqlite_stat1 holds for `table` (its first figure), 0 when it holds none. */
async function analyzedRows(db: D1Database, table: string): Promise<number> {
  const row = await db
    .prepare("SELECT stat FROM sqlite_stat1 WHERE tbl = ? ORDER BY CAST(stat AS INTEGER) DESC LIMIT 1")
    .bind(table)
    .first<{ stat: string }>()
    .catch(() => null);
  return Number(row?.stat.split(" ")[0] ?? 0);
}

async function runCron(): Promise<void> {
  const controller = createScheduledController({ scheduledTime: new Date(), cron: "15 0 * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled?.(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("planner statistics", () => {
  it("the daily cron analyzes what grew, in the global database and every shard", async () => {
    const grown = await growOneTablePerDatabase();
    for (const { db, table } of grown) expect(await analyzedRows(db, table)).toBeLessThan(2000);
    await runCron();
    for (const { name, db, table } of grown) {
      expect(await analyzedRows(db, table), `${name}: ${table}`).toBeGreaterThanOrEqual(2000);
    }
  });

  it("are refreshed in every database even when the skill job fails", async () => {
    const prepared = everyDatabase().map(({ name, db }) => ({ name, spy: vi.spyOn(db, "prepare") }));
    const job = vi.spyOn(dailyJob, "runDailySkillJob").mockRejectedValueOnce(new Error("the job failed"));
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    await runCron();
    expect(job).toHaveBeenCalledOnce();
    expect(logged.mock.calls.map(([message]) => String(message))).toContainEqual(
      expect.stringMatching(/^daily skill job failed/),
    );
    logged.mockRestore();
    job.mockRestore();
    for (const { name, spy } of prepared) {
      expect(
        spy.mock.calls.map(([sql]) => sql),
        name,
      ).toContain("PRAGMA optimize");
      spy.mockRestore();
    }
  });
});
