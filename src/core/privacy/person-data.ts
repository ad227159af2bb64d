// A person's data (GET /v1/users/{id}/export; docs/privacy.md, "A person's rights"):
// their user row without its secrets, and, a page at a time, their rows of every table
// that names a member (TENANT_TABLES' `members`: the audit rows they are the actor of,
// the posts they asked for and published, the A/B tests they made) and the API keys they
// made (metadata: never a key's digest, src/core/privacy/withheld-columns.ts). Every
// query binds the scope's tenant.
import type { TenantScope } from "../db/tenant-scope";
import type { UserRow } from "../db/users";
import { TENANT_TABLES, type TenantTable } from "../placement/move/tenant-tables";
import type { ExportObject } from "./row-encoding";
import { EXPORT_KEY_ALIAS, exportRow, type PageCursor, type TablePage } from "./table-pages";
import { withheldOf } from "./withheld-columns";

/** The person's user row, whatever its status (a removed member still has data and rights). */
export function findPerson(scope: TenantScope, userId: string): Promise<UserRow | null> {
  return scope.db
    .prepare("SELECT * FROM users WHERE tenant_id = ? AND user_id = ?")
    .bind(scope.tenantId, userId)
    .first<UserRow>();
}

/** The person's user row as their data shows it: every column but the withheld ones. */
export function personProfile(row: UserRow): ExportObject {
  return exportRow(row as unknown as Record<string, unknown>, withheldOf("users"));
}

/** The tables a person's records are read from, and the columns naming them. */
export const PERSON_TABLES: readonly { table: TenantTable; columns: readonly string[] }[] = [
  ...TENANT_TABLES.filter((table) => table.members).map((table) => ({ table, columns: table.members ?? [] })),
  // The keys they made: api_keys.user_id is held by a foreign key, so it is not a `members` column.
  ...TENANT_TABLES.filter((table) => table.name === "api_keys").map((table) => ({ table, columns: ["user_id"] })),
];

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A page of the tenant's rows of `table` naming `userId` in one of `columns`, in key order after `after`. */
export async function personRowsPage(
  scope: TenantScope,
  table: TenantTable,
  columns: readonly string[],
  userId: string,
  after: PageCursor | null,
  limit: number,
): Promise<TablePage> {
  const key = table.key === "rowid" ? "rowid" : quoted(table.key);
  const naming = columns.map((column) => `${quoted(column)} = ?2`).join(" OR ");
  const from = after === null ? "" : ` AND ${key} > ?4`;
  const { results } = await scope.db
    .prepare(
      `SELECT *, ${key} AS ${EXPORT_KEY_ALIAS} FROM ${quoted(table.name)}
       WHERE (${table.where}) AND (${naming})${from} ORDER BY ${key} LIMIT ?3`,
    )
    .bind(...(after === null ? [scope.tenantId, userId, limit] : [scope.tenantId, userId, limit, after]))
    .all<Record<string, unknown>>();
  const withheld = withheldOf(table.name);
  const last = results.at(-1)?.[EXPORT_KEY_ALIAS] as PageCursor | undefined;
  return {
    rows: results.map((row) => exportRow(row, withheld)),
    next: results.length < limit || last === undefined ? null : last,
  };
}
