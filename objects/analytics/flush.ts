// The analytics flush (DESIGN.md invariant 6): counters that changed since the last
// flush go to D1 post_analytics as absolute values, several rows per statement and
// many statements per batch; only once D1 has them are they marked flushed. A failed
// flush leaves them as they were for the next try, and a repeated one writes the same
// values again: nothing is lost, nothing counted twice. Then the benchmarks of the
// platforms touched are recomputed.
import { chunk } from "../../src/db/chunk";
import { type FlushedPost, upsertPostAnalytics } from "../../src/db/post-analytics";
import type { TenantScope } from "../../src/db/tenant-scope";
import type { Platform } from "../../src/platforms/types";
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
  /** D1's own count of rows written (indexes included), summed over the batches. */
  rowsWritten: number;
  more: boolean;
}

export async function flushAnalytics(
  store: CountersStore,
  benchmarks: Benchmarks,
  spreads: RateSpreads,
  scope: TenantScope,
): Promise<FlushReport> {
  const rows = store.unflushed(POSTS_PER_RUN);
  if (rows.length === 0) return { posts: 0, statements: 0, rowsWritten: 0, more: false };
  const byPlatform = spreads.get();
  const benchmarkOf = await benchmarks.get();
  const nowMs = Date.now();
  const posts: FlushedPost[] = rows.map((row) => ({
    figures: figuresOf(row, nowMs, benchmarkOf.get(row.platform) ?? null, byPlatform.get(row.platform) ?? null),
    syncCount: row.flush_count + 1,
  }));
  const statements = upsertPostAnalytics(scope, posts, new Date(nowMs).toISOString());
  let rowsWritten = 0;
  for (const part of chunk(statements, STATEMENTS_PER_BATCH)) {
    const results = await scope.db.batch(part);
    for (const result of results) rowsWritten += result.meta.rows_written ?? 0;
  }
  store.markFlushed(rows);
  const platforms = [...new Set(rows.map((row) => row.platform))] as Platform[];
  await benchmarks.recompute(platforms);
  return { posts: rows.length, statements: statements.length, rowsWritten, more: rows.length === POSTS_PER_RUN };
}
