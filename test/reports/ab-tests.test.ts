// A/B tests through the API, on posts published to the sandbox and analytics rows
// written as the flush would. Reference p-values: Python 3.12, as in ab-test.test.ts
// (z = (x2/n2 - x1/n1) / sqrt(p(1-p)(1/n1+1/n2)), p = math.erfc(abs(z)/math.sqrt(2))).
import { beforeAll, describe, expect, it } from "vitest";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { auditRows, fieldsOf, problemOf, publish, type ReportTenant, reportTenant, setAnalytics } from "./helpers";

interface AbTest {
  id: string;
  status: string;
  winner: string | null;
  p_value: number | null;
  confidence_level: number | null;
  uplift: number | null;
  reason: string | null;
  metric_definition: string;
  variants: { label: string; post_id: string; successes: number; trials: number; rate: number | null }[];
  comparisons: { variant: string; p_value: number | null; adjusted_p_value: number | null; significant: boolean }[];
  completed_at: string | null;
  evaluated_at: string | null;
}

const relative = (actual: number | null, expected: number) => Math.abs((actual as number) - expected) / expected;

let tenant: ReportTenant;
let other: ReportTenant;
let posts: string[];

beforeAll(async () => {
  tenant = await reportTenant();
  other = await reportTenant();
  posts = [];
  for (let i = 0; i < 3; i += 1) posts.push(await publish(tenant));
});

async function start(body: Record<string, unknown>, token = tenant.ownerKey): Promise<Response> {
  return call("/v1/ab-tests", { token, body: { name: "Hook line", ...body } });
}

async function created(body: Record<string, unknown>): Promise<AbTest> {
  const res = await start(body);
  expect(res.status, await res.clone().text()).toBe(201);
  const test = await json<AbTest>(res);
  expect(res.headers.get("Location")).toBe(`/v1/ab-tests/${test.id}`);
  return test;
}

