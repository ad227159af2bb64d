// Conversions through the API: touches of a session, attribution weights under each
// model (by hand: touches 14 and 7 days before a purchase weigh 1/4 and 1/2 against
// the purchase's 1 under a 7-day half-life, i.e. 1/7, 2/7, 4/7), idempotency, and
// the tenant boundary.
import { beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/core/db/ids";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { auditRows, fieldsOf, problemOf, publish, publishedDaysAgo, type ReportTenant, reportTenant } from "./helpers";

type Model = "first_touch" | "last_touch" | "linear" | "time_decay";
interface Conversion {
  id: string;
  post_id: string;
  type: string;
  value: number;
  session_id: string | null;
  visitor_id: string | null;
  utm: Record<string, string | null>;
  tracked_at: string;
  attribution: {
    half_life_hours: number;
    lookback_days: number;
    touches: { id: string; post_id: string; tracked_at: string; weights: Record<Model, number> }[];
    by_post: Record<Model, { post_id: string; weight: number }[]>;
  } | null;
}

const DAY = 86_400_000;
const MODELS: Model[] = ["first_touch", "last_touch", "linear", "time_decay"];

let tenant: ReportTenant;
let other: ReportTenant;
let postX: string;
let postY: string;

beforeAll(async () => {
  tenant = await reportTenant();
  other = await reportTenant();
  postX = await publish(tenant);
  postY = await publish(tenant);
  // Visits are only possible after publication: these posts went out 60 days ago.
  await publishedDaysAgo(tenant.tenantId, postX, 60);
  await publishedDaysAgo(tenant.tenantId, postY, 60);
});

function track(body: Record<string, unknown>, options: { token?: string; key?: string } = {}): Promise<Response> {
  return call("/v1/conversions", {
    token: options.token ?? tenant.ownerKey,
    body,
    headers: options.key ? { "Idempotency-Key": options.key } : {},
  });
}

async function tracked(body: Record<string, unknown>, token?: string): Promise<Conversion> {
  const res = await track(body, { token });
  expect(res.status, `${JSON.stringify(body)}: ${await res.clone().text()}`).toBe(201);
  return json<Conversion>(res);
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const session = () => `s-${crypto.randomUUID()}`;

async function storedSums(tenantId: string, conversionId: string): Promise<Record<string, number>> {
  const { results } = await (await tenantDb(tenantId))
    .prepare("SELECT model, SUM(weight) AS total FROM conversion_attributions WHERE conversion_id = ? GROUP BY model")
    .bind(conversionId)
    .all<{ model: string; total: number }>();
  return Object.fromEntries(results.map((r) => [r.model, r.total]));
}

describe("attribution across a session's touches", () => {
  it("credits one touch fully under every model when there is no session", async () => {
    const purchase = await tracked({ post_id: postX, type: "purchase", value: 120, utm: { campaign: "spring" } });
    expect(purchase).toMatchObject({ type: "purchase", value: 120, session_id: null, utm: { campaign: "spring" } });
    expect(purchase.attribution?.touches).toEqual([
      {
        id: purchase.id,
        post_id: postX,
        tracked_at: purchase.tracked_at,
        weights: { first_touch: 1, last_touch: 1, linear: 1, time_decay: 1 },
      },
    ]);
    for (const model of MODELS) expect(purchase.attribution?.by_post[model]).toEqual([{ post_id: postX, weight: 1 }]);
    const row = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT attribution_model, attribution_weight FROM conversions WHERE conversion_id = ?")
      .bind(purchase.id)
      .first();
    expect(row).toEqual({ attribution_model: "last_touch", attribution_weight: 1 });
    expect(await auditRows(tenant.tenantId, "conversion.create")).toContainEqual({
      success: 1,
      resource_id: purchase.id,
    });
  });

  it("shares a purchase among the session's page views by first, last, linear and time-decay", async () => {
    const s = session();
    const at = Date.now() - 10 * 60_000;
    const iso = (offset: number) => new Date(at + offset).toISOString();
    const first = await tracked({ post_id: postX, type: "page_view", session_id: s, tracked_at: iso(-14 * DAY) });
    const second = await tracked({ post_id: postY, type: "page_view", session_id: s, tracked_at: iso(-7 * DAY) });
    expect(first.attribution).toBeNull();
    // Not touches of this purchase: too old, another session, after it, another tenant.
    await tracked({ post_id: postX, type: "page_view", session_id: s, tracked_at: iso(-31 * DAY) });
    await tracked({ post_id: postX, type: "page_view", session_id: session(), tracked_at: iso(-DAY) });
    await tracked({ post_id: postX, type: "page_view", session_id: s, tracked_at: iso(60_000) });
    const theirs = await publish(other);
    await publishedDaysAgo(other.tenantId, theirs, 60);
    await tracked({ post_id: theirs, type: "page_view", session_id: s, tracked_at: iso(-DAY) }, other.ownerKey);

    const purchase = await tracked({ post_id: postY, type: "purchase", value: 70, session_id: s, tracked_at: iso(0) });
    const attribution = purchase.attribution;
    expect(attribution?.half_life_hours).toBe(168);
    expect(attribution?.lookback_days).toBe(30);
    expect(attribution?.touches.map((t) => [t.id, t.post_id])).toEqual([
      [first.id, postX],
      [second.id, postY],
      [purchase.id, postY],
    ]);
    const weights = (model: Model) => attribution?.touches.map((t) => t.weights[model]) ?? [];
    expect(weights("first_touch")).toEqual([1, 0, 0]);
    expect(weights("last_touch")).toEqual([0, 0, 1]);
    for (const [i, w] of [1 / 3, 1 / 3, 1 / 3].entries()) expect(weights("linear")[i]).toBeCloseTo(w, 15);
    for (const [i, w] of [1 / 7, 2 / 7, 4 / 7].entries()) expect(weights("time_decay")[i]).toBeCloseTo(w, 15);
    expect(attribution?.by_post.first_touch).toEqual([{ post_id: postX, weight: 1 }]);
    expect(attribution?.by_post.last_touch).toEqual([{ post_id: postY, weight: 1 }]);
    expect(attribution?.by_post.time_decay.map((c) => c.post_id)).toEqual([postX, postY]);
    expect(attribution?.by_post.time_decay[1]?.weight).toBeCloseTo(6 / 7, 15);
    expect(attribution?.by_post.linear[1]?.weight).toBeCloseTo(2 / 3, 15);

    // Stored: every model's weights sum to 1.
    const sums = await storedSums(tenant.tenantId, purchase.id);
    expect(Object.keys(sums).sort()).toEqual([...MODELS].sort());
    for (const model of MODELS) expect(Math.abs((sums[model] as number) - 1)).toBeLessThan(1e-12);

    // GET shows the same attribution.
    const read = await json<Conversion>(await call(`/v1/conversions/${purchase.id}`, { token: tenant.ownerKey }));
    expect(read).toEqual(purchase);
  });

  it("attributes a long session over its latest 100 touches", async () => {
    const s = session();
    const start = Date.now() - 20 * DAY;
    const views = Array.from({ length: 120 }, (_, i) => ({
      id: newId("conversion"),
      at: new Date(start + i * 60_000).toISOString(),
    }));
    const db = await tenantDb(tenant.tenantId);
    await db.batch(
      views.map((v) =>
        db
          .prepare(
            `INSERT INTO conversions (conversion_id, post_id, tenant_id, session_id, conversion_type, value, tracked_at)
           VALUES (?, ?, ?, ?, 'page_view', 0, ?)`,
          )
          .bind(v.id, postX, tenant.tenantId, s, v.at),
      ),
    );
    const purchase = await tracked({ post_id: postY, type: "form_submit", session_id: s });
    const touches = purchase.attribution?.touches ?? [];
    expect(touches).toHaveLength(100);
    expect(touches[0]?.id).toBe(views[21]?.id);
    expect(touches[0]?.weights.first_touch).toBe(1);
    const sums = await storedSums(tenant.tenantId, purchase.id);
    for (const model of MODELS) expect(Math.abs((sums[model] as number) - 1)).toBeLessThan(1e-12);
  });

  it("counts every page view of a session recorded concurrently before the purchase", async () => {
    const s = session();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        tracked({ post_id: i % 2 ? postX : postY, type: "page_view", session_id: s, tracked_at: ago(60_000 + i) }),
      ),
    );
    const purchase = await tracked({ post_id: postX, type: "purchase", value: 10, session_id: s });
    expect(purchase.attribution?.touches).toHaveLength(31);
    const linear = purchase.attribution?.by_post.linear ?? [];
    expect(linear.reduce((sum, c) => sum + c.weight, 0)).toBeCloseTo(1, 12);
    // X: 15 page views and the purchase; Y: 15 page views.
    expect(linear.find((c) => c.post_id === postX)?.weight).toBeCloseTo(16 / 31, 15);
  });
});

