// ROI by campaign: aggregated without the seed's fan-out (a post with three
// conversions must count its impressions once), with the cost per post, the
// attribution model and the window as parameters. The figures reach the report the
// way they reach it in production: posts published, events ingested, conversions
// recorded, all through the API (the TenantObject's running totals follow them).
import { beforeAll, describe, expect, it } from "vitest";
import type { CampaignRoiRow } from "../../objects/tenant-object/contract";
import { ingest } from "../support/analytics";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { flushAnalytics, rebuildCampaignLedger } from "../support/object-hooks";
import { fieldsOf, problemOf, publish, publishedDaysAgo, type ReportTenant, reportTenant } from "./helpers";

type Campaign = CampaignRoiRow;
interface RoiPage {
  data: Campaign[];
  next_cursor: string | null;
  since: string;
  days: number;
  model: string;
  cost_per_post: number;
}

let tenant: ReportTenant;

async function roi(query = "", token = tenant.ownerKey): Promise<RoiPage> {
  const res = await call(`/v1/analytics/roi${query}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<RoiPage>(res);
}

async function convert(postId: string, type: string, value = 0, sessionId?: string): Promise<void> {
  const res = await call("/v1/conversions", {
    token: tenant.ownerKey,
    body: { post_id: postId, type, value, ...(sessionId ? { session_id: sessionId } : {}) },
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

/** A post's impressions and clicks as they stand, as a client reports them. */
async function setReach(t: ReportTenant, postId: string, metrics: { impressions: number; clicks?: number }) {
  const res = await ingest(t.ownerKey, [{ post_id: postId, type: "snapshot", metrics }]);
  expect(res.status, await res.clone().text()).toBe(200);
}

beforeAll(async () => {
  tenant = await reportTenant();
  // "spring": two posts. The first has 1000 impressions, 50 clicks, two page views and
  // three purchases; the second 500 impressions and 10 clicks.
  const first = await publish(tenant, { campaign_id: "spring" });
  const second = await publish(tenant, { campaign_id: "spring" });
  await setReach(tenant, first, { impressions: 1000, clicks: 50 });
  await setReach(tenant, second, { impressions: 500, clicks: 10 });
  await convert(first, "page_view");
  await convert(first, "page_view");
  for (const value of [100, 50, 25]) await convert(first, "purchase", value);
  // "winter": one post with no analytics yet and one form submission worth nothing.
  const winter = await publish(tenant, { campaign_id: "winter" });
  await convert(winter, "form_submit");
  // No campaign: not in the report.
  await convert(await publish(tenant), "purchase", 1000);
});

describe("ROI by campaign", () => {
  it("counts each post's impressions once however many conversions it has", async () => {
    const page = await roi();
    expect(page).toMatchObject({ model: "last_touch", cost_per_post: 50, days: 90, next_cursor: null });
    expect(page.data).toEqual([
      {
        campaign_id: "spring",
        posts: 2,
        impressions: 1500,
        clicks: 60,
        page_views: 2,
        conversions: 3,
        revenue: 175,
        cost: 100,
        roi_percent: 75,
      },
      {
        campaign_id: "winter",
        posts: 1,
        impressions: 0,
        clicks: 0,
        page_views: 0,
        conversions: 1,
        revenue: 0,
        cost: 50,
        roi_percent: -100,
      },
    ]);
  });

  it("takes the cost of a post as a parameter", async () => {
    const page = await roi("?cost_per_post=25");
    expect(page.data[0]).toMatchObject({ campaign_id: "spring", cost: 50, roi_percent: 250 });
  });

  it("leaves out posts published before the window and another tenant's campaigns", async () => {
    const other = await reportTenant();
    const theirs = await publish(other, { campaign_id: "spring" });
    await setReach(other, theirs, { impressions: 99_999 });
    // A post D1 says was published 100 days ago (an import, say): the ledger learns it
    // when it is rebuilt from D1, as it is daily.
    const old = await publish(tenant, { campaign_id: "autumn" });
    await publishedDaysAgo(tenant.tenantId, old, 100);
    const rebuilt = await rebuildCampaignLedger(tenant.tenantId);
    expect(rebuilt).toMatchObject({ posts: 4, campaigns: 3 });
    expect((await roi()).data.map((c) => c.campaign_id)).toEqual(["spring", "winter"]);
    // autumn and winter both return -100%: ties are in campaign order.
    expect((await roi("?days=365")).data.map((c) => c.campaign_id)).toEqual(["spring", "autumn", "winter"]);
    expect((await roi("?days=365")).data[0]?.impressions).toBe(1500);
    expect((await roi("?days=7")).data.map((c) => c.campaign_id)).toEqual(["spring", "winter"]);
  });

  it("credits a session's purchase to campaigns by the chosen model", async () => {
    const shop = await reportTenant();
    const ad = await publish(shop, { campaign_id: "awareness" });
    const offer = await publish(shop, { campaign_id: "offer" });
    const session = `s-${crypto.randomUUID()}`;
    const seen = await call("/v1/conversions", {
      token: shop.ownerKey,
      body: {
        post_id: ad,
        type: "page_view",
        session_id: session,
        tracked_at: new Date(Date.now() - 60_000).toISOString(),
      },
    });
    expect(seen.status).toBe(201);
    const bought = await call("/v1/conversions", {
      token: shop.ownerKey,
      body: { post_id: offer, type: "purchase", value: 200, session_id: session },
    });
    expect(bought.status).toBe(201);
    const revenue = async (model: string) =>
      Object.fromEntries((await roi(`?model=${model}`, shop.ownerKey)).data.map((c) => [c.campaign_id, c.revenue]));
    expect(await revenue("last_touch")).toEqual({ offer: 200, awareness: 0 });
    expect(await revenue("first_touch")).toEqual({ awareness: 200, offer: 0 });
    expect(await revenue("linear")).toEqual({ awareness: 100, offer: 100 });
    const decay = await revenue("time_decay");
    expect((decay.awareness as number) + (decay.offer as number)).toBeCloseTo(200, 9);
    expect(decay.offer as number).toBeGreaterThan(100);
    // The page view counts as a visit of the campaign that brought it, under every model.
    const awareness = (await roi("?model=first_touch", shop.ownerKey)).data.find((c) => c.campaign_id === "awareness");
    expect(awareness).toMatchObject({ page_views: 1, conversions: 1, revenue: 200 });
  });

  it("pages best first with a cursor that keeps the window", async () => {
    const many = await reportTenant();
    for (const [campaign, value] of [
      ["a", 10],
      ["b", 300],
      ["c", 80],
    ] as const) {
      await convertFor(many, await publish(many, { campaign_id: campaign }), value);
    }
    const first = await roi("?limit=2", many.ownerKey);
    expect(first.data.map((c) => [c.campaign_id, c.roi_percent])).toEqual([
      ["b", 500],
      ["c", 60],
    ]);
    const second = await roi(`?limit=2&cursor=${first.next_cursor}`, many.ownerKey);
    expect(second.data.map((c) => [c.campaign_id, c.roi_percent])).toEqual([["a", -80]]);
    expect(second).toMatchObject({ days: 90, next_cursor: null });
    // The cursor keeps its window, whatever `days` comes with it.
    const other = await roi(`?limit=2&days=7&cursor=${first.next_cursor}`, many.ownerKey);
    expect(other).toMatchObject({ days: 90, data: second.data });
  });

  it("answers 400 naming the parameter", async () => {
    for (const [query, field] of [
      ["?cost_per_post=0", "cost_per_post"],
      ["?model=u_shaped", "model"],
      ["?days=0", "days"],
      ["?days=366", "days"],
      ["?days=45", "days"],
      ["?cursor=nope", "cursor"],
    ]) {
      const res = await call(`/v1/analytics/roi${query}`, { token: tenant.ownerKey });
      expect(fieldsOf(await problemOf(res, 400)), query).toEqual([field]);
    }
  });

  it("differs from the seed's query exactly by the fan-out", async () => {
    // The seed's query reads D1: the counters are written there first.
    await flushAnalytics(tenant.tenantId);
    // The seed's join of analytics and conversions, on the same rows: "spring"'s first
    // post has five conversions rows (two page views, three purchases), so its 1000
    // impressions count five times.
    const seed = await (await tenantDb(tenant.tenantId))
      .prepare(
        `SELECT SUM(pa.impressions) AS impressions FROM published_posts p
       JOIN post_analytics pa ON p.post_id = pa.post_id
       LEFT JOIN conversions c ON p.post_id = c.post_id
       WHERE p.tenant_id = ? AND p.campaign_id = 'spring'`,
      )
      .bind(tenant.tenantId)
      .first<{ impressions: number }>();
    expect(seed?.impressions).toBe(5 * 1000 + 500);
    expect((await roi()).data[0]?.impressions).toBe(1500);
  });
});

async function convertFor(t: ReportTenant, postId: string, value: number): Promise<void> {
  const res = await call("/v1/conversions", { token: t.ownerKey, body: { post_id: postId, type: "purchase", value } });
  expect(res.status).toBe(201);
}
