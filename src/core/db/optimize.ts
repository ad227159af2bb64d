// Statistics for SQLite's query planner, in every database of the deployment: the global
// one and every shard (ARCHITECTURE.md, Placement). At first nothing ran ANALYZE, so
// the planner knew nothing of how rows are spread (a tenant of 50,000 posts beside
// thousands of 60), and D1 bills the rows a poor plan reads. `PRAGMA optimize` runs
// ANALYZE only where statistics are missing or stale, with a bounded sample (SQLite's
// own analysis limit), which is what D1 recommends after creating indexes and
// periodically. Run after migrations (scripts/apply-migrations.ts, the test setup) and
// by the daily cron.
import { allShards } from "../placement/shards";

export const OPTIMIZE = "PRAGMA optimize";

export interface OptimizeReport {
  /** Databases optimized, by binding name. */
  optimized: string[];
  /** Databases whose optimize failed, with why: one failing never stops the others. */
  failed: { database: string; error: string }[];
}

/** `PRAGMA optimize` on the global database and every shard bound to this Worker. */
export async function optimizeDatabases(env: Env): Promise<OptimizeReport> {
  const report: OptimizeReport = { optimized: [], failed: [] };
  const databases = [{ name: "DB", db: env.DB }, ...allShards(env)];
  for (const { name, db } of databases) {
    try {
      await db.prepare(OPTIMIZE).run();
      report.optimized.push(name);
    } catch (error) {
      report.failed.push({ database: name, error: String(error) });
    }
  }
  return report;
}

/**
 * What PRAGMA optimize may read in one database (its budget, a run being every
 * database once): SQLite analyses only the indexes whose statistics are missing or
 * stale, each from a sample of at most 2,000 rows (the analysis limit it sets for
 * itself), never a whole table. `indexes`: the database's indexes.
 */
export function OPTIMIZE_READS(indexes: number): number {
  return 2000 * indexes;
}
