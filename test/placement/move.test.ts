// Moving a tenant to another shard of its region while it publishes and ingests
// analytics: nothing written is lost or doubled, the directory names the new shard, the
// old shard keeps nothing of the tenant, and every credential keeps working.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { countRows } from "../../src/core/placement/move/copy-rows";
import { TENANT_TABLES } from "../../src/core/placement/move/tenant-tables";
import { shardsOfRegion } from "../../src/core/placement/shards";
import { publishBody } from "../support/accounts";
import { ingest, publishedPosts } from "../support/analytics";
import { call, json } from "../support/http";
import { runAlarmNow, runTimersNow, tenantObjectOf } from "../support/objects";
import { ADMIN, login } from "../support/tenants";

interface Placement {
  shard: string;
  move: { phase: string; rows_copied: number; error: string | null } | null;
}

async function placement(tenantId: string): Promise<Placement> {
  const res = await call(`/v1/admin/tenants/${tenantId}/placement`, { token: ADMIN });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Placement>(res);
}

/** Every tenant table's row count of `tenantId` in `db`. */
async function counts(db: D1Database, tenantId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TENANT_TABLES) out[table.name] = await countRows(db, table, tenantId);
  return out;
}

/** A client that publishes once, retrying a 503 (the move's fence) with the same Idempotency-Key. */
async function publishUntilDone(key: string, body: Record<string, unknown>, idempotencyKey: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const res = await call("/v1/posts", { token: key, body, headers: { "Idempotency-Key": idempotencyKey } });
    if (res.status !== 503) return res;
    expect(res.headers.get("Retry-After")).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the fence never lifted");
}

/** Runs the move's alarm until it reaches `phase` (the drain is skipped by moving its clock). */
async function driveMove(tenantId: string, until: string): Promise<Placement> {
  for (let run = 0; run < 500; run++) {
    const now = await placement(tenantId);
    if (now.move?.phase === until || now.move?.phase === "failed") return now;
    if (now.move?.phase === "draining") {
      // The drain waits out the placement caches of other isolates, which run on the
      // machine's clock: moving the object's clock would not age them. They are gone
      // here (one isolate, whose cache the switch forgot), so the drain is cut short.
      await runInDurableObject(tenantObjectOf(tenantId), (_o: TenantObject, state) => {
        state.storage.sql.exec("UPDATE tenant_move SET switched_ms = 0");
        state.storage.sql.exec("UPDATE timers SET due_at_ms = 0 WHERE name = 'move-tenant'");
      });
      await runAlarmNow(tenantId);
    } else await runTimersNow(tenantId, ["move-tenant"]);
  }
  throw new Error(`the move never reached ${until}`);
}

