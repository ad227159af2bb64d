// The fault matrix, D1 failing: on each statement of the publish outbox's batch and of
// the analytics flush's batches (the batch rolls back, as a D1 batch does), and after
// committing with its answer lost. Nothing is lost while D1 fails, nothing is written
// or counted twice once it is back, and clients read what happened.
import { afterEach, describe, expect, it } from "vitest";
import type { FaultPointName } from "../../objects/tenant-object/fault-points";
import { publishBody } from "../support/accounts";
import { ingest, publishedPosts } from "../support/analytics";
import { tenantDb } from "../support/databases";
import { clearFaults, type D1Fault, failD1After } from "../support/faults";
import { call, json } from "../support/http";
import { runTimersNow } from "../support/objects";
import { expectSettled, publishingTenant, uniqueText } from "../support/outcomes";
import { d1Counts } from "../support/post-records";

/** The outbox's batch for one published post: request, published post, analytics row, account, audit. */
const OUTBOX_STATEMENTS = 5;

type Counters = { post_id: string; likes: number; clicks: number; impressions: number };

async function d1Counters(tenantId: string): Promise<Counters[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare("SELECT post_id, likes, clicks, impressions FROM post_analytics WHERE tenant_id = ? ORDER BY post_id")
    .bind(tenantId)
    .all<Counters>();
  return results;
}

async function benchmarkPosts(tenantId: string): Promise<number | null> {
  const row = await (await tenantDb(tenantId))
    .prepare("SELECT total_posts FROM performance_benchmarks WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ total_posts: number }>();
  return row?.total_posts ?? null;
}

describe("fault matrix: D1 failing under the publish outbox", () => {
  afterEach(clearFaults);

  it.each<{ name: string; fault: D1Fault }>([
    ...Array.from({ length: OUTBOX_STATEMENTS }, (_, index) => ({
      name: `statement ${index} refused`,
      fault: { kind: "statement", index } as D1Fault,
    })),
    { name: "the answer lost after the commit", fault: { kind: "answer-lost" } },
  ])("$name: the answered post reaches D1 once when D1 is back", async ({ fault }) => {
    const { tenant, key, account } = await publishingTenant();
    const text = uniqueText("outbox");
    const res = await call("/v1/posts", { token: key, body: publishBody(account, { text }) });
    expect(res.status).toBe(201);
    const { id } = await json<{ id: string }>(res);

    const d1 = await failD1After(tenant.tenantId, "outbox.write", fault);
    await runTimersNow(tenant.tenantId, ["record-pending"]);
    expect(d1.failed()).toBeGreaterThan(0);
    expect(d1.sizes[0]).toBe(OUTBOX_STATEMENTS);
    // All or nothing: a refused batch left no row behind; a committed one is whole.
    const whole = fault.kind === "answer-lost" ? 1 : 0;
    expect(await d1Counts(tenant.tenantId, [id])).toEqual({
      requests: whole,
      posts: whole,
      analytics: whole,
      audits: whole,
    });

    d1.restore();
    await runTimersNow(tenant.tenantId, ["record-pending"]);
    await expectSettled(tenant.tenantId, key, account, id, text, "published");
  });
});

describe("fault matrix: D1 failing under the analytics flush", () => {
  afterEach(clearFaults);

  // Seven posts: their counters take three statements (three rows each), then the benchmark one.
  it.each<{ name: string; point: FaultPointName; fault: D1Fault }>([
    ...[0, 1, 2].map((index) => ({
      name: `counters statement ${index} refused`,
      point: "flush.write" as FaultPointName,
      fault: { kind: "statement", index } as D1Fault,
    })),
    { name: "the counters' answer lost after the commit", point: "flush.write", fault: { kind: "answer-lost" } },
    { name: "the benchmark statement refused", point: "flush.written", fault: { kind: "statement", index: 0 } },
  ])("$name: D1 ends with exactly the sums applied", async ({ point, fault }) => {
    const world = await publishedPosts(7);
    const tenantId = world.tenant.tenantId;
    const before = await d1Counters(tenantId);
    const events = world.posts.flatMap((post, i) => [
      { post_id: post, type: "delta", metrics: { likes: 3, impressions: 100 } },
      { post_id: post, type: "delta", metrics: { likes: 1, clicks: i % 2 } },
    ]);
    expect((await ingest(world.key, events)).status).toBe(200);
    const sums = world.posts
      .map((post, i) => ({ post_id: post, likes: 4, clicks: i % 2, impressions: 100 }))
      .toSorted((a, b) => a.post_id.localeCompare(b.post_id));

    const d1 = await failD1After(tenantId, point, fault);
    await runTimersNow(tenantId, ["flush-analytics"]);
    expect(d1.failed()).toBeGreaterThan(0);
    if (fault.kind === "statement") expect(d1.sizes[0]).toBeGreaterThan(fault.index);
    // Refused counters left D1 as it was; committed ones are the sums, not more.
    expect(await d1Counters(tenantId)).toEqual(point === "flush.write" && fault.kind === "statement" ? before : sums);

    d1.restore();
    await runTimersNow(tenantId, ["flush-analytics"]);
    await runTimersNow(tenantId, ["flush-analytics"]);
    expect(await d1Counters(tenantId)).toEqual(sums);
    expect(await benchmarkPosts(tenantId)).toBe(7);
    // And clients read the same figures from the object.
    for (const { post_id, likes, impressions } of sums) {
      const figures = await json<{ likes: number; impressions: number }>(
        await call(`/v1/posts/${post_id}/analytics`, { token: world.key }),
      );
      expect(figures).toMatchObject({ likes, impressions });
    }
  });
});
