// A page of a tenant's rows of one D1 table, for its export: keyset pagination on the
// table's key (its rowid, or the primary key of a WITHOUT ROWID table) in key order, at
// most `limit` rows, so a page is bounded however large the table and a page read again
// after a reset returns the same rows. Table names, `where` and key come from
// TENANT_TABLES and GLOBAL_TENANT_TABLES, never from input; the tenant id, the cursor and
// the limit are bound (ARCHITECTURE.md, Bound parameters).
//
// What a page reads: where the tenant's index ends with the key (users, api_keys, and a
// child table reached through its parent's index), about as many rows as it returns;
// where the tenant's index orders by something else (audit_logs by time, posts by
// platform), SQLite sorts the tenant's rows of that table after the cursor for each page.
// An export is rare and owner-asked; no index was added for it (each index is a row
// written with every insert: migration 0013).
import type { GlobalTenantTable, TenantTable } from "../placement/move/tenant-tables";
import { type ExportObject, exportValue } from "./row-encoding";

/** The key of the last row of a page: where the next page starts. */
export type PageCursor = string | number;

export interface TablePage {
  rows: ExportObject[];
  /** Where the next page starts; null when this page was the last. */
  next: PageCursor | null;
}

const KEY_ALIAS = "__export_key";

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The rows of `table` the tenant owns after `after` (null: from the first), `withheld` columns left out. */
export async function readTablePage(
  db: D1Database,
  table: Pick<TenantTable | GlobalTenantTable, "name" | "where" | "key">,
  tenantId: string,
  after: PageCursor | null,
  limit: number,
  withheld: ReadonlySet<string>,
): Promise<TablePage> {
  const key = table.key === "rowid" ? "rowid" : quoted(table.key);
  const from = after === null ? "" : ` AND ${key} > ?3`;
  const statement = db
    .prepare(
      `SELECT *, ${key} AS ${KEY_ALIAS} FROM ${quoted(table.name)} WHERE (${table.where})${from} ORDER BY ${key} LIMIT ?2`,
    )
    .bind(...(after === null ? [tenantId, limit] : [tenantId, limit, after]));
  const { results } = await statement.all<Record<string, unknown>>();
  const rows = results.map((row) => exportRow(row, withheld));
  const last = results.at(-1)?.[KEY_ALIAS] as PageCursor | undefined;
  return { rows, next: results.length < limit || last === undefined ? null : last };
}

/** A row as the export writes it: the key alias and withheld columns out, bytes as base64. */
export function exportRow(row: Record<string, unknown>, withheld: ReadonlySet<string>): ExportObject {
  const out: ExportObject = {};
  for (const [column, value] of Object.entries(row)) {
    if (column === KEY_ALIAS || withheld.has(column)) continue;
    // D1 hands back a BLOB, and only a BLOB, as an array of byte values.
    out[column] = exportValue(value, Array.isArray(value));
  }
  return out;
}

export { KEY_ALIAS as EXPORT_KEY_ALIAS };
