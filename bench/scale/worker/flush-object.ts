// The analytics flush as the TenantObject runs it (objects/analytics/flush.ts), in a
// Durable Object of the benchmark with the TenantObject's own SQLite schema: the
// counters store, rate spreads and benchmarks are the real classes, the scope is the
// tenant's shard through a recording binding. It measures the D1 rows one flush
// writes per changed post.
import { DurableObject } from "cloudflare:workers";
import { Benchmarks } from "../../../objects/analytics/benchmarks";
import { CountersStore } from "../../../objects/analytics/counters-store";
import { flushAnalytics } from "../../../objects/analytics/flush";
import { RateSpreads } from "../../../objects/analytics/rate-spreads";
import { applyObjectMigrations } from "../../../objects/schema/migrate";
import { TENANT_OBJECT_MIGRATIONS } from "../../../objects/schema/tenant-migrations";
import { residentDatabase } from "../../../src/core/db/resident-database";
import type { TenantScope } from "../../../src/core/db/tenant-scope";
import type { Platform } from "../../../src/core/platforms/types";
import { Recorder } from "./recorder";
import { type LedgerFigure, measureRoiLedger } from "./roi-ledger";

/** The shard the benchmark fills: a real shard's binding name, so scopes name it as the Worker does. */
export const SHARD_NAME = "SHARD_US_EAST_1";

export interface BenchEnv {
  SHARD_US_EAST_1: D1Database;
  /** The global database (the directory and the skill registry). */
  DB: D1Database;
  ScaleFlushObject: DurableObjectNamespace<ScaleFlushObject>;
  VectorIndexObject: Env["VectorIndexObject"];
}

export interface TrackedPostInput {
  postId: string;
  platform: Platform;
  accountId: string;
  platformPostId: string;
  publishedAtMs: number;
}

export interface FlushFigure {
  name: string;
  posts: number;
  /** D1's rows written to post_analytics (what flush.ts reports). */
  analyticsRowsWritten: number;
  /** Everything the flush wrote and read in D1, benchmark recompute and fence included. */
  rowsWritten: number;
  rowsRead: number;
  benchmarkRowsWritten: number;
}

export class ScaleFlushObject extends DurableObject<BenchEnv> {
  constructor(ctx: DurableObjectState, env: BenchEnv) {
    super(ctx, env);
    applyObjectMigrations(ctx.storage, TENANT_OBJECT_MIGRATIONS);
  }

  /**
   * Tracks `posts` (as publishing does), flushes them once, then measures flushes of one
   * changed post: client events, a pull from the platform (synced_at moves), and a
   * post whose reach passes its followers (a viral post).
   */
  async measure(tenantId: string, posts: TrackedPostInput[]): Promise<FlushFigure[]> {
    const recorder = new Recorder(this.env.SHARD_US_EAST_1);
    const scope: TenantScope = {
      tenantId,
      shard: SHARD_NAME,
      db: residentDatabase(recorder.db, tenantId, SHARD_NAME),
    };
    const store = new CountersStore(this.ctx.storage.sql);
    const spreads = new RateSpreads(() => store.all());
    const benchmarks = new Benchmarks(async () => scope);
    const now = Date.now();
    for (const post of posts) store.track({ ...post, campaignId: null });
    // Every tracked post gets figures of its own, flushed once: the baseline.
    const events = posts.map((post, i) => ({
      postId: post.postId,
      type: "snapshot" as const,
      atMs: now,
      metrics: {
        impressions: 1000 + i * 37,
        reach: 600 + i * 11,
        followers: 5000 + i,
        likes: 20 + (i % 17),
        clicks: 5 + (i % 7),
      },
    }));
    const applied = store.apply(events, now);
    spreads.changed(applied.changed);
    await flushAnalytics(store, benchmarks, spreads, scope, Date.now());

    const figures: FlushFigure[] = [];
    const flushOne = async (name: string, change: () => void) => {
      change();
      const from = recorder.log.length;
      const report = await flushAnalytics(store, benchmarks, spreads, scope, Date.now());
      const totals = recorder.totals(from);
      figures.push({
        name,
        posts: report.posts,
        analyticsRowsWritten: report.rowsWritten,
        rowsWritten: totals.rowsWritten,
        rowsRead: totals.rowsRead,
        benchmarkRowsWritten: report.benchmarkRowsWritten,
      });
    };
    const target = posts[Math.floor(posts.length / 2)] as TrackedPostInput;
    const apply = (metrics: Record<string, number>) => {
      const result = store.apply([{ postId: target.postId, type: "delta", metrics }], Date.now());
      spreads.changed(result.changed);
    };
    await flushOne("client events on one post", () => apply({ likes: 3, clicks: 1 }));
    await flushOne("an insight pull of one post (synced_at moves)", () => {
      apply({ impressions: 40, reach: 20 });
      store.markSynced([target.postId], Date.now());
    });
    await flushOne("one post becomes viral (reach passes followers)", () => apply({ reach: 50_000 }));
    await flushOne("the viral post again", () => apply({ likes: 1, reach: 10 }));
    return figures;
  }

  /** ROI by campaign from the ledger, rebuilt from the shard as of `nowMs` (./roi-ledger.ts); on an object of its own. */
  async roi(tenantId: string, nowMs: number): Promise<LedgerFigure[]> {
    const scope: TenantScope = {
      tenantId,
      shard: SHARD_NAME,
      db: residentDatabase(this.env.SHARD_US_EAST_1, tenantId, SHARD_NAME),
    };
    return measureRoiLedger(this.ctx.storage, scope, () => nowMs);
  }
}
