// What D1 itself counts for the statements a piece of code runs: rows read, rows
// written and rows returned (meta.rows_read, meta.rows_written), the figures D1 bills.
// A counted scope is the tenant's real scope (its shard, its write fence) whose
// binding adds up each statement's meta, so a test can hold a list, report or write to
// its cost the way bench:scale measures it at scale.
import { env } from "cloudflare:workers";
import { residentDatabase } from "../../src/core/db/resident-database";
import type { TenantScope } from "../../src/core/db/tenant-scope";
import { shardNamed } from "../../src/core/placement/shards";
import { tenantShard } from "./databases";

export interface D1Counts {
  statements: number;
  rowsRead: number;
  rowsWritten: number;
  rowsReturned: number;
}

type Counted = D1PreparedStatement & { real: D1PreparedStatement };

/** A binding over `raw` that adds every statement's meta to `counts`. */
export function countingDatabase(raw: D1Database, counts: D1Counts): D1Database {
  const note = (meta: D1Meta, returned: number) => {
    counts.statements += 1;
    counts.rowsRead += meta.rows_read ?? 0;
    counts.rowsWritten += meta.rows_written ?? 0;
    counts.rowsReturned += returned;
  };
  const wrap = (real: D1PreparedStatement): Counted => {
    const statement = {
      real,
      bind: (...values: unknown[]) => wrap(real.bind(...values)),
      async all<T>() {
        const result = await real.all<T>();
        note(result.meta, result.results.length);
        return result;
      },
      async run<T>() {
        const result = await real.run<T>();
        note(result.meta, result.results?.length ?? 0);
        return result;
      },
      // D1's first() gives no meta; it runs the whole statement all the same.
      async first<T>(column?: string) {
        const { results } = await statement.all<Record<string, unknown>>();
        const row = results[0];
        if (!row) return null;
        return (column === undefined ? row : (row[column] ?? null)) as T;
      },
    };
    return statement as unknown as Counted;
  };
  return {
    prepare: (sql: string) => wrap(raw.prepare(sql)),
    async batch<T>(statements: D1PreparedStatement[]) {
      const results = await raw.batch<T>(statements.map((s) => (s as Counted).real ?? s));
      for (const result of results) note(result.meta, result.results?.length ?? 0);
      return results;
    },
  } as unknown as D1Database;
}

/** The tenant's scope on its shard, every statement counted (the write fence included). */
export async function countedScope(tenantId: string): Promise<{ scope: TenantScope; counts: D1Counts }> {
  const counts: D1Counts = { statements: 0, rowsRead: 0, rowsWritten: 0, rowsReturned: 0 };
  const shard = shardNamed(env, await tenantShard(tenantId));
  const db = residentDatabase(countingDatabase(shard.db, counts), tenantId, shard.name);
  return { scope: { tenantId, shard: shard.name, db }, counts };
}

/** The read bound on a list, report or lookup: at most 2 × rows returned + 100 rows read. */
export function readBound(counts: D1Counts): number {
  return 2 * counts.rowsReturned + 100;
}
