// The bench entry of `npm run bench:scale` (bench/scale.ts starts it in wrangler's test
// harness, never deployed): it fills one shard with the generated dataset and runs the
// Worker's own statements against it, answering D1's counts as JSON. Nothing here is
// reachable from the product's Worker.
import { Benchmarks } from "../../../objects/analytics/benchmarks";
import { residentDatabase } from "../../../src/core/db/resident-database";
import type { TenantScope } from "../../../src/core/db/tenant-scope";
import type { Platform } from "../../../src/core/platforms/types";
import { type BenchEnv, SHARD_NAME, type TrackedPostInput } from "./flush-object";
import { type GeneratedTenant, generateTenants, shapeOf } from "./generate";
import { Recorder } from "./recorder";
import { statementsFor } from "./statements";
import { bytesPerPost, rowsPerPost } from "./writes";

export { ScaleFlushObject } from "./flush-object";

function scopeOn(db: D1Database, tenantId: string): TenantScope {
  return { tenantId, shard: SHARD_NAME, db: residentDatabase(db, tenantId, SHARD_NAME) };
}

interface GenerateBody {
  tenants: { index: number; posts: number }[];
  skills: string[];
  nowMs: number;
  days: number;
}

async function generate(env: BenchEnv, body: GenerateBody): Promise<GeneratedTenant[]> {
  const shapes = body.tenants.map(({ index, posts }) => shapeOf(index, posts, body.skills, body.nowMs));
  return generateTenants(env.SHARD_US_EAST_1, SHARD_NAME, shapes, { nowMs: body.nowMs, days: body.days });
}

async function measure(env: BenchEnv, tenant: GeneratedTenant) {
  const results = [];
  for (const statement of statementsFor(tenant, (scope) => new Benchmarks(async () => scope))) {
    const recorder = new Recorder(env.SHARD_US_EAST_1);
    await statement.run(scopeOn(recorder.db, tenant.tenantId));
    const plans = await Promise.all(
      recorder.log.map((r) =>
        env.SHARD_US_EAST_1.prepare(`EXPLAIN QUERY PLAN ${r.sql}`)
          .bind(...r.params)
          .all<{ detail: string }>()
          .then(({ results }) => results.map((p) => p.detail))
          .catch(() => []),
      ),
    );
    results.push({
      name: statement.name,
      kind: statement.kind,
      ...recorder.totals(),
      detail: recorder.log.map((r, i) => ({
        plan: plans[i],
        sql: r.sql.slice(0, 160),
        read: r.rowsRead,
        written: r.rowsWritten,
        returned: r.rowsReturned,
      })),
    });
  }
  // ROI by campaign is answered by the TenantObject's ledger: measured on an object of its own.
  const ledger = env.ScaleFlushObject.get(env.ScaleFlushObject.idFromName(`roi:${tenant.tenantId}`));
  results.push(...(await ledger.roi(tenant.tenantId)));
  return results;
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

export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const path = new URL(request.url).pathname;
    const body = request.method === "POST" ? ((await request.json()) as Record<string, unknown>) : {};
    const tenant = body.tenant as GeneratedTenant;
    const json = (value: unknown) => Response.json(value);
    switch (path) {
      case "/generate":
        return json(await generate(env, body as unknown as GenerateBody));
      case "/optimize": {
        const result = await env.SHARD_US_EAST_1.prepare("PRAGMA optimize").run();
        const stats = await env.SHARD_US_EAST_1.prepare("SELECT count(*) AS n FROM sqlite_stat1")
          .first<{ n: number }>()
          .catch(() => null);
        return json({ ...result.meta, stat1_rows: stats?.n ?? 0 });
      }
      case "/plan": {
        // EXPLAIN QUERY PLAN of a statement on the generated shard (for reading a measurement).
        const { results } = await env.SHARD_US_EAST_1.prepare(`EXPLAIN QUERY PLAN ${body.sql as string}`)
          .bind(...((body.params as unknown[]) ?? []))
          .all<{ detail: string }>();
        return json(results.map((r) => r.detail));
      }
      case "/size": {
        const result = await env.SHARD_US_EAST_1.prepare("SELECT 1").run();
        return json({ bytes: result.meta.size_after });
      }
      case "/measure":
        return json(await measure(env, tenant));
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
