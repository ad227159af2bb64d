// Lookups by a list of post ids start from the list, and a sync error is updated through
// its own post: each reads about as many rows as it answers, however many posts the
// tenant has, and never reaches another tenant's rows (the read bound: 2 × rows returned + 100).
import { describe, expect, it } from "vitest";
import { engagementCounts } from "../../src/core/db/post-engagement";
import { publicationTimes, requestStatuses } from "../../src/core/db/post-references";
import { resolveSyncError, retrySyncError } from "../../src/core/db/sync-errors";
import { countedScope, readBound } from "../support/d1-counts";
import { tenantDb } from "../support/databases";
import { insertAccount, insertTenant, uniqueId } from "../support/rows";

/** 600 published posts with their requests and analytics rows, and an open sync error on one. */
async function tenantWithPosts(): Promise<{ tenantId: string; posts: string[]; errorId: string }> {
  const tenantId = await insertTenant();
  const account = await insertAccount(tenantId);
  const prefix = uniqueId("post");
  const db = await tenantDb(tenantId);
  await db.batch([
    db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 599)
         INSERT INTO published_posts (post_id, tenant_id, platform, account_id, platform_post_id, text, published_at)
         SELECT ?2 || printf('%04d', i), ?1, 'linkedin', ?3, 'pp' || i, 'post',
                strftime('%Y-%m-%dT%H:%M:%fZ', 1767225600 + i * 3600, 'unixepoch')
         FROM n`,
      )
      .bind(tenantId, prefix, account),
    db
      .prepare(
        `INSERT INTO publish_requests (request_id, tenant_id, account_id, platform, status, text, platform_post_id,
           published_at, created_at, updated_at)
         SELECT post_id, tenant_id, account_id, platform, 'published', text, platform_post_id, published_at,
                published_at, published_at
         FROM published_posts WHERE tenant_id = ?1`,
      )
      .bind(tenantId),
    db
      .prepare(
        `INSERT INTO post_analytics (analytics_id, post_id, tenant_id, platform, likes, impressions)
         SELECT 'pa' || post_id, post_id, tenant_id, platform, rowid % 50, 1000 FROM published_posts WHERE tenant_id = ?1`,
      )
      .bind(tenantId),
    db
      .prepare(
        `INSERT INTO analytics_sync_errors (error_id, post_id, tenant_id, platform, error_type, retry_count, created_at)
         VALUES (?2, ?1, ?3, 'linkedin', 'api_error', 0, '2026-01-01T00:00:00.000Z')`,
      )
      .bind(`${prefix}0007`, `${prefix}err`, tenantId),
  ]);
  const posts = Array.from({ length: 600 }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`);
  return { tenantId, posts, errorId: `${prefix}err` };
}

describe("lookups by a list of posts", () => {
  it("start from the list: a few rows read for a few ids, the answer as a plain query gives it", async () => {
    const { tenantId, posts } = await tenantWithPosts();
    const other = await tenantWithPosts();
    // Three of the tenant's posts, one of them twice, and one of another tenant's.
    const ids = [posts[10], posts[300], posts[10], posts[599], other.posts[5]] as string[];
    const db = await tenantDb(tenantId);
    const { scope, counts } = await countedScope(tenantId);

    const times = await publicationTimes(scope, ids);
    const { results: expectedTimes } = await db
      .prepare("SELECT post_id, published_at FROM published_posts WHERE tenant_id = ? AND post_id IN (?, ?, ?, ?)")
      .bind(tenantId, ...new Set(ids))
      .all<{ post_id: string; published_at: string }>();
    expect(times).toEqual(new Map(expectedTimes.map((r) => [r.post_id, r.published_at])));
    expect(times.size).toBe(3);

    const statuses = await requestStatuses(scope, ids);
    expect([...statuses.keys()].sort()).toEqual([...times.keys()].sort());
    expect([...statuses.values()]).toEqual(["published", "published", "published"]);

    const engagement = await engagementCounts(scope, ids);
    expect([...engagement.keys()].sort()).toEqual([...times.keys()].sort());
    // A row or two per id, nowhere near the tenant's 600 posts.
    expect(counts.rowsRead).toBeLessThanOrEqual(readBound(counts));
  });
});

describe("a sync error's updates", () => {
  it("reach the error by its key, within its tenant only", async () => {
    const { tenantId, errorId } = await tenantWithPosts();
    const stranger = await tenantWithPosts();
    const db = await tenantDb(tenantId);
    const now = new Date().toISOString();
    const read = () =>
      db
        .prepare("SELECT retry_count, resolved_at FROM analytics_sync_errors WHERE error_id = ?")
        .bind(errorId)
        .first<{ retry_count: number; resolved_at: string | null }>();

    // Another tenant's scope changes nothing (the error is not its error).
    const theirs = await countedScope(stranger.tenantId);
    await theirs.scope.db.batch([
      retrySyncError(theirs.scope, errorId, { type: "network_error", message: "x" }),
      resolveSyncError(theirs.scope, errorId, now),
    ]);
    expect(await read()).toEqual({ retry_count: 0, resolved_at: null });

    const mine = await countedScope(tenantId);
    await mine.scope.db.batch([retrySyncError(mine.scope, errorId, { type: "network_error", message: "x" })]);
    await mine.scope.db.batch([resolveSyncError(mine.scope, errorId, now)]);
    expect(await read()).toEqual({ retry_count: 1, resolved_at: now });
    // The fence and the error by its key: a few rows, not the tenant's 600 posts.
    expect(mine.counts.rowsRead).toBeLessThanOrEqual(readBound(mine.counts));
  });
});
