// The audit archive (docs/retention.md): audit rows past their period are written to
// the tenant's region's R2 bucket as gzip NDJSON per day before D1 lets go of them,
// and GET /v1/audit-logs lists them as if they had never left.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AuditLogRow } from "../../src/core/db/audit-logs";
import { readDay, writeDay } from "../../src/core/retention/audit-day-object";
import { RETENTION_DEFAULTS } from "../../src/core/retention/policy";
import { addDays, dayOf } from "../../src/core/skills/calendar";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { ADMIN, createTenant } from "../support/tenants";
import { bucketOf, daysBefore, plantAudit, readArchive } from "./plant";

const AS_OF = dayOf(new Date());
const FREE = RETENTION_DEFAULTS.free.audit_logs_days;

type Row = Record<string, unknown> & { log_id: string; timestamp: string };

async function runJob() {
  const res = await call("/v1/admin/jobs/retention", { token: ADMIN, body: { as_of: AS_OF } });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<{ failed: number; failures: { tenant_id: string; step: string }[] }>(res);
}

function newestFirst(a: Row, b: Row): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? 1 : -1;
  return a.log_id < b.log_id ? 1 : -1;
}

async function auditRows(tenantId: string): Promise<Row[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare("SELECT * FROM audit_logs WHERE tenant_id = ?")
    .bind(tenantId)
    .all<Row>();
  return results;
}

/** A trail over `days` days before the horizon and a few after, varied enough for every filter. */
async function plantTrail(tenantId: string, olderThanHorizon: number[]): Promise<void> {
  const actions = ["post.publish", "user.create", "api_key.revoke"];
  let n = 0;
  for (const days of [...olderThanHorizon.map((d) => FREE + d), 1, 2, FREE - 1]) {
    for (const time of ["08:00:00.000", "08:00:00.000", "17:30:00.000"]) {
      n += 1;
      await plantAudit(tenantId, daysBefore(AS_OF, days, time), {
        action: actions[n % 3],
        resource_type: n % 2 ? "post" : "user",
        resource_id: `res_${n % 4}`,
        success: n % 5 === 0 ? 0 : 1,
      });
    }
  }
}

/** Every page of GET /v1/audit-logs with `query`, a few rows a page. */
async function listAll(key: string, query: Record<string, string>): Promise<unknown[]> {
  const rows: unknown[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, limit: "4", ...(cursor ? { cursor } : {}) });
    const res = await call(`/v1/audit-logs?${params}`, { token: key });
    expect(res.status, await res.clone().text()).toBe(200);
    const page = await json<{ data: unknown[]; next_cursor: string | null }>(res);
    rows.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return rows;
}

