// The analytics flush (ARCHITECTURE.md, Idempotent flushes): counters that changed since the last
// flush go to D1 post_analytics as absolute values, several rows per statement and
// many statements per batch; only once D1 has them are they marked flushed. A failed
// flush leaves them as they were for the next try, and a repeated one writes the same
// values again: nothing is lost, nothing counted twice. Then the benchmarks of the
// platforms touched are recomputed.
import { chunk } from "../../src/core/db/chunk";
import { type FlushedPost, type IndexedChanges, upsertPostAnalytics } from "../../src/core/db/post-analytics";
import type { TenantScope } from "../../src/core/db/tenant-scope";
import type { Platform } from "../../src/core/platforms/types";
import { faultPoint } from "../tenant-object/fault-points";
import type { FlaggedPost } from "../webhooks/anomaly-events";
import type { Benchmarks } from "./benchmarks";
import type { CountersStore } from "./counters-store";
import { figuresOf } from "./derived";
import type { RateSpreads } from "./rate-spreads";

/** Posts per flush run; more wait for the next run, right after. */
const POSTS_PER_RUN = 1000;
const STATEMENTS_PER_BATCH = 50;

export interface FlushReport {
  posts: number;
  statements: number;
  /** D1's own count of rows written to post_analytics (index entries included). */
  rowsWritten: number;
  /** D1's rows written recomputing benchmarks (0 when they were fresh enough). */
  benchmarkRowsWritten: number;
  more: boolean;
}

export async function flushAnalytics(
  store: CountersStore,
  benchmarks: Benchmarks,
  spreads: RateSpreads,
  scope: TenantScope,
  nowMs: number,
  /** Posts D1 now holds newly flagged as anomalies, told in the same step (analytics.anomaly). */
  onFlagged?: (flagged: FlaggedPost[]) => void,
): Promise<FlushReport> {
  const rows = store.unflushed(POSTS_PER_RUN);
  if (rows.length === 0) {
    // A benchmark D1 refused after its counters went through is made now.
    const benchmarkRowsWritten = benchmarks.owes() ? await benchmarks.recompute([], nowMs) : 0;
    return { posts: 0, statements: 0, rowsWritten: 0, benchmarkRowsWritten, more: false };
  }
  const byPlatform = spreads.get();
  const benchmarkOf = await benchmarks.get();
  const posts: FlushedPost[] = rows.map((row) => ({
    figures: figuresOf(row, nowMs, benchmarkOf.get(row.platform) ?? null, byPlatform.get(row.platform) ?? null),
    syncCount: row.sync_count,
    syncedAt: new Date(row.synced_at_ms ?? row.published_at_ms).toISOString(),
  }));
  const now = new Date(nowMs).toISOString();
  // Rows grouped by the indexed columns they change, each group one statement shape.
  const groups = new Map<string, { changes: IndexedChanges; posts: FlushedPost[] }>();
  rows.forEach((row, i) => {
    const post = posts[i] as FlushedPost;
    const changes = {
      synced: row.sync_count > row.flushed_sync_count,
      anomaly: post.figures.is_anomaly !== (row.flushed_anomaly === 1),
    };
    const key = `${changes.synced}:${changes.anomaly}`;
    const group = groups.get(key) ?? { changes, posts: [] };
    group.posts.push(post);
    groups.set(key, group);
  });
  const statements = [...groups.values()].flatMap((g) => upsertPostAnalytics(scope, g.posts, now, g.changes));
  let rowsWritten = 0;
  for (const part of chunk(statements, STATEMENTS_PER_BATCH)) {
    await faultPoint("flush.write");
    const results = await scope.db.batch(part);
    for (const result of results) rowsWritten += result.meta.rows_written ?? 0;
  }
  await faultPoint("flush.written");
  store.markFlushed(rows.map((row, i) => ({ row, anomaly: (posts[i] as FlushedPost).figures.is_anomaly })));
  onFlagged?.(
    rows.flatMap((row, i) => {
      const { figures } = posts[i] as FlushedPost;
      return figures.is_anomaly && row.flushed_anomaly !== 1
        ? [{ postId: row.post_id, platform: row.platform, figures }]
        : [];
    }),
  );
  const platforms = [...new Set(rows.map((row) => row.platform))] as Platform[];
  const benchmarkRowsWritten = await benchmarks.recompute(platforms, nowMs);
  return {
    posts: rows.length,
    statements: statements.length,
    rowsWritten,
    benchmarkRowsWritten,
    more: rows.length === POSTS_PER_RUN,
  };
}
