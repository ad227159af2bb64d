// The row-level steps of moving a tenant between two shards of its region: list a
// table's rows of the tenant, copy them by key (the rowid, or the primary key of a
// WITHOUT ROWID table), count, delete. Table and column names
// come from TENANT_TABLES and the shard's own schema (PRAGMA table_info), never from
// input; every value is bound (ARCHITECTURE.md, Bound parameters), at most 100 per statement.
import { chunk } from "../../db/chunk";
import type { TenantTable } from "./tenant-tables";

/** Bound parameters one statement may carry (D1). */
const MAX_PARAMS = 100;

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A row's key: its rowid, or its primary key in a WITHOUT ROWID table. */
export type RowKey = number | string;

/** The keys of the tenant's rows of `table`, in key order (parents of a table-self reference first). */
export async function listRowKeys(db: D1Database, table: TenantTable, tenantId: string): Promise<RowKey[]> {
  const key = quotedKey(table.key);
  const { results } = await db
    .prepare(`SELECT ${key} AS id FROM ${quoted(table.name)} WHERE ${table.where} ORDER BY ${key}`)
    .bind(tenantId)
    .all<{ id: RowKey }>();
  return results.map((row) => row.id);
}

/** `rowid` stays a keyword; a column name is quoted. */
function quotedKey(key: string): string {
  return key === "rowid" ? "rowid" : quoted(key);
}

export async function countRows(db: D1Database, table: TenantTable, tenantId: string): Promise<number> {
  const row = await db
    .prepare(`SELECT COUNT(*) AS n FROM ${quoted(table.name)} WHERE ${table.where}`)
    .bind(tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** The columns of a table, from the shard's schema. */
export async function columnsOf(db: D1Database, table: string): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`)
    .bind(table)
    .all<{ name: string }>();
  if (results.length === 0) throw new Error(`the shard has no table ${table}`);
  return results.map((row) => row.name);
}

/**
 * Copies the rows `keys` of `table` from `source` to `target` in one D1 batch. A row
 * already there (a step repeated after a reset) is left as it is: the source is fenced
 * while the move runs, so the copy made before is the same row.
 */
export async function copyRows(
  source: D1Database,
  target: D1Database,
  table: TenantTable,
  columns: readonly string[],
  keys: readonly RowKey[],
): Promise<number> {
  if (keys.length === 0) return 0;
  const list = columns.map(quoted).join(", ");
  const key = quotedKey(table.key);
  const rows: Record<string, unknown>[] = [];
  for (const ids of chunk([...keys], MAX_PARAMS)) {
    const { results } = await source
      .prepare(
        `SELECT ${list} FROM ${quoted(table.name)} WHERE ${key} IN (${ids.map(() => "?").join(", ")}) ORDER BY ${key}`,
      )
      .bind(...ids)
      .all<Record<string, unknown>>();
    rows.push(...results);
  }
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const statements = chunk(rows, perStatement).map((part) =>
    target
      .prepare(
        `INSERT INTO ${quoted(table.name)} (${list}) VALUES ${part.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ")}
         ON CONFLICT DO NOTHING`,
      )
      .bind(...part.flatMap((row) => columns.map((column) => bindable(row[column])))),
  );
  if (statements.length > 0) await target.batch(statements);
  return rows.length;
}

/** D1 returns BLOBs as arrays of bytes; they go back in as bytes. */
function bindable(value: unknown): unknown {
  return Array.isArray(value) ? new Uint8Array(value as number[]) : value;
}

/**
 * Deletes up to `limit` of the tenant's rows of `table`, newest first (a key made with
 * a key goes before the key that made it); the number deleted (0: none left). Counted
 * by the rows the statement returns: D1's meta.changes also counts the writes of the
 * triggers that keep the plan's counts in tenant_residency (tenant migration 0019).
 */
export async function deleteSome(db: D1Database, table: TenantTable, tenantId: string, limit: number): Promise<number> {
  const key = quotedKey(table.key);
  const { results } = await db
    .prepare(
      `DELETE FROM ${quoted(table.name)} WHERE ${key} IN (SELECT ${key} FROM ${quoted(table.name)} WHERE ${table.where} ORDER BY ${key} DESC LIMIT ?2) RETURNING 1 AS deleted`,
    )
    .bind(tenantId, limit)
    .all();
  return results.length;
}
