// Statements shared by the tenant-owned tables of the content routes: a partial
// update and a page in id order, each binding the scope's tenant. Table and column
// names come from the calling module, never from input; every value is bound.
import type { TenantScope } from "./tenant-scope";

export type SqlValue = string | number | null | Uint8Array;

export interface TenantTable {
  table: string;
  idColumn: string;
  /** The columns a patch may set. */
  patchable: readonly string[];
  /** The select list of reads (default "*"), e.g. to leave a large blob behind. */
  select?: string;
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
