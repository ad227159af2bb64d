// GET /v1/audit-logs reads the archive a bounded amount per page (docs/retention.md,
// "Reading"): a filter that matches nothing must not read every archived day in one
// request. A page makes at most 31 R2 calls; when it stops with older days unread, its
// next_cursor carries on from there, so paging on still reaches the oldest day.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { AuditLogRow } from "../../src/core/db/audit-logs";
import { newId } from "../../src/core/db/ids";
import { newestFirst, writeDay } from "../../src/core/retention/audit-day-object";
import { addDays } from "../../src/core/skills/calendar";
import { call, json } from "../support/http";
import { createTenant } from "../support/tenants";

/** Archived days planted straight into the bucket, every other day from this one on (the past on any date). */
const FIRST_DAY = "2021-03-01";
const DAYS = 75;

interface Page {
  data: { id: string; action: string; resource_id: string | null; timestamp: string }[];
  next_cursor: string | null;
}

/** Counts the R2 calls the Worker makes on the EU archive (the router shares the test's bindings). */
function countR2Calls(bucket: R2Bucket): { calls: () => number; reset: () => void; restore: () => void } {
  const get = bucket.get;
  const list = bucket.list;
  const head = bucket.head;
  let calls = 0;
  bucket.get = ((...args: Parameters<R2Bucket["get"]>) => {
    calls += 1;
    return get.apply(bucket, args);
  }) as R2Bucket["get"];
  bucket.list = (...args: Parameters<R2Bucket["list"]>) => {
    calls += 1;
    return list.apply(bucket, args);
  };
  bucket.head = (...args: Parameters<R2Bucket["head"]>) => {
    calls += 1;
    return head.apply(bucket, args);
  };
  return {
    calls: () => calls,
    reset: () => {
      calls = 0;
    },
    restore: () => {
      bucket.get = get;
      bucket.list = list;
      bucket.head = head;
    },
  };
}

let restore = () => {};
afterEach(() => restore());

/** DAYS archived days, two rows each; the oldest day's first row is the needle. */
async function archiveDays(tenantId: string): Promise<AuditLogRow[]> {
  const rows: AuditLogRow[] = [];
  for (let i = 0; i < DAYS; i++) {
    const day = addDays(FIRST_DAY, 2 * i);
    const dayRows = ["09:00:00.000", "15:30:00.000"].map(
      (time, n) =>
        ({
          log_id: newId("auditLog"),
          tenant_id: tenantId,
          user_id: null,
          action: i === 0 && n === 0 ? "api_key.revoke" : "post.publish",
          resource_type: "post",
          resource_id: i === 0 && n === 0 ? "needle" : `res_${i % 5}`,
          ip_address: "203.0.113.9",
          user_agent: "paging-test",
          request_id: null,
          metadata: null,
          success: 1,
          error_message: null,
          timestamp: `${day}T${time}Z`,
        }) as AuditLogRow,
    );
    expect(await writeDay(env.ARCHIVE_EU_WEST, tenantId, day, dayRows, null), day).not.toBeNull();
    rows.push(...dayRows);
  }
  return rows;
}

/** Every page of the query, checking each page's R2 calls; the pages in order. */
async function pages(key: string, query: Record<string, string>, counter: ReturnType<typeof countR2Calls>) {
  const out: Page[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
    counter.reset();
    const res = await call(`/v1/audit-logs?${params}`, { token: key });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(counter.calls(), `R2 calls of page ${out.length + 1} of ${params}`).toBeLessThanOrEqual(31);
    const page = await json<Page>(res);
    out.push(page);
    cursor = page.next_cursor;
    expect(out.length, `pages of ${params}`).toBeLessThanOrEqual(20);
  } while (cursor);
  return out;
}

describe("paging the audit archive", () => {
  it("reads at most 31 archived days a page for a filter that matches nothing, and pages on to the end", async () => {
    const tenant = await createTenant({ tier: "free", region: "eu-west" });
    await archiveDays(tenant.tenantId);
    const counter = countR2Calls(env.ARCHIVE_EU_WEST);
    restore = counter.restore;

    const empty = await pages(tenant.ownerKey, { action: "nothing.matches", limit: "10" }, counter);
    expect(empty.flatMap((page) => page.data)).toEqual([]);
    // 75 days at 30 reads a page (one list call each): three pages, the last one without a cursor.
    expect(empty.length).toBe(3);
    expect(empty.at(-1)?.next_cursor).toBeNull();
  });

  it("finds a row in the oldest archived day by paging on", async () => {
    const tenant = await createTenant({ tier: "free", region: "eu-west" });
    const archived = await archiveDays(tenant.tenantId);
    const counter = countR2Calls(env.ARCHIVE_EU_WEST);
    restore = counter.restore;

    const found = await pages(tenant.ownerKey, { resource_id: "needle", limit: "5" }, counter);
    const needle = archived.find((row) => row.resource_id === "needle") as AuditLogRow;
    expect(found.flatMap((page) => page.data).map((row) => row.id)).toEqual([needle.log_id]);
    expect(found.length).toBeGreaterThan(1);
  });

  it("lists the whole trail in order, each row once, across pages cut short by the read budget", async () => {
    const tenant = await createTenant({ tier: "free", region: "eu-west" });
    const archived = await archiveDays(tenant.tenantId);
    const counter = countR2Calls(env.ARCHIVE_EU_WEST);
    restore = counter.restore;

    // One publish in five of res_0 matches: most archived days hold none.
    const query = { resource_id: "res_0", limit: "3" };
    const listed = (await pages(tenant.ownerKey, query, counter)).flatMap((page) => page.data.map((row) => row.id));
    const expected = archived
      .filter((row) => row.resource_id === "res_0")
      .sort(newestFirst)
      .map((row) => row.log_id);
    expect(listed).toEqual(expected);

    // Unfiltered, small pages: the tenant's D1 rows (its creation) first, then every archived row.
    const all = (await pages(tenant.ownerKey, { limit: "50" }, counter)).flatMap((page) => page.data.map((r) => r.id));
    expect(all.slice(-archived.length)).toEqual([...archived].sort(newestFirst).map((row) => row.log_id));
    expect(new Set(all).size).toBe(all.length);
  });
});
