// Events applied exactly, flushed to D1 exactly, through D1 failures and evictions.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { flushAnalyticsNow } from "../../objects/tenant-object/test-hooks";
import { ingest, publishedPosts } from "../support/analytics";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { flushAnalytics } from "../support/object-hooks";
import { objectShardDb, runTimersNow, tenantObjectOf } from "../support/objects";

interface Row {
  post_id: string;
  likes: number;
  comments: number;
  shares: number;
  clicks: number;
  impressions: number;
  sync_count: number;
}

async function d1Rows(tenantId: string): Promise<Map<string, Row>> {
  const { results } = await (await tenantDb(tenantId))
    .prepare(
      "SELECT post_id, likes, comments, shares, clicks, impressions, sync_count FROM post_analytics WHERE tenant_id = ?",
    )
    .bind(tenantId)
    .all<Row>();
  return new Map(results.map((r) => [r.post_id, r]));
}

/** 10,000 deltas over `posts`, with the sums they must add up to. */
function tenThousandEvents(posts: string[]) {
  const expected = new Map(posts.map((id) => [id, { likes: 0, comments: 0, shares: 0, clicks: 0, impressions: 0 }]));
  const events = Array.from({ length: 10_000 }, (_, i) => {
    const postId = posts[(i * 7919) % posts.length] as string;
    const metrics = {
      likes: (i % 5) + 1,
      comments: i % 3,
      shares: i % 2,
      clicks: (i % 4) + 1,
      impressions: 10 + (i % 13),
    };
    const sums = expected.get(postId) as Record<string, number>;
    for (const [name, value] of Object.entries(metrics)) sums[name] = (sums[name] as number) + value;
    return { post_id: postId, type: "delta", metrics };
  });
  return { events, expected };
}

async function sendInBatches(key: string, events: unknown[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) {
    const res = await ingest(key, events.slice(i, i + 1000));
    expect(res.status, await res.clone().text()).toBe(200);
  }
}

