// Statements shared by the tenant-owned tables of the content routes: a partial
// update and a page in id order, each binding the scope's tenant. Table and column
// names come from the calling module, never from input; every value is bound.
import { chunk, MAX_BOUND_PARAMETERS } from "./chunk";
import { type ListColumn, orderedMerge, rangesOf } from "./ordered-merge";
import type { TenantScope } from "./tenant-scope";

export type SqlValue = string | number | null | Uint8Array;

export interface TenantTable {
  table: string;
  idColumn: string;
  /** The columns a patch may set. */
  patchable: readonly string[];
  /** The select list of reads (default "*"), e.g. to leave a large blob behind. */
  select?: string;
  /**
   * Indexes a page reads from, each (tenant_id, ...columns, idColumn): a page is a merge
   * of the ranges its filters leave (rangesOf), so it reads about its own rows whichever
   * filters are given. The first index that can serve the filters does; a filter that
   * no index holds, or a table without lists, reads the tenant's rows in id order.
   */
  lists?: readonly (readonly ListColumn[])[];
}

/** UPDATE of the given columns (those in `patch` and `patchable`) and updated_at. */
export function updateRow(
  scope: TenantScope,
  table: TenantTable,
  id: string,
  patch: Record<string, SqlValue | undefined>,
  now: string,
): D1PreparedStatement {
  const columns = table.patchable.filter((column) => patch[column] !== undefined);
  const assignments = [...columns.map((column) => `${column} = ?`), "updated_at = ?"];
  return scope.db
    .prepare(`UPDATE ${table.table} SET ${assignments.join(", ")} WHERE tenant_id = ? AND ${table.idColumn} = ?`)
    .bind(...columns.map((column) => patch[column] as SqlValue), now, scope.tenantId, id);
}

export function getRow<T>(scope: TenantScope, table: TenantTable, id: string): Promise<T | null> {
  return scope.db
    .prepare(`SELECT ${table.select ?? "*"} FROM ${table.table} WHERE tenant_id = ? AND ${table.idColumn} = ?`)
    .bind(scope.tenantId, id)
    .first<T>();
}

export function deleteRow(scope: TenantScope, table: TenantTable, id: string): D1PreparedStatement {
  return scope.db
    .prepare(`DELETE FROM ${table.table} WHERE tenant_id = ? AND ${table.idColumn} = ?`)
    .bind(scope.tenantId, id);
}

export interface Page<T> {
  rows: T[];
  hasMore: boolean;
}

/**
 * Rows in id order (ULIDs: creation order) after `afterId`, where each filter column
 * equals its value when the value is given.
 */
export async function pageRows<T>(
  scope: TenantScope,
  table: TenantTable,
  options: { afterId?: string; limit: number; filters: Record<string, string | undefined> },
): Promise<Page<T>> {
  const filters = Object.entries(options.filters).filter(([, value]) => value !== undefined);
  const given = Object.fromEntries(filters) as Record<string, string>;
  for (const columns of table.lists ?? []) {
    if (filters.some(([column]) => !columns.some((c) => c.column === column))) continue;
    const ranges = rangesOf(columns, given);
    if (ranges) return mergedPage<T>(scope, table, columns, ranges, options);
  }
  const where = [
    "tenant_id = ?",
    ...(options.afterId ? [`${table.idColumn} > ?`] : []),
    ...filters.map(([column]) => `${column} = ?`),
  ];
  const { results } = await scope.db
    .prepare(
      `SELECT ${table.select ?? "*"} FROM ${table.table} WHERE ${where.join(" AND ")} ORDER BY ${table.idColumn} LIMIT ?`,
    )
    .bind(
      scope.tenantId,
      ...(options.afterId ? [options.afterId] : []),
      ...filters.map(([, value]) => value as string),
      options.limit + 1,
    )
    .all<T>();
  return { rows: results.slice(0, options.limit), hasMore: results.length > options.limit };
}

/**
 * A page from a list index: the ids first, one range per combination of its columns
 * merged in id order (orderedMerge), read from the index alone; then the page's rows by
 * id. The ids' SELECTs list a bare column, so SQLite flattens every group of the merge
 * (an expression in a select list, or a join, would make a group a sorted co-routine
 * that reads all its ranges).
 */
async function mergedPage<T>(
  scope: TenantScope,
  table: TenantTable,
  columns: readonly ListColumn[],
  ranges: Record<string, string>[],
  options: { afterId?: string; limit: number },
): Promise<Page<T>> {
  const id = table.idColumn;
  const params: (string | number)[] = [scope.tenantId, options.limit + 1];
  const numbered = new Map<string, string>();
  const param = (value: string) => {
    let ref = numbered.get(value);
    if (!ref) {
      params.push(value);
      ref = `?${params.length}`;
      numbered.set(value, ref);
    }
    return ref;
  };
  const after = options.afterId ? ` AND ${id} > ${param(options.afterId)}` : "";
  const selects = ranges.map(
    (range) =>
      `SELECT ${id} FROM ${table.table} WHERE tenant_id = ?1 AND ${columns
        .map(({ column }) => `${column} = ${param(range[column] as string)}`)
        .join(" AND ")}${after}`,
  );
  const { results } = await scope.db
    .prepare(orderedMerge(selects, id, "?2"))
    .bind(...params)
    .all<Record<string, string>>();
  const ids = results.map((row) => row[id] as string);
  const rows: T[] = [];
  for (const part of chunk(ids.slice(0, options.limit), MAX_BOUND_PARAMETERS - 1)) {
    const found = await scope.db
      .prepare(
        `SELECT ${table.select ?? "*"} FROM ${table.table}
         WHERE ${id} IN (${part.map(() => "?").join(", ")}) AND +tenant_id = ? ORDER BY ${id}`,
      )
      .bind(...part, scope.tenantId)
      .all<T>();
    rows.push(...found.results);
  }
  return { rows, hasMore: ids.length > options.limit };
}
