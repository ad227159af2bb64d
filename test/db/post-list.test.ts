// GET /v1/posts's list (src/core/db/publish-request-list.ts) is a merge of the tenant's
// accounts: every filter and every page must hold exactly the rows a plain query over
// the tenant's requests gives, in the same order, and read about as many rows as it
// returns, however deep the page (the read bound: 2 × rows returned + 100).
import { describe, expect, it } from "vitest";
import type { PostListOptions } from "../../src/core/db/publish-request-list";
import { listPublishRequests } from "../../src/core/db/publish-request-list";
import { countedScope, readBound } from "../support/d1-counts";
import { tenantDb } from "../support/databases";
import { insertAccount, insertTenant, uniqueId } from "../support/rows";

const PLATFORMS = ["linkedin", "twitter", "facebook", "instagram"];

/** A tenant with `accounts` accounts (platforms in turn) and `perAccount` requests each, statuses mixed. */
async function tenantWithRequests(accounts: number, perAccount: number) {
  const tenantId = await insertTenant();
  const list: { id: string; platform: string }[] = [];
  for (let i = 0; i < accounts; i++) {
    const platform = PLATFORMS[i % PLATFORMS.length] as string;
    list.push({ id: await insertAccount(tenantId, { platform }), platform });
  }
  const prefix = uniqueId("post");
  // Request i goes to account i % accounts; every 9th failed, every 13th scheduled.
  await (await tenantDb(tenantId))
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?3 - 1)
       INSERT INTO publish_requests (request_id, tenant_id, account_id, platform, status, text, scheduled_at,
         platform_post_id, published_at, created_at, updated_at)
       SELECT ?4 || printf('%06d', i), ?1,
              json_extract(?2, '$[' || (i % json_array_length(?2)) || '].id'),
              json_extract(?2, '$[' || (i % json_array_length(?2)) || '].platform'),
              CASE WHEN i % 13 = 0 THEN 'scheduled' WHEN i % 9 = 0 THEN 'failed' ELSE 'published' END,
              'text', CASE WHEN i % 13 = 0 THEN '2030-01-01T00:00:00.000Z' END,
              CASE WHEN i % 13 <> 0 AND i % 9 <> 0 THEN 'pp' || i END,
              CASE WHEN i % 13 <> 0 AND i % 9 <> 0 THEN '2026-01-01T00:00:00.000Z' END,
              '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
       FROM n`,
    )
    .bind(tenantId, JSON.stringify(list), accounts * perAccount, prefix)
    .run();
  return { tenantId, accounts: list };
}

/** The same list by a plain query over every request of the tenant. */
async function direct(tenantId: string, options: Omit<PostListOptions, "limit" | "beforeId">): Promise<string[]> {
  const where = ["tenant_id = ?"];
  const params: string[] = [tenantId];
  for (const [column, value] of [
    ["status", options.status],
    ["account_id", options.accountId],
    ["platform", options.platform],
  ] as const) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  const { results } = await (await tenantDb(tenantId))
    .prepare(`SELECT request_id FROM publish_requests WHERE ${where.join(" AND ")} ORDER BY request_id DESC`)
    .bind(...params)
    .all<{ request_id: string }>();
  return results.map((r) => r.request_id);
}

/** Every page of a list, each page's D1 reads checked against the read bound. */
async function everyPage(tenantId: string, options: Omit<PostListOptions, "limit" | "beforeId">, limit: number) {
  const ids: string[] = [];
  let beforeId: string | undefined;
  for (;;) {
    const { scope, counts } = await countedScope(tenantId);
    const page = await listPublishRequests(scope, { ...options, limit, beforeId });
    expect(counts.rowsRead, `page after ${beforeId ?? "the start"}`).toBeLessThanOrEqual(readBound(counts));
    ids.push(...page.rows.map((r) => r.request_id));
    if (!page.hasMore) return ids;
    beforeId = page.rows.at(-1)?.request_id;
  }
}

describe("the post list, a merge of the tenant's accounts", () => {
  it("pages through every filter exactly as a plain query, each page reading about what it returns", async () => {
    const { tenantId, accounts } = await tenantWithRequests(7, 40);
    // Another tenant's requests in the same shard are never in the list.
    await tenantWithRequests(3, 30);
    const filters: Omit<PostListOptions, "limit" | "beforeId">[] = [
      {},
      { status: "published" },
      { status: "failed" },
      { status: "scheduled" },
      { accountId: accounts[2]?.id },
      { platform: "twitter" },
      { platform: "linkedin", status: "published" },
      { accountId: accounts[0]?.id, status: "failed" },
    ];
    for (const filter of filters) {
      const expected = await direct(tenantId, filter);
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(await everyPage(tenantId, filter, 9), JSON.stringify(filter)).toEqual(expected);
    }
  });

  it("merges more accounts than one statement takes (nested compounds, then statements merged)", async () => {
    const { tenantId } = await tenantWithRequests(95, 2);
    expect(await everyPage(tenantId, {}, 40)).toEqual(await direct(tenantId, {}));
    expect(await everyPage(tenantId, { platform: "facebook" }, 7)).toEqual(
      await direct(tenantId, { platform: "facebook" }),
    );
  });

  it("answers an empty list for a tenant without accounts", async () => {
    const tenantId = await insertTenant();
    const { scope } = await countedScope(tenantId);
    expect(await listPublishRequests(scope, { limit: 10 })).toEqual({ rows: [], hasMore: false });
  });
});