describe("ingestion and flush", () => {
  it("10,000 events over 100 posts leave D1 post_analytics exactly equal to the sums", async () => {
    const world = await publishedPosts(100);
    const { events, expected } = tenThousandEvents(world.posts);
    await sendInBatches(world.key, events);
    await runTimersNow(world.tenant.tenantId, ["flush-analytics"]);
    const rows = await d1Rows(world.tenant.tenantId);
    expect(rows.size).toBe(100);
    for (const [postId, sums] of expected) expect(rows.get(postId)).toMatchObject({ ...sums, sync_count: 1 });
    const benchmark = await (await tenantDb(world.tenant.tenantId))
      .prepare("SELECT total_posts, median_engagement_rate FROM performance_benchmarks WHERE tenant_id = ?")
      .bind(world.tenant.tenantId)
      .first<{ total_posts: number; median_engagement_rate: number }>();
    expect(benchmark?.total_posts).toBe(100);
    expect(benchmark?.median_engagement_rate).toBeGreaterThan(0);
  });

  it("a D1 failure during the flush loses nothing and doubles nothing", async () => {
    const world = await publishedPosts(10);
    const { events, expected } = tenThousandEvents(world.posts);
    await sendInBatches(world.key, events.slice(0, 2000));
    const stub = tenantObjectOf(world.tenant.tenantId);
    // D1 (the tenant's shard) refuses the flush's writes once.
    const db = await objectShardDb(world.tenant.tenantId);
    vi.spyOn(db, "batch").mockRejectedValueOnce(new Error("D1 is unavailable"));
    await runInDurableObject(stub, async (instance: TenantObject) => {
      await expect(flushAnalyticsNow(instance)).rejects.toThrow(/unavailable/);
    });
    // Rows are made with the posts, and still hold nothing.
    const untouched = await d1Rows(world.tenant.tenantId);
    expect(untouched.size).toBe(10);
    for (const row of untouched.values()) expect(row).toMatchObject({ likes: 0, impressions: 0 });
    await sendInBatches(world.key, events.slice(2000, 10_000));
    await flushAnalytics(world.tenant.tenantId);
    await flushAnalytics(world.tenant.tenantId);
    const rows = await d1Rows(world.tenant.tenantId);
    for (const [postId, sums] of expected) expect(rows.get(postId)).toMatchObject({ ...sums, sync_count: 1 });
  });

  it("an eviction between ingestion and flush loses nothing", async () => {
    const world = await publishedPosts(5);
    const { events, expected } = tenThousandEvents(world.posts);
    await sendInBatches(world.key, events.slice(0, 3000));
    await evictDurableObject(tenantObjectOf(world.tenant.tenantId));
    await sendInBatches(world.key, events.slice(3000));
    await evictDurableObject(tenantObjectOf(world.tenant.tenantId));
    await runTimersNow(world.tenant.tenantId, ["flush-analytics"]);
    const rows = await d1Rows(world.tenant.tenantId);
    for (const [postId, sums] of expected) expect(rows.get(postId)).toMatchObject(sums);
  });

  it("client events leave synced_at and sync_count (the platform's) alone", async () => {
    const world = await publishedPosts(1);
    const [post] = world.posts as [string];
    const db = await tenantDb(world.tenant.tenantId);
    const before = await db
      .prepare("SELECT synced_at, sync_count FROM post_analytics WHERE post_id = ?")
      .bind(post)
      .first();
    await ingest(world.key, [{ post_id: post, type: "delta", metrics: { likes: 5 } }]);
    await runTimersNow(world.tenant.tenantId, ["flush-analytics"]);
    const after = await db
      .prepare("SELECT likes, synced_at, sync_count FROM post_analytics WHERE post_id = ?")
      .bind(post)
      .first();
    expect(after).toEqual({ likes: 5, ...before });
  });

  it("a batch sent twice with one Idempotency-Key is applied once", async () => {
    const world = await publishedPosts(1);
    const events = [{ post_id: world.posts[0], type: "delta", metrics: { likes: 5 } }];
    const headers = { "Idempotency-Key": "batch-1" };
    expect(await json(await ingest(world.key, events, headers))).toEqual({ accepted: 1, posts: 1, duplicate: false });
    expect(await json(await ingest(world.key, events, headers))).toMatchObject({ duplicate: true });
    const figures = await json<{ likes: number }>(
      await call(`/v1/posts/${world.posts[0]}/analytics`, { token: world.key }),
    );
    expect(figures.likes).toBe(5);
  });

  it("snapshots set, deltas add, and nothing goes below zero", async () => {
    const world = await publishedPosts(1);
    const post = world.posts[0];
    await ingest(world.key, [
      { post_id: post, type: "snapshot", metrics: { likes: 40, impressions: 1000, reach: 800, followers: 400 } },
      { post_id: post, type: "delta", metrics: { likes: 2, comments: 3 } },
      { post_id: post, type: "delta", metrics: { shares: -5 } },
    ]);
    const figures = await json<Record<string, number>>(await call(`/v1/posts/${post}/analytics`, { token: world.key }));
    expect(figures).toMatchObject({ likes: 42, comments: 3, shares: 0, impressions: 1000, reach: 800 });
    expect(figures.engagement_rate).toBeCloseTo(45 / 1000, 10);
    expect(figures.viral_coefficient).toBe(2);
  });

  it("refuses a batch naming another tenant's post, applying none of it", async () => {
    const mine = await publishedPosts(1);
    const theirs = await publishedPosts(1);
    const res = await ingest(mine.key, [
      { post_id: mine.posts[0], type: "delta", metrics: { likes: 1 } },
      { post_id: theirs.posts[0], type: "delta", metrics: { likes: 1 } },
    ]);
    expect(res.status).toBe(404);
    expect((await json<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field)).toEqual(["events.1.post_id"]);
    const figures = await json<{ likes: number }>(
      await call(`/v1/posts/${mine.posts[0]}/analytics`, { token: mine.key }),
    );
    expect(figures.likes).toBe(0);
    expect((await call(`/v1/posts/${theirs.posts[0]}/analytics`, { token: mine.key })).status).toBe(404);
  });

  it("names the bad field of a malformed event", async () => {
    const world = await publishedPosts(1);
    const res = await ingest(world.key, [{ post_id: world.posts[0], type: "snapshot", metrics: { likes: -1 } }]);
    expect(res.status).toBe(400);
    expect((await json<{ errors: { field: string }[] }>(res)).errors[0]?.field).toBe("events.0.metrics.likes");
  });
});

