// Every tenant write goes through the TenantScope (src/core/db/tenant-scope.ts), in a batch
// fenced by the tenant's residency (src/core/db/resident-database.ts): a write made any other
// way would land in a shard the tenant is being moved out of, and be lost by the move.
// This runs whole flows (a tenant made, an account connected, posts published, analytics
// ingested and flushed, an A/B test read while running and until it completes, the
// daily cron) with every shard binding watched (test/support/shard-guard.ts), and fails
// on any statement a shard ran outside a scope.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { tenantScope } from "../../src/core/db/tenant-scope";
import { addDays } from "../../src/core/skills/calendar";
import worker from "../../worker/index";
import { connectAccount, publishBody } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { recordsInD1, runTimersNow } from "../support/objects";
import { type ShardGuard, watchShards } from "../support/shard-guard";
import { createTenant } from "../support/tenants";

let guard: ShardGuard | undefined;
afterEach(() => guard?.stop());

async function publish(key: string, account: Awaited<ReturnType<typeof connectAccount>>): Promise<string> {
  const res = await call("/v1/posts", { token: key, body: publishBody(account, {}) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json<{ id: string }>(res)).id;
}

async function abTest(key: string, id: string) {
  const res = await call(`/v1/ab-tests/${id}`, { token: key });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<{ status: string; evaluated_at: string | null }>(res);
}

describe("statements on the shards", () => {
  it("are all made through a TenantScope, every write in a fenced batch, over publish, A/B evaluation and the daily job", async () => {
    guard = watchShards();
    const tenant = await createTenant({ tier: "free" });
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const [a, b] = [await publish(tenant.ownerKey, account), await publish(tenant.ownerKey, account)];
    await recordsInD1(tenant.tenantId);

    // A running test is evaluated (and its evaluation kept) on every read.
    const started = await call("/v1/ab-tests", { token: tenant.ownerKey, body: { name: "Hook", variants: [a, b] } });
    expect(started.status, await started.clone().text()).toBe(201);
    const { id } = await json<{ id: string }>(started);
    expect((await abTest(tenant.ownerKey, id)).status).toBe("running");

    // Engagement through the API and the object's flush, then a read that completes the test.
    const events = [
      { post_id: a, type: "delta", metrics: { likes: 100, comments: 50, impressions: 1000 } },
      { post_id: b, type: "delta", metrics: { likes: 250, comments: 60, impressions: 1000 } },
    ];
    const ingested = await call("/v1/analytics/events", { token: tenant.ownerKey, body: { events } });
    expect(ingested.status, await ingested.clone().text()).toBe(200);
    await runTimersNow(tenant.tenantId, ["flush-analytics"]);
    expect((await abTest(tenant.ownerKey, id)).status).toBe("completed");

    // The daily cron a year and more after the rows were made: retention archives and
    // deletes the trail and prunes what is past its period.
    const { created_at } = await json<{ created_at: string }>(await call(`/v1/posts/${a}`, { token: tenant.ownerKey }));
    const day = addDays(created_at.slice(0, 10), 400);
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: new Date(`${day}T00:15:00Z`), cron: "15 0 * * *" }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    guard.stop();

    expect(guard.violations).toEqual([]);
    // The guard saw the flows: fenced batches from the router and the object, and the job's scan.
    expect(guard.seen.fencedBatches).toBeGreaterThan(5);
    expect(guard.seen.crossTenantReads).toBeGreaterThan(0);
    // The job did delete the tenant's trail (through its scope) while watched.
    const { n } = (await (
      await tenantDb(tenant.tenantId)
    )
      .prepare("SELECT COUNT(*) AS n FROM audit_logs WHERE tenant_id = ?")
      .bind(tenant.tenantId)
      .first<{ n: number }>()) as { n: number };
    expect(n).toBe(0);
  });

  it("names a write made outside a scope's fenced batch, and a read made on the raw binding", async () => {
    const tenant = await createTenant();
    guard = watchShards();
    const scope = await tenantScope(env, tenant.tenantId);
    await scope.db
      .prepare("UPDATE brand_profiles SET tenant_id = tenant_id WHERE tenant_id = ?")
      .bind(tenant.tenantId)
      .run()
      .catch(() => undefined);
    const raw = await tenantDb(tenant.tenantId);
    await raw.prepare("SELECT COUNT(*) FROM published_posts WHERE tenant_id = ?").bind(tenant.tenantId).first();
    await raw.batch([raw.prepare("DELETE FROM published_posts WHERE tenant_id = ?").bind(tenant.tenantId)]);
    await scope.db.batch([raw.prepare("DELETE FROM published_posts WHERE tenant_id = ?").bind(tenant.tenantId)]);
    await scope.db.batch([scope.db.prepare("DELETE FROM published_posts WHERE tenant_id = ?").bind(tenant.tenantId)]);
    guard.stop();
    expect(guard.violations).toEqual([
      expect.stringMatching(
        /a write outside a fenced batch \(\.run\(\), by test\/db\/shard-statements\.test\.ts\): UPDATE brand_profiles/,
      ),
      expect.stringMatching(
        /a read not prepared by a TenantScope \(\.first\(\), by test\/db\/shard-statements\.test\.ts\): SELECT COUNT\(\*\) FROM published_posts/,
      ),
      expect.stringMatching(
        /a write outside a fenced batch \(an unfenced batch, by test\/db\/shard-statements\.test\.ts\): DELETE FROM published_posts/,
      ),
      expect.stringMatching(/a statement not prepared by a TenantScope in a fenced batch: DELETE FROM published_posts/),
    ]);
  });
});
