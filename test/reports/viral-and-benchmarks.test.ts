import { beforeAll, describe, expect, it } from "vitest";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import {
  fieldsOf,
  problemOf,
  publish,
  publishedDaysAgo,
  type ReportTenant,
  reportTenant,
  setAnalytics,
} from "./helpers";

interface ViralPage {
  data: { post_id: string; viral_coefficient: number; reach: number; impressions: number; published_at: string }[];
  next_cursor: string | null;
  since: string;
}

let tenant: ReportTenant;
const ids: Record<string, string> = {};

async function viral(query = "", token = tenant.ownerKey): Promise<ViralPage> {
  const res = await call(`/v1/analytics/viral${query}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<ViralPage>(res);
}

beforeAll(async () => {
  tenant = await reportTenant();
  const coefficients: Record<string, number> = { top: 2.5, edge: 1.0, tame: 0.99, old: 3.0, gone: 4.0, tied: 2.5 };
  for (const [name, coefficient] of Object.entries(coefficients)) {
    ids[name] = await publish(tenant);
    await setAnalytics(tenant.tenantId, ids[name] as string, {
      viral_coefficient: coefficient,
      reach: 1000 * coefficient,
      impressions: 4000,
    });
  }
  await publishedDaysAgo(tenant.tenantId, ids.old as string, 40);
  await (await tenantDb(tenant.tenantId))
    .prepare("UPDATE published_posts SET status = 'deleted' WHERE post_id = ?")
    .bind(ids.gone)
    .run();
  const other = await reportTenant();
  const theirs = await publish(other);
  await setAnalytics(other.tenantId, theirs, { viral_coefficient: 9, reach: 9000 });
});

describe("viral posts", () => {
  it("lists the tenant's published posts with a coefficient of at least 1 in the last 30 days, most viral first", async () => {
    const page = await viral();
    const tied = [ids.top, ids.tied].sort();
    expect(page.data.map((p) => p.post_id)).toEqual([...tied, ids.edge]);
    expect(page.data[0]).toMatchObject({ viral_coefficient: 2.5, reach: 2500, impressions: 4000 });
    expect(page.next_cursor).toBeNull();
  });

  it("looks further back with days", async () => {
    expect((await viral("?days=60")).data[0]?.post_id).toBe(ids.old);
  });

  it("pages with a cursor through ties", async () => {
    const first = await viral("?limit=1");
    const second = await viral(`?limit=1&cursor=${first.next_cursor}`);
    const third = await viral(`?limit=1&cursor=${second.next_cursor}`);
    expect([first, second, third].map((p) => p.data[0]?.post_id)).toEqual([...[ids.top, ids.tied].sort(), ids.edge]);
    expect(third.next_cursor).toBeNull();
    expect(third.since).toBe(first.since);
  });

  it("answers 400 naming the parameter", async () => {
    for (const [query, field] of [
      ["?days=0", "days"],
      ["?limit=101", "limit"],
      ["?platform=myspace", "platform"],
    ]) {
      expect(
        fieldsOf(await problemOf(await call(`/v1/analytics/viral${query}`, { token: tenant.ownerKey }), 400)),
      ).toEqual([field]);
    }
  });
});

describe("benchmarks", () => {
  async function insertBenchmark(tenantId: string, platform: string, avg: number): Promise<void> {
    await (await tenantDb(tenantId))
      .prepare(
        `INSERT INTO performance_benchmarks (benchmark_id, tenant_id, platform, avg_engagement_rate,
         median_engagement_rate, p90_engagement_rate, avg_reach, p90_reach, avg_share_rate, p90_share_rate,
         total_posts, calculated_at)
       VALUES (?, ?, ?, ?, 0.03, 0.08, 1200.5, 3000, 0.004, 0.01, 42, '2026-11-20 03:00:00')`,
      )
      .bind(crypto.randomUUID(), tenantId, platform, avg)
      .run();
  }

  it("lists the tenant's rows by platform, and only its own", async () => {
    const mine = await reportTenant();
    const other = await reportTenant();
    await insertBenchmark(mine.tenantId, "twitter", 0.02);
    await insertBenchmark(mine.tenantId, "linkedin", 0.05);
    await insertBenchmark(other.tenantId, "facebook", 0.9);
    const res = await call("/v1/analytics/benchmarks", { token: mine.ownerKey });
    expect(res.status).toBe(200);
    const body = await json<{ data: Record<string, unknown>[] }>(res);
    expect(body.data.map((b) => b.platform)).toEqual(["linkedin", "twitter"]);
    expect(body.data[0]).toEqual({
      id: expect.any(String),
      platform: "linkedin",
      avg_engagement_rate: 0.05,
      median_engagement_rate: 0.03,
      p90_engagement_rate: 0.08,
      avg_reach: 1200.5,
      p90_reach: 3000,
      avg_share_rate: 0.004,
      p90_share_rate: 0.01,
      total_posts: 42,
      calculated_at: "2026-11-20T03:00:00.000Z",
    });
    const twitter = await json<{ data: { platform: string }[] }>(
      await call("/v1/analytics/benchmarks?platform=twitter", { token: mine.ownerKey }),
    );
    expect(twitter.data.map((b) => b.platform)).toEqual(["twitter"]);
    const none = await json<{ data: unknown[] }>(await call("/v1/analytics/benchmarks", { token: tenant.ownerKey }));
    expect(none.data).toEqual([]);
  });
});