const read = async (id: string, token = tenant.ownerKey) => {
  const res = await call(`/v1/ab-tests/${id}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<AbTest>(res);
};

describe("an A/B test of two posts", () => {
  it("runs inconclusive without data, then completes with the p-value computed in Python", async () => {
    const [a, b] = [await publish(tenant), await publish(tenant)];
    const test = await created({ variants: [a, b] });
    expect(test).toMatchObject({ status: "running", winner: "inconclusive", p_value: null, completed_at: null });
    expect(test.reason).toContain("minimum sample");
    expect(test.variants.map((v) => [v.label, v.post_id, v.trials])).toEqual([
      ["A", a, 0],
      ["B", b, 0],
    ]);
    expect(test.metric_definition).toBe("(likes + comments + shares + clicks) / impressions");

    // A: 200 engagements in 1000 impressions; B: 250 in 1000.
    await setAnalytics(tenant.tenantId, a, { likes: 100, comments: 50, shares: 30, clicks: 20, impressions: 1000 });
    await setAnalytics(tenant.tenantId, b, { likes: 130, comments: 60, shares: 35, clicks: 25, impressions: 1000 });
    const decided = await read(test.id);
    expect(decided).toMatchObject({ status: "completed", winner: "B", confidence_level: 99 });
    expect(relative(decided.p_value, 0.007419649261025693)).toBeLessThan(1e-12);
    expect(relative(decided.uplift, 25)).toBeLessThan(1e-12);
    expect(decided.completed_at).not.toBeNull();
    expect(decided.variants.map((v) => [v.successes, v.trials, v.rate])).toEqual([
      [200, 1000, 0.2],
      [250, 1000, 0.25],
    ]);

    // The stored row says the same, and the completion is audited once.
    const row = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT winner, p_value, status FROM ab_tests WHERE test_id = ?")
      .bind(test.id)
      .first<{ winner: string; p_value: number; status: string }>();
    expect(row).toEqual({ winner: "B", p_value: decided.p_value, status: "completed" });
    expect(await auditRows(tenant.tenantId, "ab_test.complete")).toContainEqual({
      success: 1,
      resource_id: test.id,
    });

    // A completed test keeps its verdict and the figures it was reached on.
    await setAnalytics(tenant.tenantId, b, { likes: 10, impressions: 5000 });
    const later = await read(test.id);
    expect(later).toEqual(decided);
  });

  it("stays running below min_sample and records each evaluation", async () => {
    const [a, b] = posts as [string, string];
    await setAnalytics(tenant.tenantId, a, { clicks: 100, impressions: 1500 });
    await setAnalytics(tenant.tenantId, b, { clicks: 300, impressions: 1500 });
    const test = await created({ variants: [a, b], metric: "click_through", min_sample: 2000 });
    expect(test).toMatchObject({ status: "running", winner: "inconclusive" });
    expect(test.reason).toBe("minimum sample not reached: 2000 trials per variant needed; A has 1500, B has 1500");
    // The evidence is shown (p far below alpha) but does not count yet.
    expect(test.p_value).toBeLessThan(1e-10);
    expect(test.comparisons[0]?.significant).toBe(false);

    await setAnalytics(tenant.tenantId, a, { clicks: 100, impressions: 2000 });
    const again = await read(test.id);
    expect(again.reason).toContain("B has 1500");
    expect(again.evaluated_at && test.evaluated_at && again.evaluated_at >= test.evaluated_at).toBe(true);
    expect(again.variants[0]?.trials).toBe(2000);
  });

  it("is a tie with enough data and no significant difference, and completes", async () => {
    const [a, b] = [await publish(tenant), await publish(tenant)];
    await setAnalytics(tenant.tenantId, a, { shares: 200, impressions: 1000 });
    await setAnalytics(tenant.tenantId, b, { shares: 205, impressions: 1000 });
    const test = await created({ variants: [a, b], metric: "share_rate" });
    // p = 0.7808489900754432 (Python, as above).
    expect(test).toMatchObject({ status: "completed", winner: "tie", confidence_level: 21 });
    expect(relative(test.p_value, 0.7808489900754432)).toBeLessThan(1e-12);
  });

  it("is inconclusive when a post counts more engagements than impressions", async () => {
    const [a, b] = [await publish(tenant), await publish(tenant)];
    await setAnalytics(tenant.tenantId, a, { likes: 900, comments: 300, impressions: 1000 });
    await setAnalytics(tenant.tenantId, b, { likes: 100, impressions: 1000 });
    const test = await created({ variants: [a, b] });
    expect(test).toMatchObject({ status: "running", winner: "inconclusive", p_value: null, comparisons: [] });
    expect(test.reason).toContain("not a proportion");
  });
});

describe("an A/B test of three posts", () => {
  it("corrects the two comparisons with Holm and names C", async () => {
    const ids = [await publish(tenant), await publish(tenant), await publish(tenant)];
    const clicks = [200, 240, 260];
    for (const [i, id] of ids.entries()) {
      await setAnalytics(tenant.tenantId, id, { clicks: clicks[i], impressions: 1000 });
    }
    const test = await created({ variants: ids, metric: "click_through", test_type: "hashtag" });
    // Python: p(B) = 0.030837167828904333, p(C) = 0.001432290465813645; Holm: C 2·p(C), B p(B).
    expect(test).toMatchObject({ status: "completed", winner: "C", confidence_level: 99 });
    expect(relative(test.p_value, 2 * 0.001432290465813645)).toBeLessThan(1e-12);
    expect(relative(test.comparisons[0]?.p_value ?? null, 0.030837167828904333)).toBeLessThan(1e-12);
    expect(relative(test.comparisons[0]?.adjusted_p_value ?? null, 0.030837167828904333)).toBeLessThan(1e-12);
    expect(relative(test.uplift, 30)).toBeLessThan(1e-12);
    expect(test.variants.map((v) => v.label)).toEqual(["A", "B", "C"]);
  });
});

describe("refusals", () => {
  it("answers 400 naming the field for a repeated post, one post, four, or an unknown metric", async () => {
    const [a, b, c] = posts as [string, string, string];
    expect(fieldsOf(await problemOf(await start({ variants: [a, b, a] }), 400))).toEqual(["variants.2"]);
    expect(fieldsOf(await problemOf(await start({ variants: [a] }), 400))).toEqual(["variants"]);
    expect(fieldsOf(await problemOf(await start({ variants: [a, b, c, a] }), 400))).toContain("variants");
    expect(fieldsOf(await problemOf(await start({ variants: [a, b], metric: "likes" }), 400))).toEqual(["metric"]);
    expect(fieldsOf(await problemOf(await start({ variants: [a, b], alpha: 0.5 }), 400))).toEqual(["alpha"]);
  });

  it("answers 404 for another tenant's post exactly as for one that does not exist, and writes nothing", async () => {
    const theirs = await publish(other);
    const db = await tenantDb(tenant.tenantId);
    const before = await db
      .prepare("SELECT COUNT(*) AS n FROM ab_tests WHERE tenant_id = ?")
      .bind(tenant.tenantId)
      .first<{ n: number }>();
    const foreign = await problemOf(await start({ variants: [posts[0], theirs] }), 404);
    const missing = await problemOf(await start({ variants: [posts[0], "post_00000000000000000000000000"] }), 404);
    expect(foreign.detail).toBe(missing.detail);
    expect(foreign.type).toBe("/problems/not-found");
    const after = await db
      .prepare("SELECT COUNT(*) AS n FROM ab_tests WHERE tenant_id = ?")
      .bind(tenant.tenantId)
      .first<{ n: number }>();
    expect(after).toEqual(before);
    // And a test of the other tenant is not there for this one.
    const theirTest = await json<AbTest>(
      await call("/v1/ab-tests", {
        token: other.ownerKey,
        body: { name: "Theirs", variants: [theirs, await publish(other)] },
      }),
    );
    await problemOf(await call(`/v1/ab-tests/${theirTest.id}`, { token: tenant.ownerKey }), 404);
  });

  it("answers 400 naming the variant for the tenant's own post that was never published", async () => {
    const res = await call("/v1/posts", {
      token: tenant.ownerKey,
      body: {
        account_id: tenant.account.id,
        text: "Tomorrow",
        scheduled_at: new Date(Date.now() + 86_400_000).toISOString(),
      },
    });
    expect(res.status).toBe(202);
    const scheduled = (await json<{ id: string }>(res)).id;
    const problem = await problemOf(await start({ variants: [posts[0], scheduled] }), 400);
    expect(problem.errors).toEqual([
      { in: "body", field: "variants.1", message: "the post is scheduled, not published" },
    ]);
  });
});

describe("listing", () => {
  it("pages newest first with a cursor and filters by status", async () => {
    const lister = await reportTenant();
    const [a, b] = [await publish(lister), await publish(lister)];
    await setAnalytics(lister.tenantId, a, { clicks: 10, impressions: 1000 });
    await setAnalytics(lister.tenantId, b, { clicks: 50, impressions: 1000 });
    const made: AbTest[] = [];
    for (const [metric, min_sample] of [
      ["click_through", 1000],
      ["click_through", 5000],
      ["share_rate", 10],
    ] as const) {
      const res = await call("/v1/ab-tests", {
        token: lister.ownerKey,
        body: { name: `${metric} ${min_sample}`, variants: [a, b], metric, min_sample },
      });
      made.push(await json<AbTest>(res));
    }
    expect(made.map((t) => t.status)).toEqual(["completed", "running", "running"]);

    const first = await json<{ data: AbTest[]; next_cursor: string }>(
      await call("/v1/ab-tests?limit=2", { token: lister.ownerKey }),
    );
    expect(first.data.map((t) => t.id)).toEqual([made[2]?.id, made[1]?.id]);
    const second = await json<{ data: AbTest[]; next_cursor: string | null }>(
      await call(`/v1/ab-tests?limit=2&cursor=${first.next_cursor}`, { token: lister.ownerKey }),
    );
    expect(second).toEqual({ data: [expect.objectContaining({ id: made[0]?.id })], next_cursor: null });

    const running = await json<{ data: AbTest[] }>(
      await call("/v1/ab-tests?status=running", { token: lister.ownerKey }),
    );
    expect(running.data.map((t) => t.id)).toEqual([made[2]?.id, made[1]?.id]);
  });
});

describe("concurrent reads", () => {
  it("complete a test once: one verdict, one completion time, one audit row", async () => {
    const [a, b] = [await publish(tenant), await publish(tenant)];
    const test = await created({ variants: [a, b], metric: "click_through" });
    expect(test.status).toBe("running");
    await setAnalytics(tenant.tenantId, a, { clicks: 100, impressions: 1000 });
    await setAnalytics(tenant.tenantId, b, { clicks: 150, impressions: 1000 });
    const results = await Promise.all(Array.from({ length: 40 }, () => read(test.id)));
    const verdicts = new Set(results.map((r) => `${r.status} ${r.winner} ${r.p_value} ${r.completed_at}`));
    expect(verdicts.size).toBe(1);
    expect(results[0]).toMatchObject({ status: "completed", winner: "B" });
    const completions = (await auditRows(tenant.tenantId, "ab_test.complete")).filter((r) => r.resource_id === test.id);
    expect(completions).toEqual([{ success: 1, resource_id: test.id }]);
  });
});
