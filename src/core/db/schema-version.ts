// Which D1 migrations have been applied: wrangler and the test setup both record
// them in `d1_migrations`.
export interface AppliedSchema {
  /** File name of the newest applied migration, e.g. "0006_composite_indexes.sql". */
  version: string | null;
  applied: number;
}

export async function readAppliedSchema(db: D1Database): Promise<AppliedSchema> {
  const row = await db
    .prepare("SELECT name, (SELECT COUNT(*) FROM d1_migrations) AS applied FROM d1_migrations ORDER BY id DESC LIMIT 1")
    .first<{ name: string; applied: number }>();
  return { version: row?.name ?? null, applied: row?.applied ?? 0 };
}
