// GET /v1/audit-logs's list (src/core/db/audit-logs.ts) builds its WHERE clause from the
// filters given and seeks its cursor: every filter and page must hold exactly the rows a
// plain query gives, and read about as many rows as it returns (the read bound: 2 × rows returned + 100).
import { describe, expect, it } from "vitest";
import { type AuditFilters, listAuditLogs } from "../../src/core/db/audit-list";
import type { AuditLogRow } from "../../src/core/db/audit-logs";
import { countedScope, readBound } from "../support/d1-counts";
import { tenantDb } from "../support/databases";
import { insertTenant, uniqueId } from "../support/rows";

const DAY_MS = 86_400_000;
/** A fixed instant the history ends at: the list reads no clock, so the test means the same on any date. */
const NOW = Date.UTC(2027, 2, 14, 9, 30);

/**
 * 1,500 audit rows over 100 days: mostly publishes, one row in 50 a template update, one
 * in 40 a failure, one user acting rarely, each post's row naming it. A type has one
 * action or several (user: sign-in and sign-out), an action one type or several (a
 * publish names a post, or one in 7 a campaign).
 */
async function tenantWithTrail(): Promise<{ tenantId: string; users: string[]; post: string }> {
  const tenantId = await insertTenant();
  const users = [uniqueId("usr"), uniqueId("usr"), uniqueId("usr")];
  const prefix = uniqueId("log");
  await (await tenantDb(tenantId))
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1499)
       INSERT INTO audit_logs (log_id, tenant_id, user_id, action, resource_type, resource_id, success, timestamp)
       SELECT ?2 || printf('%05d', i), ?1,
              json_extract(?3, '$[' || CASE WHEN i % 60 = 0 THEN 2 ELSE i % 2 END || ']'),
              CASE WHEN i % 50 = 0 THEN 'template.update' WHEN i % 33 = 0 THEN 'auth.logout'
                   WHEN i % 3 = 0 THEN 'auth.login' ELSE 'post.publish' END,
              CASE WHEN i % 50 = 0 THEN 'template' WHEN i % 3 = 0 THEN 'user' WHEN i % 7 = 0 THEN 'campaign'
                   ELSE 'post' END,
              'res' || (i % 700), CASE WHEN i % 40 = 0 THEN 0 ELSE 1 END,
              -- Pairs of rows share a time, so pages break ties by id.
              strftime('%Y-%m-%dT%H:%M:%fZ', ?4 / 1000.0 - (i / 2) * 5760, 'unixepoch')
       FROM n`,
    )
    .bind(tenantId, prefix, JSON.stringify(users), NOW)
    .run();
  return { tenantId, users, post: "res8" };
}

/** The same list by a plain query over every row of the tenant. */
async function direct(tenantId: string, f: AuditFilters): Promise<string[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare(
      `SELECT log_id FROM audit_logs
       WHERE tenant_id = ?1 AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR user_id = ?3)
         AND (?4 IS NULL OR resource_type = ?4) AND (?5 IS NULL OR resource_id = ?5)
         AND (?6 IS NULL OR timestamp >= ?6) AND (?7 IS NULL OR timestamp < ?7) AND (?8 IS NULL OR success = ?8)
       ORDER BY timestamp DESC, log_id DESC`,
    )
    .bind(
      tenantId,
      f.action ?? null,
      f.userId ?? null,
      f.resourceType ?? null,
      f.resourceId ?? null,
      f.from ?? null,
      f.to ?? null,
      f.success === undefined ? null : Number(f.success),
    )
    .all<{ log_id: string }>();
  return results.map((r) => r.log_id);
}

async function everyPage(tenantId: string, filters: AuditFilters, bounded: boolean): Promise<string[]> {
  const ids: string[] = [];
  let after: { timestamp: string; logId: string } | undefined;
  for (;;) {
    const { scope, counts } = await countedScope(tenantId);
    const page = await listAuditLogs(scope, filters, { limit: 20, after });
    if (bounded) expect(counts.rowsRead, JSON.stringify({ filters, after })).toBeLessThanOrEqual(readBound(counts));
    ids.push(...page.rows.map((r: AuditLogRow) => r.log_id));
    const last = page.rows.at(-1);
    if (!page.hasMore || !last) return ids;
    after = { timestamp: last.timestamp, logId: last.log_id };
  }
}

describe("the audit trail's list", () => {
  it("pages through each filter exactly as a plain query, reading about what each page returns", async () => {
    const { tenantId, users, post } = await tenantWithTrail();
    await tenantWithTrail(); // another tenant's rows in the same shard
    const filters: AuditFilters[] = [
      {},
      { action: "template.update" },
      { action: "post.publish" },
      { userId: users[2] },
      { resourceType: "post", resourceId: post },
      // A type alone, or with its action: one range per (type, action), merged in order.
      { resourceType: "template" },
      { resourceType: "user" },
      { resourceType: "campaign" },
      { resourceType: "post", action: "post.publish" },
      { resourceType: "user", from: new Date(NOW - 60 * DAY_MS).toISOString() },
      { action: "auth.logout", success: true },
      { success: false },
      { success: true, action: "auth.login" },
      { from: new Date(NOW - 40 * DAY_MS).toISOString(), to: new Date(NOW - 30 * DAY_MS).toISOString() },
    ];
    for (const f of filters) {
      const expected = await direct(tenantId, f);
      expect(expected.length, JSON.stringify(f)).toBeGreaterThan(0);
      expect(await everyPage(tenantId, f, true), JSON.stringify(f)).toEqual(expected);
    }
  });

  it("answers nothing for a type or an action the tenant has no row of, reading next to nothing", async () => {
    const { tenantId } = await tenantWithTrail();
    for (const f of [
      { resourceType: "nothing" },
      { action: "nothing.done" },
      { resourceType: "post", action: "auth.login" },
    ]) {
      const { scope, counts } = await countedScope(tenantId);
      expect((await listAuditLogs(scope, f, { limit: 20 })).rows, JSON.stringify(f)).toEqual([]);
      expect(counts.rowsRead, JSON.stringify(f)).toBeLessThanOrEqual(30);
    }
  });
});