describe("derived figures", () => {
  it("flag a post far from the tenant's distribution as an anomaly", async () => {
    const world = await publishedPosts(12);
    const events = world.posts.map((post, i) => ({
      post_id: post,
      type: "snapshot",
      // Eleven posts near 2 % engagement, one at 30 %.
      metrics: i === 11 ? { impressions: 1000, likes: 300 } : { impressions: 1000, likes: 18 + (i % 5) },
    }));
    await ingest(world.key, events);
    const outlier = await json<{ is_anomaly: boolean; anomaly_type: string; z_score: number }>(
      await call(`/v1/posts/${world.posts[11]}/analytics`, { token: world.key }),
    );
    expect(outlier).toMatchObject({ is_anomaly: true, anomaly_type: "high" });
    expect(outlier.z_score).toBeGreaterThan(2);
    const ordinary = await json<{ is_anomaly: boolean }>(
      await call(`/v1/posts/${world.posts[0]}/analytics`, { token: world.key }),
    );
    expect(ordinary.is_anomaly).toBe(false);
    await runTimersNow(world.tenant.tenantId, ["flush-analytics"]);
    const row = await (await tenantDb(world.tenant.tenantId))
      .prepare("SELECT is_anomaly, anomaly_type FROM post_analytics WHERE post_id = ?")
      .bind(world.posts[11])
      .first();
    expect(row).toEqual({ is_anomaly: 1, anomaly_type: "high" });
  });

  it("judges a post against the figures as they stand, not as they stood a moment ago", async () => {
    const world = await publishedPosts(8);
    const figures = async (post: string) =>
      json<{ is_anomaly: boolean; anomaly_type: string }>(
        await call(`/v1/posts/${post}/analytics`, { token: world.key }),
      );
    const [last, ...others] = [...world.posts].reverse() as [string, ...string[]];
    await ingest(
      world.key,
      others.map((post, i) => ({
        post_id: post,
        type: "snapshot",
        metrics: { impressions: 1000, likes: 16 + (i % 5) * 2 },
      })),
    );
    expect((await figures(others[0] as string)).is_anomaly).toBe(false);
    // The next batch makes one post an outlier: flagged at once.
    await ingest(world.key, [{ post_id: last, type: "snapshot", metrics: { impressions: 1000, likes: 400 } }]);
    expect(await figures(last)).toMatchObject({ is_anomaly: true, anomaly_type: "high" });
    // And when it falls back in line, the flag goes at once too.
    await ingest(world.key, [{ post_id: last, type: "snapshot", metrics: { likes: 20 } }]);
    expect((await figures(last)).is_anomaly).toBe(false);
  });

  it("velocity counts engagements within each early window, per hour", async () => {
    const world = await publishedPosts(1);
    const post = world.posts[0] as string;
    // As if the post went out three hours ago.
    const publishedAt = Date.now() - 3 * 3_600_000;
    await runInDurableObject(tenantObjectOf(world.tenant.tenantId), (_instance: TenantObject, state) => {
      state.storage.sql.exec("UPDATE post_counters SET published_at_ms = ? WHERE post_id = ?", publishedAt, post);
    });
    const at = (minutes: number) => new Date(publishedAt + minutes * 60_000).toISOString();
    await ingest(world.key, [
      { post_id: post, type: "snapshot", at: at(30), metrics: { likes: 40, impressions: 500 } },
      { post_id: post, type: "snapshot", at: at(60), metrics: { likes: 60, impressions: 900 } },
      { post_id: post, type: "snapshot", at: at(150), metrics: { likes: 120, impressions: 2000 } },
    ]);
    const figures = await json<{ engagement_velocity_1h: number; engagement_velocity_24h: number }>(
      await call(`/v1/posts/${post}/analytics`, { token: world.key }),
    );
    // 60 engagements in the first hour; 120 in the three hours so far.
    expect(figures.engagement_velocity_1h).toBeCloseTo(60, 6);
    expect(figures.engagement_velocity_24h).toBeCloseTo(40, 1);
  });
});
