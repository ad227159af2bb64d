// The TenantObject's campaign ledger (objects/analytics/campaign-ledger.ts): running
// totals that answer ROI by campaign with one row read per campaign. Held to the
// report computed straight from D1 (./roi-oracle.ts) under hundreds of requests in
// flight, across a rebuild racing live credits, after a credit lost between D1 and
// the object, and as posts leave a window with time.
import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { AGEING_POSTS, CampaignLedger, DAY_MS } from "../../objects/analytics/campaign-ledger";
import type { CampaignRoiPage, CampaignRoiQuery } from "../../objects/tenant-object/contract";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { ATTRIBUTION_MODELS, type AttributionModel } from "../../src/core/analytics/attribution";
import { ROI_WINDOWS } from "../../src/core/analytics/roi-windows";
import { connectAccount, publishBody } from "../support/accounts";
import { ingest } from "../support/analytics";
import { clearFaults, failAt, holdAt } from "../support/faults";
import { call, json } from "../support/http";
import { flushAnalytics, rebuildCampaignLedger } from "../support/object-hooks";
import { objectNow, recordsInD1, runTimersNow, tenantObjectOf } from "../support/objects";
import { createTenant, type TestTenant } from "../support/tenants";
import { type OracleCampaign, roiFromD1 } from "./roi-oracle";

const CAMPAIGNS = ["alpha", "beta", "gamma", "delta"];

interface World {
  tenant: TestTenant;
  posts: { id: string; campaign: string | null }[];
}

async function world(postCount: number): Promise<World> {
  const tenant = await createTenant({ settings: { rate_limits: { linkedin: { limit: 100_000 } } } });
  const account = await connectAccount(tenant.ownerKey, "linkedin");
  // Published concurrently: every fifth post has no campaign.
  const posts = await Promise.all(
    Array.from({ length: postCount }, async (_, i) => {
      const campaign = i % 5 === 4 ? null : (CAMPAIGNS[i % CAMPAIGNS.length] as string);
      const res = await call("/v1/posts", {
        token: tenant.ownerKey,
        body: publishBody(account, {
          text: `Ledger post ${i} ${crypto.randomUUID()}`,
          ...(campaign ? { campaign_id: campaign } : {}),
        }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return { id: ((await res.json()) as { id: string }).id, campaign };
    }),
  );
  await recordsInD1(tenant.tenantId);
  return { tenant, posts };
}

/** A conversion through the API; its status. */
async function convert(t: TestTenant, body: Record<string, unknown>): Promise<number> {
  const res = await call("/v1/conversions", { token: t.ownerKey, body });
  return res.status;
}

/** Reach, visits and purchases in flight together: `count` requests over the world's posts. */
async function traffic(w: World, count: number, seed: number): Promise<void> {
  const statuses = await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const post = w.posts[(i * 7 + seed) % w.posts.length] as World["posts"][number];
      const session = `s-${seed}-${i % 13}`;
      switch (i % 4) {
        case 0:
          return ingest(w.tenant.ownerKey, [
            { post_id: post.id, type: "delta", metrics: { impressions: 10 + (i % 17), clicks: i % 3 } },
          ]).then((res) => res.status);
        case 1:
          return convert(w.tenant, { post_id: post.id, type: "page_view", session_id: session });
        case 2:
          return convert(w.tenant, { post_id: post.id, type: "purchase", value: 5 + (i % 11), session_id: session });
        default:
          return convert(w.tenant, { post_id: post.id, type: "form_submit", session_id: session });
      }
    }),
  );
  expect(statuses.filter((status) => status !== 200 && status !== 201)).toEqual([]);
}

async function roi(t: TestTenant, query: string): Promise<CampaignRoiPage & { data: CampaignRoiPage["rows"] }> {
  const res = await call(`/v1/analytics/roi${query}`, { token: t.ownerKey });
  expect(res.status, await res.clone().text()).toBe(200);
  return json(res);
}

/** The ledger's answer for every model and window equals D1's, campaign by campaign. */
async function expectLedgerIsD1(t: TestTenant): Promise<void> {
  // D1's post_analytics is the counters as last flushed.
  await flushAnalytics(t.tenantId);
  for (const model of ATTRIBUTION_MODELS) {
    for (const days of [7, 365]) {
      const page = await roi(t, `?days=${days}&model=${model}&limit=100`);
      const d1 = await roiFromD1(t.tenantId, Date.parse((page as unknown as { since: string }).since), model);
      expect(page.data.map((c) => c.campaign_id).sort()).toEqual([...d1.keys()].sort());
      for (const campaign of page.data) {
        const expected = d1.get(campaign.campaign_id) as OracleCampaign;
        expect({ ...campaign, conversions: 0, revenue: 0 }).toMatchObject({
          posts: expected.posts,
          impressions: expected.impressions,
          clicks: expected.clicks,
          page_views: expected.page_views,
        });
        expect(campaign.conversions, `${model} ${campaign.campaign_id}`).toBeCloseTo(expected.conversions, 6);
        expect(campaign.revenue, `${model} ${campaign.campaign_id}`).toBeCloseTo(expected.revenue, 6);
      }
    }
  }
}

