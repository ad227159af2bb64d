// The publish outbox: a publish is answered once the TenantObject has its outcome,
// and its D1 rows follow in batches. Nothing is lost when D1 fails or the object is
// evicted, nothing is written twice, and a client always reads its own posts.
import { evictDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PublishInput } from "../../objects/tenant-object/contract";
import { type ConnectedAccount, connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { unfenced } from "../support/databases";
import { call, json } from "../support/http";
import { objectShardDb, runTimersNow, tenantObjectOf } from "../support/objects";
import { d1Counts } from "../support/post-records";
import { createOwnerKey, createTenant } from "../support/tenants";

async function publisher(limit = 10_000) {
  const tenant = await createTenant({ settings: { rate_limits: { linkedin: { limit } } } });
  const { key } = await createOwnerKey(tenant, { scopes: ["publish", "read:posts"], rate_limit_per_hour: 10_000 });
  const account = await connectAccount(tenant.ownerKey, "linkedin");
  return { tenant, key, account };
}

async function publish(key: string, account: ConnectedAccount, text: string): Promise<string> {
  const res = await call("/v1/posts", { token: key, body: publishBody(account, { text }) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json<{ id: string }>(res)).id;
}

/** Makes the object's D1 (its tenant's shard) refuse every batch until the returned function is called. */
async function refuseD1(tenantId: string): Promise<() => Promise<void>> {
  const db = await objectShardDb(tenantId);
  const spy = vi.spyOn(db, "batch").mockRejectedValue(new Error("D1 is unavailable"));
  return async () => spy.mockRestore();
}

/**
 * A post published (and answered) while the object's D1 refuses every batch; the
 * object's caches are warmed first, so only the record needs D1.
 */
async function publishedWhileD1Refuses(text: string) {
  const world = await publisher();
  await publish(world.key, world.account, "warm-up");
  await runTimersNow(world.tenant.tenantId, ["record-pending"]);
  const restore = await refuseD1(world.tenant.tenantId);
  const id = await publish(world.key, world.account, text);
  return { ...world, id, restore };
}

describe("the publish outbox", () => {
  // The objects' D1 binding is this isolate's: a spy left behind would reach every test.
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("300 concurrent publishes reach D1 exactly once each, in a few batches, and a list right after shows them all", async () => {
    const { tenant, key, account } = await publisher();
    await publish(key, account, "warm-up");
    let batches = 0;
    const db = await objectShardDb(tenant.tenantId);
    const real = db.batch.bind(db);
    vi.spyOn(db, "batch").mockImplementation((statements) => {
      batches += 1;
      return real(statements);
    });
    const ids = await Promise.all(Array.from({ length: 300 }, (_, i) => publish(key, account, `Burst ${i}`)));

    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; next_cursor: string | null } = await json(
        await call(`/v1/posts?limit=100${cursor ? `&cursor=${cursor}` : ""}`, { token: key }),
      );
      listed.push(...page.data.map((post) => post.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(listed).toHaveLength(301);
    for (const id of ids) expect(listed).toContain(id);

    expect(await d1Counts(tenant.tenantId, ids)).toEqual({ requests: 300, posts: 300, analytics: 300, audits: 300 });
    // One round trip per batch of up to 100 posts, not one per post.
    expect(batches).toBeGreaterThanOrEqual(3);
    expect(batches).toBeLessThanOrEqual(30);
  });

  it("splits a batch of long posts so that no statement carries more than 1 MB", async () => {
    const tenant = await createTenant({ settings: { rate_limits: { facebook: { limit: 1000 } } } });
    const { key } = await createOwnerKey(tenant, {
      scopes: ["publish", "read:posts"],
      rate_limit_per_hour: 10_000,
    });
    const account = await connectAccount(tenant.ownerKey, "facebook");
    const long = "x".repeat(50_000);
    const sizes: number[] = [];
    await publish(key, account, "warm-up");
    const db = await objectShardDb(tenant.tenantId);
    const real = db.batch.bind(db);
    vi.spyOn(db, "batch").mockImplementation((statements) => {
      sizes.push(unfenced(statements).length);
      return real(statements);
    });
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => publish(key, account, `${i} ${long}`)));
    await call("/v1/posts?limit=1", { token: key });
    expect(await d1Counts(tenant.tenantId, ids)).toEqual({ requests: 30, posts: 30, analytics: 30, audits: 30 });
    // 30 posts of 50 kB are 1.5 MB of text: at least two record batches (five
    // statements each: requests, posts, analytics rows, accounts, audit), none refused.
    expect(sizes.filter((statements) => statements === 5).length).toBeGreaterThanOrEqual(2);
  });

  it("keeps an answered post while D1 refuses it, and writes it once when D1 is back", async () => {
    const { tenant, key, id, restore } = await publishedWhileD1Refuses("While D1 is down");
    await expect(runTimersNow(tenant.tenantId, ["record-pending"])).resolves.toBe(true);
    expect(await d1Counts(tenant.tenantId, [id])).toEqual({ requests: 0, posts: 0, analytics: 0, audits: 0 });

    await restore();
    await runTimersNow(tenant.tenantId, ["record-pending"]);
    await runTimersNow(tenant.tenantId, ["record-pending"]);
    expect(await d1Counts(tenant.tenantId, [id])).toEqual({ requests: 1, posts: 1, analytics: 1, audits: 1 });
    const read = await json<{ id: string; status: string }>(await call(`/v1/posts/${id}`, { token: key }));
    expect(read).toMatchObject({ id, status: "published" });
  });

  it("an eviction after the answer loses nothing: the alarm writes the post", async () => {
    // D1 refuses until the eviction, so the post cannot have gone out before it.
    const { tenant, id, restore } = await publishedWhileD1Refuses("Before the eviction");
    await restore();
    await evictDurableObject(tenantObjectOf(tenant.tenantId));
    expect(await d1Counts(tenant.tenantId, [id])).toEqual({ requests: 0, posts: 0, analytics: 0, audits: 0 });
    await runTimersNow(tenant.tenantId, ["record-pending"]);
    expect(await d1Counts(tenant.tenantId, [id])).toEqual({ requests: 1, posts: 1, analytics: 1, audits: 1 });
  });

  it("a publish the router repeats after a reset gets its first answer, before and after D1 has the record, and is not sent again", async () => {
    const { tenant, key, account } = await publisher();
    const text = `Repeated after a reset ${Math.random()}`;
    const first = await json<{ id: string }>(
      await call("/v1/posts", { token: key, body: publishBody(account, { text }) }),
    );
    const input: PublishInput = {
      attemptId: first.id,
      idempotencyKey: null,
      requestHash: "",
      accountId: account.id,
      draft: { text, imageUrl: null, videoUrl: null, hashtags: [] },
      scheduledAtMs: null,
      campaignId: null,
      utmParams: null,
      contentId: null,
      actor: { tenantId: tenant.tenantId, userId: null, ip: null, userAgent: null, requestId: "repeat" },
      retry: true,
    };
    const sent = async () => (await sandbox("linkedin").counters(sandboxUserOf(account))).publish ?? 0;
    const before = await sent();
    const stub = tenantObjectOf(tenant.tenantId);
    // Still in the outbox, then written to D1 (the attempt is done).
    const waiting = await stub.publishNow(input);
    await runTimersNow(tenant.tenantId, ["record-pending"]);
    expect(await d1Counts(tenant.tenantId, [first.id])).toEqual({ requests: 1, posts: 1, analytics: 1, audits: 1 });
    const recorded = await stub.publishNow(input);
    for (const result of [waiting, recorded]) {
      // The object's typed outcome of the 201 (src/router/http/publish-answers.ts makes the HTTP answer).
      expect(result).toMatchObject({ kind: "published", post: first });
    }
    expect(await sent()).toBe(before);
  });
});
