// The bench entry of `npm run bench:scale` (bench/scale.ts starts it in wrangler's test
// harness, never deployed): it fills one shard and the global database with the
// generated dataset, gathers or drops the planner's statistics, and runs the Worker's own
// statements against them (./statements.ts), answering D1's counts as JSON. Nothing here
// is reachable from the product's Worker.

import { viralPosts } from "../../../src/core/db/reports/viral-posts";
import { residentDatabase } from "../../../src/core/db/resident-database";
import type { TenantScope } from "../../../src/core/db/tenant-scope";
import type { Platform } from "../../../src/core/platforms/types";
import { type BenchEnv, SHARD_NAME, type TrackedPostInput } from "./flush-object";
import { type GeneratedTenant, generateGroup, generateRegistry } from "./generate";
import { Recorder } from "./recorder";
import { measureCase, statementCases } from "./statements";
import { dropStatistics, gatherStatistics, type Statistics } from "./statistics";
import { bytesPerPost, rowsPerPost } from "./writes";

export { VectorIndexObject } from "../../../objects/vector-index-object";
export { ScaleFlushObject } from "./flush-object";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function scopeOn(db: D1Database, tenantId: string): TenantScope {
  return { tenantId, shard: SHARD_NAME, db: residentDatabase(db, tenantId, SHARD_NAME) };
}

interface Dataset {
  skills: string[];
  nowMs: number;
  days: number;
}

/** Every case of ./statements.ts for `tenant`, each statement's plan with it. */
async function measure(
  env: BenchEnv,
  body: { tenant: GeneratedTenant; neighbour: GeneratedTenant; statistics: Statistics } & Dataset,
) {
  const target = {
    tenant: body.tenant,
    neighbour: body.neighbour,
    shard: env.SHARD_US_EAST_1,
    global: env.DB,
    shardName: SHARD_NAME,
    nowMs: body.nowMs,
    days: body.days,
    env: { VectorIndexObject: env.VectorIndexObject },
  };
  const results = [];
  for (const c of statementCases()) results.push(await measureCase(c, target, true));
  // ROI by campaign is answered by the TenantObject's ledger: measured on an object of its own.
  const ledger = env.ScaleFlushObject.get(
    env.ScaleFlushObject.idFromName(`roi:${body.tenant.tenantId}:${body.statistics}`),
  );
  results.push(...(await ledger.roi(body.tenant.tenantId, body.nowMs)));
  return results;
}

/**
 * The viral report over a year of "today" values (a day apart, an hour later each day:
 * where today falls decides which ten-day buckets a window spans), for 30 and 365 days:
 * each day's first page, read and returned; the worst day of each window, and how many
 * days were over the bound.
 */
async function sweep(env: BenchEnv, body: { tenant: GeneratedTenant; nowMs: number; days: number }) {
  const out = [];
  for (const window of [30, 365]) {
    let worst: { today: string; read: number; returned: number; bound: number } | null = null;
    let over = 0;
    for (let day = 0; day < body.days; day++) {
      const nowMs = body.nowMs - day * DAY_MS - ((day * 7) % 24) * HOUR_MS;
      const recorder = new Recorder(env.SHARD_US_EAST_1);
      await viralPosts(scopeOn(recorder.db, body.tenant.tenantId), {
        since: new Date(nowMs - window * DAY_MS).toISOString(),
        limit: 50,
        nowMs,
      });
      const t = recorder.totals();
      const bound = 2 * t.rowsReturned + 100;
      if (t.rowsRead > bound) over += 1;
      if (!worst || t.rowsRead - bound > worst.read - worst.bound) {
        worst = { today: new Date(nowMs).toISOString(), read: t.rowsRead, returned: t.rowsReturned, bound };
      }
    }
    out.push({ name: `report: viral posts, ${window} days`, days: body.days, overBound: over, worst });
  }
  return out;
}

async function trackedPosts(env: BenchEnv, tenantId: string): Promise<TrackedPostInput[]> {
  const { results } = await env.SHARD_US_EAST_1.prepare(
    `SELECT post_id, platform, account_id, platform_post_id, published_at FROM published_posts
     WHERE tenant_id = ? ORDER BY published_at DESC LIMIT 200`,
  )
    .bind(tenantId)
    .all<{ post_id: string; platform: Platform; account_id: string; platform_post_id: string; published_at: string }>();
  return results.map((r) => ({
    postId: r.post_id,
    platform: r.platform,
    accountId: r.account_id,
    platformPostId: r.platform_post_id,
    publishedAtMs: Date.parse(r.published_at),
  }));
}

async function statistics(env: BenchEnv, mode: Statistics) {
  const databases = { shard: env.SHARD_US_EAST_1, global: env.DB };
  const rows: Record<string, number> = {};
  for (const [name, db] of Object.entries(databases)) {
    rows[name] = mode === "present" ? await gatherStatistics(db) : await dropStatistics(db);
  }
  return { mode, stat1_rows: rows };
}

export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const path = new URL(request.url).pathname;
    const body = (request.method === "POST" ? await request.json() : {}) as Record<string, unknown> & Dataset;
    const tenant = body.tenant as GeneratedTenant;
    const json = (value: unknown) => Response.json(value);
    const where = { shard: env.SHARD_US_EAST_1, global: env.DB, shardName: SHARD_NAME };
    switch (path) {
      case "/registry":
        await generateRegistry(env.DB, body);
        return json({ ok: true });
      case "/generate":
        return json(await generateGroup(where, body.tenants as { index: number; posts: number }[], body));
      case "/statistics":
        return json(await statistics(env, body.mode as Statistics));
      case "/plan": {
        // EXPLAIN QUERY PLAN of a statement on the generated shard (for reading a measurement).
        const { results } = await env.SHARD_US_EAST_1.prepare(`EXPLAIN QUERY PLAN ${body.sql as string}`)
          .bind(...((body.params as unknown[]) ?? []))
          .all<{ detail: string }>();
        return json(results.map((r) => r.detail));
      }
      case "/size": {
        const shard = await env.SHARD_US_EAST_1.prepare("SELECT 1").run();
        const global = await env.DB.prepare("SELECT 1").run();
        return json({ bytes: shard.meta.size_after, globalBytes: global.meta.size_after });
      }
      case "/measure":
        return json(await measure(env, body as unknown as Parameters<typeof measure>[1]));
      case "/sweep":
        return json(await sweep(env, body as unknown as Parameters<typeof sweep>[1]));
      case "/writes": {
        const recorder = new Recorder(env.SHARD_US_EAST_1);
        return json(await rowsPerPost(scopeOn(recorder.db, tenant.tenantId), env.SHARD_US_EAST_1, recorder, tenant));
      }
      case "/bytes": {
        const scope = scopeOn(env.SHARD_US_EAST_1, tenant.tenantId);
        return json(await bytesPerPost(scope, env.SHARD_US_EAST_1, tenant, Number(body.count ?? 2000)));
      }
      case "/flush": {
        const posts = await trackedPosts(env, tenant.tenantId);
        const stub = env.ScaleFlushObject.get(env.ScaleFlushObject.idFromName(tenant.tenantId));
        return json(await stub.measure(tenant.tenantId, posts));
      }
      default:
        return new Response("not found", { status: 404 });
    }
  },
} satisfies ExportedHandler<BenchEnv>;