afterEach(() => clearFaults());

describe("the campaign ledger against D1", () => {
  let w: World;
  beforeAll(async () => {
    w = await world(40);
  });

  it("agrees with D1 after 300 requests in flight (events, visits, purchases, forms)", async () => {
    await traffic(w, 300, 1);
    const page = await roi(w.tenant, "?limit=100");
    expect(page.data.length).toBe(CAMPAIGNS.length);
    expect(page.data.reduce((sum, c) => sum + c.page_views, 0)).toBeGreaterThan(0);
    await expectLedgerIsD1(w.tenant);
  });

  it("counts each conversion once when a rebuild from D1 runs while credits arrive", async () => {
    const held = holdAt("ledger.read");
    const rebuild = rebuildCampaignLedger(w.tenant.tenantId);
    await held.reached;
    // D1 was read; these are recorded after it and credited while the rebuild waits.
    await traffic(w, 120, 2);
    held.release();
    const rebuilt = await rebuild;
    expect(rebuilt.posts).toBe(w.posts.filter((p) => p.campaign).length);
    await expectLedgerIsD1(w.tenant);
    // And a rebuild with nothing in flight changes nothing.
    const before = await roi(w.tenant, "?model=linear&limit=100");
    await rebuildCampaignLedger(w.tenant.tenantId);
    expect((await roi(w.tenant, "?model=linear&limit=100")).data).toEqual(before.data);
  });

  it("refuses a late credit for a conversion the rebuild already counted", async () => {
    const post = w.posts.find((p) => p.campaign === "beta") as World["posts"][number];
    const held = holdAt("ledger.credit");
    // D1 has the purchase; its credit call waits until a whole rebuild has run.
    const purchase = convert(w.tenant, { post_id: post.id, type: "purchase", value: 777 });
    await held.reached;
    await rebuildCampaignLedger(w.tenant.tenantId);
    held.release();
    expect(await purchase).toBe(201);
    await expectLedgerIsD1(w.tenant);
  });

  it("keeps a conversion whose credit did not reach the object, and counts it at the rebuild", async () => {
    const post = w.posts.find((p) => p.campaign === "alpha") as World["posts"][number];
    const before = (await roi(w.tenant, "?limit=100")).data.find((c) => c.campaign_id === "alpha");
    const lost = failAt("ledger.credit");
    expect(await convert(w.tenant, { post_id: post.id, type: "purchase", value: 1000 })).toBe(201);
    expect(lost.fired()).toBe(true);
    clearFaults();
    const missing = (await roi(w.tenant, "?limit=100")).data.find((c) => c.campaign_id === "alpha");
    expect(missing?.revenue).toBe(before?.revenue);
    await rebuildCampaignLedger(w.tenant.tenantId);
    const repaired = (await roi(w.tenant, "?limit=100")).data.find((c) => c.campaign_id === "alpha");
    expect(repaired?.revenue).toBeCloseTo((before?.revenue ?? 0) + 1000, 6);
    await expectLedgerIsD1(w.tenant);
  });
});

describe("the campaign ledger's timer", () => {
  it("builds the ledger from D1 when it never was, and sets itself again", async () => {
    const w = await world(10);
    const object = tenantObjectOf(w.tenant.tenantId);
    const builtAt = () =>
      runInDurableObject(object, (_o: TenantObject, state) =>
        state.storage.sql
          .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'campaign_ledger_built_ms'")
          .toArray()
          .map((row) => Number(row.value)),
      );
    expect(await builtAt()).toEqual([]);
    const before = await objectNow(w.tenant.tenantId);
    await runTimersNow(w.tenant.tenantId, ["campaign-ledger"]);
    expect((await builtAt())[0]).toBeGreaterThanOrEqual(before);
    const due = await runInDurableObject(object, (_o: TenantObject, state) =>
      state.storage.sql
        .exec<{ due_at_ms: number }>("SELECT due_at_ms FROM timers WHERE name = 'campaign-ledger'")
        .toArray(),
    );
    // Posts leave the 7-day window only in a week: next is the daily rebuild.
    expect(due[0]?.due_at_ms).toBeGreaterThanOrEqual(before + DAY_MS);
    expect(due[0]?.due_at_ms).toBeLessThanOrEqual((await objectNow(w.tenant.tenantId)) + DAY_MS);
    await expectLedgerIsD1(w.tenant);
  });
});