describe("Idempotency-Key", () => {
  it("returns the first conversion for a repeat and counts it once", async () => {
    const key = crypto.randomUUID();
    const body = { post_id: postX, type: "purchase", value: 42, session_id: session() };
    const first = await track(body, { key });
    expect(first.status).toBe(201);
    const again = await track(body, { key });
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await json(again)).toEqual(await json(first));

    const problem = await problemOf(await track({ ...body, value: 43 }, { key }), 422);
    expect(problem.type).toBe("/problems/idempotency-mismatch");
  });

  it("records one conversion for concurrent requests with one key", async () => {
    const key = crypto.randomUUID();
    const body = { post_id: postY, type: "purchase", value: 99 };
    const responses = await Promise.all(Array.from({ length: 20 }, () => track(body, { key })));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const ids = new Set(await Promise.all(responses.map(async (r) => (await json<Conversion>(r)).id)));
    expect(ids.size).toBe(1);
    const rows = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT COUNT(*) AS n FROM conversions WHERE tenant_id = ? AND idempotency_key = ?")
      .bind(tenant.tenantId, key)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
    expect(Object.keys(await storedSums(tenant.tenantId, [...ids][0] as string))).toHaveLength(4);
  });
});

describe("refusals", () => {
  it("answers 400 naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ post_id: postX, type: "page_view", value: 5 }, "value"],
      [{ post_id: postX, type: "purchase", tracked_at: new Date(Date.now() + DAY).toISOString() }, "tracked_at"],
      [{ post_id: postX, type: "purchase", tracked_at: new Date(Date.now() - 400 * DAY).toISOString() }, "tracked_at"],
      [{ post_id: postX, type: "refund" }, "type"],
      [{ post_id: postX, type: "purchase", value: -1 }, "value"],
      [{ post_id: postX, type: "purchase", utm: { source: "x", channel: "y" } }, "utm.channel"],
      [{ post_id: postX, type: "purchase", session_id: "has space" }, "session_id"],
      [{ post_id: "post_1", type: "purchase" }, "post_id"],
    ];
    for (const [body, field] of cases) {
      expect(fieldsOf(await problemOf(await track(body), 400)), JSON.stringify(body)).toEqual([field]);
    }
  });

  it("answers 400 naming tracked_at for a visit before the post was published", async () => {
    const fresh = await publish(tenant);
    const problem = await problemOf(await track({ post_id: fresh, type: "page_view", tracked_at: ago(DAY) }), 400);
    expect(problem.errors).toEqual([{ in: "body", field: "tracked_at", message: "before the post was published" }]);
    // Within the clock skew allowed between platforms and trackers it is accepted.
    expect((await track({ post_id: fresh, type: "page_view", tracked_at: ago(60_000) })).status).toBe(201);
  });

  it("answers 404 for another tenant's post exactly as for one that does not exist, and records nothing", async () => {
    const theirs = await publish(other);
    const count = async () =>
      (
        await (
          await tenantDb(tenant.tenantId)
        )
          .prepare("SELECT COUNT(*) AS n FROM conversions WHERE tenant_id = ?")
          .bind(tenant.tenantId)
          .first<{ n: number }>()
      )?.n;
    const before = await count();
    const foreign = await problemOf(await track({ post_id: theirs, type: "purchase", value: 1 }), 404);
    const missing = await problemOf(
      await track({ post_id: "post_00000000000000000000000000", type: "purchase", value: 1 }),
      404,
    );
    expect(foreign.detail).toBe(missing.detail);
    expect(await count()).toBe(before);
    const theirConversion = await tracked({ post_id: theirs, type: "purchase" }, other.ownerKey);
    await problemOf(await call(`/v1/conversions/${theirConversion.id}`, { token: tenant.ownerKey }), 404);
  });

  it("answers 400 naming post_id for the tenant's own post that was never published", async () => {
    const res = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: { account_id: tenant.account.id, text: "Later", scheduled_at: new Date(Date.now() + DAY).toISOString() },
    });
    const scheduled = (await json<{ id: string }>(res)).id;
    const problem = await problemOf(await track({ post_id: scheduled, type: "purchase" }), 400);
    expect(problem.errors).toEqual([{ in: "body", field: "post_id", message: "the post is scheduled, not published" }]);
  });
});

