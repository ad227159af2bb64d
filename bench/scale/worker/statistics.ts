// The planner's statistics of a database, present or absent. A shard has none until its
// first PRAGMA optimize (a fresh shard, or one tenants have just moved to): bench:scale
// and test/db/bounded-reads.test.ts run every statement both ways.
//
// Emptying sqlite_stat1 is not enough: SQLite keeps the statistics it loaded with the
// schema. `ANALYZE sqlite_schema` makes it load them again (SQLite's documented way),
// and it then finds none.

export type Statistics = "present" | "absent";

/** PRAGMA optimize, as the product runs it (scripts/apply-migrations.ts, the daily cron); the rows sqlite_stat1 then holds. */
export async function gatherStatistics(db: D1Database): Promise<number> {
  await db.prepare("PRAGMA optimize").run();
  return statisticsRows(db);
}

/** No statistics at all, as on a fresh shard. */
export async function dropStatistics(db: D1Database): Promise<number> {
  await db.prepare("DELETE FROM sqlite_stat1").run();
  await db.prepare("ANALYZE sqlite_schema").run();
  return statisticsRows(db);
}

export async function statisticsRows(db: D1Database): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM sqlite_stat1")
    .first<{ n: number }>()
    .catch(() => null);
  return row?.n ?? 0;
}