describe("the campaign ledger's windows", () => {
  const T0 = Date.parse("2026-01-01T00:00:00.000Z");
  const query = (window: CampaignRoiQuery["window"], model: AttributionModel = "linear"): CampaignRoiQuery => ({
    window,
    model,
    costPerPost: 10,
    limit: 100,
  });

  /** A ledger on a fresh object's SQLite, its windows as a build at `T0` leaves them. */
  function withLedger<T>(run: (ledger: CampaignLedger, sql: SqlStorage) => T): Promise<T> {
    return runInDurableObject(tenantObjectOf(`ledger-${crypto.randomUUID()}`), (_o: TenantObject, state) => {
      const sql = state.storage.sql;
      sql.exec("UPDATE campaign_windows SET cutoff_ms = ? - window_days * ?", T0, DAY_MS);
      return run(new CampaignLedger(sql), sql);
    });
  }

  it("lets a post go exactly when its window has passed, and a campaign with it", async () => {
    await withLedger((ledger) => {
      ledger.publish({ postId: "post_a", campaignId: "spring", publishedAtMs: T0 }, T0);
      ledger.publish({ postId: "post_b", campaignId: "spring", publishedAtMs: T0 + 3 * DAY_MS }, T0 + 3 * DAY_MS);
      ledger.publish({ postId: "post_c", campaignId: "summer", publishedAtMs: T0 + DAY_MS }, T0 + DAY_MS);
      ledger.credit(
        {
          conversionId: "cnv_1",
          type: "purchase",
          postId: "post_a",
          value: 40,
          touches: [{ postId: "post_a", model: "linear", weight: 1 }],
        },
        T0 + 3 * DAY_MS,
      );
      ledger.reach([{ post_id: "post_b", impressions: 70, clicks: 7 }]);
      const at = (ms: number, window: CampaignRoiQuery["window"] = 7) =>
        Object.fromEntries(
          ledger.report(query(window), ms).rows.map((c) => [c.campaign_id, [c.posts, c.revenue, c.impressions]]),
        );
      // post_a (T0) is in the 7-day window until T0 + 7 days, not at it plus a millisecond.
      expect(at(T0 + 7 * DAY_MS)).toEqual({ spring: [2, 40, 70], summer: [1, 0, 0] });
      expect(at(T0 + 7 * DAY_MS + 1)).toEqual({ spring: [1, 0, 70], summer: [1, 0, 0] });
      // summer's only post leaves the window: summer leaves the report.
      expect(at(T0 + 8 * DAY_MS + 1)).toEqual({ spring: [1, 0, 70] });
      expect(at(T0 + 30 * DAY_MS, 30)).toEqual({ spring: [2, 40, 70], summer: [1, 0, 0] });
      // A post's figures keep changing after a shorter window let it go.
      ledger.reach([{ post_id: "post_a", impressions: 5, clicks: 0 }]);
      expect(at(T0 + 30 * DAY_MS, 30)).toEqual({ spring: [2, 40, 75], summer: [1, 0, 0] });
      expect(at(T0 + 30 * DAY_MS, 7)).toEqual({});
    });
  });

  it("forgets posts older than the longest window, and a repeated credit counts once", async () => {
    await withLedger((ledger, sql) => {
      ledger.publish({ postId: "post_a", campaignId: "spring", publishedAtMs: T0 }, T0);
      const credit = {
        conversionId: "cnv_2",
        type: "purchase" as const,
        postId: "post_a",
        value: 10,
        touches: [{ postId: "post_a", model: "last_touch" as const, weight: 1 }],
      };
      expect(ledger.credit(credit, T0)).toBe(true);
      expect(ledger.credit(credit, T0 + 1000)).toBe(false);
      expect(ledger.report(query(365, "last_touch"), T0 + DAY_MS).rows[0]).toMatchObject({
        revenue: 10,
        cost: 10,
        roi_percent: 0,
      });
      ledger.report(query(365), T0 + 365 * DAY_MS + 1);
      expect(sql.exec("SELECT COUNT(*) AS n FROM campaign_posts").one().n).toBe(0);
      expect(sql.exec("SELECT COUNT(*) AS n FROM campaign_totals").one().n).toBe(0);
      expect(ledger.nextAgeingMs(1)).toBe(null);
      // A post published before the longest window is not kept at all.
      expect(ledger.publish({ postId: "post_z", campaignId: "old", publishedAtMs: T0 }, T0 + 400 * DAY_MS)).toBe(false);
    });
  });

  it("reads one row per campaign of the window, and the posts that left it since", async () => {
    await withLedger((ledger) => {
      // 40 campaigns × 25 posts, one post every 6 hours over 250 days.
      for (let i = 0; i < 1000; i++) {
        const publishedAtMs = T0 - 250 * DAY_MS + i * 6 * 3_600_000;
        ledger.publish({ postId: `post_${i}`, campaignId: `c${i % 40}`, publishedAtMs }, publishedAtMs);
      }
      const first = ledger.report(query(365), T0);
      expect(first.rows.length).toBe(40);
      for (const window of ROI_WINDOWS) {
        const page = ledger.report(query(window), T0 + 1);
        expect(page.rowsRead, `${window} days`).toBeLessThanOrEqual(2 * page.rows.length + 100);
      }
      // Just before the ledger's timer is due, a report ages the most it ever does itself.
      const due = ledger.nextAgeingMs(AGEING_POSTS) as number;
      expect(due).toBeGreaterThan(T0);
      const before = ledger.report(query(7), due - 1);
      expect(before.rowsRead).toBeGreaterThan(AGEING_POSTS);
      expect(before.rowsRead).toBeLessThanOrEqual(2 * before.rows.length + 100);
    });
  });
});
