// The post reports over the live figures (GET /v1/analytics/top-posts and /anomalies):
// the window's posts ranked by performance score, the anomalies among them, a platform's
// only, the window on the tenant's object's clock, and nothing of another tenant.
import { describe, expect, it } from "vitest";
import { type AnalyticsWorld, ingest, publishedPosts } from "../support/analytics";
import { call, json } from "../support/http";
import { advanceObjectClock, objectNow, runTimersNow } from "../support/objects";
import { createTenant } from "../support/tenants";

interface Figures {
  post_id: string;
  platform: string;
  published_at: string;
  performance_score: number;
  is_anomaly: boolean;
  anomaly_type: string;
}

interface Report {
  data: Figures[];
  since: string;
}

/** Twelve posts: eleven near 2 % engagement, the last at 30 % (an anomaly), scored against the benchmarks. */
async function measuredWorld(): Promise<AnalyticsWorld> {
  const world = await publishedPosts(12);
  const events = world.posts.map((post, i) => ({
    post_id: post,
    type: "snapshot",
    metrics: i === 11 ? { impressions: 1000, likes: 300 } : { impressions: 1000 + i * 10, likes: 10 + i },
  }));
  expect((await ingest(world.key, events)).status).toBe(200);
  // The flush writes the benchmarks the scores are read against.
  await runTimersNow(world.tenant.tenantId, ["flush-analytics"]);
  return world;
}

async function report(key: string, path: string): Promise<Report> {
  const res = await call(path, { token: key });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Report>(res);
}

/** The figures but those read at the moment of asking. */
function stable(figures: Figures | undefined): Record<string, unknown> {
  const {
    updated_at: _u,
    engagement_velocity_1h: _a,
    engagement_velocity_24h: _b,
    engagement_velocity_7d: _c,
    ...rest
  } = (figures ?? {}) as Figures & Record<string, unknown>;
  return rest;
}

async function figuresOf(key: string, postId: string): Promise<Figures> {
  return json<Figures>(await call(`/v1/posts/${postId}/analytics`, { token: key }));
}

describe("post reports", () => {
  it("rank the window's posts by their live score and list the anomalies", async () => {
    const world = await measuredWorld();
    const every = await Promise.all(world.posts.map((post) => figuresOf(world.key, post)));
    const expected = [...every].sort(
      (a, b) =>
        b.performance_score - a.performance_score ||
        b.published_at.localeCompare(a.published_at) ||
        a.post_id.localeCompare(b.post_id),
    );
    const top = await report(world.key, "/v1/analytics/top-posts?limit=5");
    expect(
      top.data.map((p) => [p.post_id, p.performance_score]),
      "the five best, best first",
    ).toEqual(expected.slice(0, 5).map((p) => [p.post_id, p.performance_score]));
    expect(top.data[0]?.post_id, "the 30 % post scores best").toBe(world.posts[11]);
    // Each row is the post's own live figures (velocities and updated_at move with the clock).
    for (const row of top.data) {
      expect(stable(row), row.post_id).toEqual(stable(every.find((p) => p.post_id === row.post_id)));
    }

    const anomalies = await report(world.key, "/v1/analytics/anomalies");
    expect(anomalies.data.map((p) => [p.post_id, p.anomaly_type])).toEqual([[world.posts[11], "high"]]);
    expect(every.filter((p) => p.is_anomaly).map((p) => p.post_id)).toEqual([world.posts[11]]);
  });

  it("keep to the platform and the window asked for, on the object's clock", async () => {
    const world = await measuredWorld();
    const tenantId = world.tenant.tenantId;
    expect((await report(world.key, "/v1/analytics/top-posts?platform=linkedin")).data).toEqual([]);
    expect((await report(world.key, "/v1/analytics/top-posts?platform=facebook&limit=50")).data).toHaveLength(12);

    const now = await objectNow(tenantId);
    await advanceObjectClock(tenantId, now + 8 * 86_400_000);
    const week = await report(world.key, "/v1/analytics/top-posts?days=7");
    expect(week.data, "published eight days ago").toEqual([]);
    expect(Date.parse(week.since)).toBeGreaterThanOrEqual(now + 86_400_000 - 60_000);
    expect((await report(world.key, "/v1/analytics/anomalies?days=7")).data).toEqual([]);
    expect((await report(world.key, "/v1/analytics/top-posts?days=30&limit=50")).data).toHaveLength(12);
  });

  it("show another tenant none of the posts", async () => {
    const world = await measuredWorld();
    const other = await createTenant();
    expect((await report(other.ownerKey, "/v1/analytics/top-posts?limit=50")).data).toEqual([]);
    expect((await report(other.ownerKey, "/v1/analytics/anomalies")).data).toEqual([]);
    expect((await report(world.key, "/v1/analytics/anomalies")).data).toHaveLength(1);
  });

  it("refuse a window or a page out of bounds, naming the field", async () => {
    const tenant = await createTenant();
    for (const [query, field] of [
      ["days=0", "days"],
      ["days=91", "days"],
      ["limit=51", "limit"],
      ["platform=myspace", "platform"],
    ] as const) {
      const res = await call(`/v1/analytics/top-posts?${query}`, { token: tenant.ownerKey });
      expect(res.status, query).toBe(400);
      expect(
        (await json<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field),
        query,
      ).toEqual([field]);
    }
  });
});