describe("listing", () => {
  it("pages newest first and filters by session, post and type, without attribution", async () => {
    const s = session();
    const made: Conversion[] = [];
    for (const [post_id, type] of [
      [postX, "page_view"],
      [postY, "page_view"],
      [postY, "purchase"],
    ]) {
      made.push(await tracked({ post_id, type, session_id: s }));
    }
    const first = await json<{ data: Conversion[]; next_cursor: string }>(
      await call(`/v1/conversions?session_id=${s}&limit=2`, { token: tenant.ownerKey }),
    );
    expect(first.data.map((c) => c.id)).toEqual([made[2]?.id, made[1]?.id]);
    expect(first.data[0]).not.toHaveProperty("attribution");
    const second = await json<{ data: Conversion[]; next_cursor: string | null }>(
      await call(`/v1/conversions?session_id=${s}&limit=2&cursor=${first.next_cursor}`, { token: tenant.ownerKey }),
    );
    expect(second.data.map((c) => c.id)).toEqual([made[0]?.id]);
    expect(second.next_cursor).toBeNull();
    const views = await json<{ data: Conversion[] }>(
      await call(`/v1/conversions?session_id=${s}&type=page_view&post_id=${postY}`, { token: tenant.ownerKey }),
    );
    expect(views.data.map((c) => c.id)).toEqual([made[1]?.id]);
  });
});