describe("moving a tenant between shards of its region", () => {
  it("copies every row while the tenant publishes and ingests, and loses or doubles nothing", async () => {
    const world = await publishedPosts(12, "linkedin");
    const { tenantId } = world.tenant;
    // More kinds of rows: a template, a member, a key made with a key, analytics.
    expect((await call("/v1/templates", { token: world.tenant.ownerKey, body: template() })).status).toBe(201);
    const member = await call("/v1/users", {
      token: world.tenant.ownerKey,
      body: { email: `m-${crypto.randomUUID()}@example.com`, password: "correct horse battery staple", role: "member" },
    });
    expect(member.status).toBe(201);
    const child = await call("/v1/api-keys", { token: world.tenant.ownerKey, body: { scopes: ["read:posts"] } });
    expect(child.status, await child.clone().text()).toBe(201);
    const childKey = (await json<{ key: string }>(child)).key;
    const before = world.posts.map((post) => ({
      post_id: post,
      type: "delta",
      metrics: { likes: 3, impressions: 40 },
    }));
    expect((await ingest(world.key, before)).status).toBe(200);
    await runTimersNow(tenantId, ["flush-analytics"]);

    const from = (await placement(tenantId)).shard;
    const to = shardsOfRegion(env, "eu-west").find((shard) => shard.name !== from);
    if (!to) throw new Error("the test needs two shards in eu-west (wrangler.toml)");
    const source = shardsOfRegion(env, "eu-west").find((shard) => shard.name === from)?.db as D1Database;
    const rowsBefore = await counts(source, tenantId);

    const started = await call(`/v1/admin/tenants/${tenantId}/move`, { token: ADMIN, body: { to_shard: to.name } });
    expect(started.status, await started.clone().text()).toBe(202);
    // A second move while this one runs is refused.
    expect(
      (await call(`/v1/admin/tenants/${tenantId}/move`, { token: ADMIN, body: { to_shard: to.name } })).status,
    ).toBe(409);

    // While the rows move: 60 publishes and 60 analytics batches, concurrently with the move's runs.
    const texts = Array.from({ length: 60 }, (_, i) => `During the move ${i} ${crypto.randomUUID()}`);
    const during = Promise.all(
      texts.map((text, i) =>
        publishUntilDone(world.key, publishBody(world.account, { text }), `move-${tenantId}-${i}`),
      ),
    );
    const ingested = Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        ingest(world.key, [{ post_id: world.posts[i % world.posts.length], type: "delta", metrics: { likes: 1 } }]),
      ),
    );
    const switched = await driveMove(tenantId, "draining");
    expect(switched.move?.error ?? null).toBeNull();
    const answers = await during;
    for (const answer of answers) expect(answer.status, await answer.clone().text()).toBe(201);
    for (const answer of await ingested) expect(answer.status).toBe(200);
    expect(switched.shard).toBe(to.name);

    const done = await driveMove(tenantId, "done");
    expect(done.move?.phase).toBe("done");
    await tenantObjectOf(tenantId).settleRecords();
    await runTimersNow(tenantId, ["flush-analytics"]);

    // The old shard keeps nothing of the tenant; the new one has everything.
    for (const [table, n] of Object.entries(await counts(source, tenantId))) expect(n, `${table} in ${from}`).toBe(0);
    expect(
      await source.prepare("SELECT COUNT(*) AS n FROM tenant_residency WHERE tenant_id = ?").bind(tenantId).first("n"),
    ).toBe(0);
    const rowsAfter = await counts(to.db, tenantId);
    for (const table of TENANT_TABLES)
      expect(rowsAfter[table.name], table.name).toBeGreaterThanOrEqual(rowsBefore[table.name] as number);
    // Each publish made during the move is there exactly once.
    const { results } = await to.db
      .prepare("SELECT text, COUNT(*) AS n FROM published_posts WHERE tenant_id = ? GROUP BY text")
      .bind(tenantId)
      .all<{ text: string; n: number }>();
    const byText = new Map(results.map((row) => [row.text, row.n]));
    for (const text of texts)
      expect([...byText.entries()].filter(([t]) => t.startsWith(text)).map(([, n]) => n)).toEqual([1]);
    expect(rowsAfter.published_posts).toBe((rowsBefore.published_posts as number) + texts.length);
    // Analytics: every like ingested, before and during the move, counted once.
    const likes = await to.db
      .prepare(
        "SELECT SUM(likes) AS n FROM post_analytics WHERE tenant_id = ? AND post_id IN (SELECT value FROM json_each(?))",
      )
      .bind(tenantId, JSON.stringify(world.posts))
      .first<number>("n");
    expect(likes).toBe(world.posts.length * 3 + 60);

    // Credentials keep working: keys (the child too), a fresh sign-in, reads and writes.
    expect((await call("/v1/posts?limit=100", { token: world.key })).status).toBe(200);
    expect((await call("/v1/posts", { token: childKey })).status).toBe(200);
    const session = await login(tenantId, world.tenant.ownerEmail);
    expect((await call("/v1/templates", { token: session, body: template() })).status).toBe(201);
    // The move's own audit row was written while the source was fenced: the object kept
    // it and writes it once the tenant is resident again.
    await runTimersNow(tenantId, ["flush-audit"]);
    const trail = await to.db
      .prepare("SELECT COUNT(*) AS n FROM audit_logs WHERE tenant_id = ? AND action = 'tenant.move'")
      .bind(tenantId)
      .first<number>("n");
    expect(trail).toBe(1);
  });

  it("refuses a shard of another region, an unknown shard, the tenant's own shard, and another tenant's id", async () => {
    const world = await publishedPosts(1, "linkedin");
    const { tenantId } = world.tenant;
    const here = (await placement(tenantId)).shard;
    const move = (to_shard: unknown, id = tenantId) =>
      call(`/v1/admin/tenants/${id}/move`, { token: ADMIN, body: { to_shard } });
    const other = await move("SHARD_US_EAST_1");
    expect(other.status).toBe(400);
    expect((await json<{ errors: { field: string }[] }>(other)).errors[0]?.field).toBe("to_shard");
    expect((await move("SHARD_EU_WEST_9")).status).toBe(400);
    expect((await move(here)).status).toBe(409);
    expect((await move("SHARD_EU_WEST_2", "ten_00000000000000000000000000")).status).toBe(404);
    expect(
      (await call(`/v1/admin/tenants/${tenantId}/move`, { token: world.tenant.ownerKey, body: { to_shard: here } }))
        .status,
    ).toBe(401);
    expect((await placement(tenantId)).move).toBeNull();
  });
});

function template() {
  return {
    name: `Template ${crypto.randomUUID()}`,
    template_type: "social_post",
    platform: "linkedin",
    structure: { sections: ["hook", "body"] },
  };
}