describe("the audit archive", () => {
  it("writes each expired day to the region's bucket, holding exactly the rows deleted", async () => {
    const eu = await createTenant({ tier: "free", region: "eu-west" });
    const us = await createTenant({ tier: "free", region: "us-east" });
    await plantTrail(eu.tenantId, [1, 2, 40]);
    await plantTrail(us.tenantId, [3]);
    const horizon = addDays(AS_OF, -FREE);
    const expired = (await auditRows(eu.tenantId)).filter((row) => row.timestamp < horizon);
    expect(expired.length).toBe(9);

    expect((await runJob()).failed).toBe(0);

    const left = await auditRows(eu.tenantId);
    expect(left.filter((row) => row.timestamp < horizon)).toEqual([]);
    const days = [...new Set(expired.map((row) => row.timestamp.slice(0, 10)))];
    expect(days).toHaveLength(3);
    for (const day of days) {
      const archived = await readArchive(env.ARCHIVE_EU_WEST, `audit/${eu.tenantId}/${day}.ndjson.gz`);
      expect(archived).toEqual(expired.filter((row) => row.timestamp.startsWith(day)).sort(newestFirst));
    }
    // Residency: each tenant's days are in its own region's bucket only.
    expect((await env.ARCHIVE_US_EAST.list({ prefix: `audit/${eu.tenantId}/` })).objects).toEqual([]);
    expect((await env.ARCHIVE_EU_WEST.list({ prefix: `audit/${us.tenantId}/` })).objects).toEqual([]);
    expect((await bucketOf("us-east").list({ prefix: `audit/${us.tenantId}/` })).objects).toHaveLength(1);
  });

  it("lists archived days through GET /v1/audit-logs exactly as before they were archived", async () => {
    const tenant = await createTenant({ tier: "free", region: "eu-west" });
    await plantTrail(tenant.tenantId, [1, 5, 6, 90]);
    const from = `${addDays(AS_OF, -(FREE + 100))}T00:00:00.000Z`;
    const queries: Record<string, string>[] = [
      {},
      { from },
      { from: `${addDays(AS_OF, -(FREE + 6))}T12:00:00.000Z`, to: `${addDays(AS_OF, -1)}T00:00:00.000Z` },
      { action: "user.create" },
      { resource_type: "post", resource_id: "res_1" },
      { success: "false", from },
    ];
    const before = [];
    for (const query of queries) before.push(await listAll(tenant.ownerKey, query));
    const inD1 = (await auditRows(tenant.tenantId)).length;

    expect((await runJob()).failed).toBe(0);

    expect((await auditRows(tenant.tenantId)).length).toBe(inD1 - 12);
    for (const [i, query] of queries.entries()) expect(await listAll(tenant.ownerKey, query)).toEqual(before[i]);
  });

  it("merges a trail row that reaches D1 after its day was archived into that day", async () => {
    const tenant = await createTenant({ tier: "free", region: "ap-southeast" });
    const first = await plantAudit(tenant.tenantId, daysBefore(AS_OF, FREE + 3, "09:00:00.000"));
    await runJob();
    const late = await plantAudit(tenant.tenantId, daysBefore(AS_OF, FREE + 3, "07:00:00.000"));
    await runJob();
    const key = `audit/${tenant.tenantId}/${addDays(AS_OF, -(FREE + 3))}.ndjson.gz`;
    const archived = await readArchive(env.ARCHIVE_AP_SOUTHEAST, key);
    expect(archived?.map((row) => row.log_id)).toEqual([first.log_id, late.log_id]);
    expect(await auditRows(tenant.tenantId)).not.toContainEqual(expect.objectContaining({ log_id: late.log_id }));
  });

  it("deletes nothing of a tenant whose archived day cannot be read back, and goes on with the others", async () => {
    const damaged = await createTenant({ tier: "free", region: "eu-west" });
    const other = await createTenant({ tier: "free", region: "eu-west" });
    const day = addDays(AS_OF, -(FREE + 2));
    const row = await plantAudit(damaged.tenantId, daysBefore(AS_OF, FREE + 2));
    const otherRow = await plantAudit(other.tenantId, daysBefore(AS_OF, FREE + 2));
    const key = `audit/${damaged.tenantId}/${day}.ndjson.gz`;
    await env.ARCHIVE_EU_WEST.put(key, "not a gzip stream");

    const report = await runJob();
    expect(report.failures).toEqual([expect.objectContaining({ tenant_id: damaged.tenantId, step: "audit_logs" })]);
    expect(await auditRows(damaged.tenantId)).toContainEqual(expect.objectContaining({ log_id: row.log_id }));
    expect(await (await env.ARCHIVE_EU_WEST.get(key))?.text()).toBe("not a gzip stream");
    expect(await auditRows(other.tenantId)).not.toContainEqual(expect.objectContaining({ log_id: otherRow.log_id }));
  });

  it("rewrites a day only over the object it read, so a concurrent writer's rows are never dropped", async () => {
    const tenant = await createTenant({ tier: "free", region: "eu-west" });
    const bucket = env.ARCHIVE_EU_WEST;
    const day = addDays(AS_OF, -(FREE + 9));
    const row = (id: string) => ({ log_id: id, tenant_id: tenant.tenantId, timestamp: `${day}T10:00:00.000Z` });
    const mine = [row("log_a")] as unknown as AuditLogRow[];
    const first = await writeDay(bucket, tenant.tenantId, day, mine, null);
    expect(first).not.toBeNull();
    // A writer that read the day before it existed, or an older version of it, writes nothing.
    expect(await writeDay(bucket, tenant.tenantId, day, [row("log_b")] as unknown as AuditLogRow[], null)).toBeNull();
    const second = await writeDay(
      bucket,
      tenant.tenantId,
      day,
      [...mine, row("log_c")] as AuditLogRow[],
      first?.etag ?? null,
    );
    expect(second).not.toBeNull();
    const stale = [row("log_d")] as unknown as AuditLogRow[];
    expect(await writeDay(bucket, tenant.tenantId, day, stale, first?.etag ?? null)).toBeNull();
    const stored = await readDay(bucket, tenant.tenantId, day);
    expect(stored?.rows.map((r) => r.log_id)).toEqual(["log_c", "log_a"]);
    expect(stored?.etag).toBe(second?.etag);
  });
});
