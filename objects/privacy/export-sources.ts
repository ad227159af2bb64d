// The files of a tenant's export, in the order the job writes them (docs/privacy.md):
// every tenant-owned table of its shard (TENANT_TABLES), its rows in the global
// database (GLOBAL_TENANT_TABLES), the TenantObject's own state (./object-tables.ts) and
// its vectors. Each file is read a bounded page at a time, after the key of the last row
// written (src/core/privacy/table-pages.ts).
import type { TenantScope } from "../../src/core/db/tenant-scope";
import { GLOBAL_TENANT_TABLES, TENANT_TABLES } from "../../src/core/placement/move/tenant-tables";
import { type ExportSourceKind, filePath } from "../../src/core/privacy/export-layout";
import { exportValue } from "../../src/core/privacy/row-encoding";
import { type PageCursor, readTablePage, type TablePage } from "../../src/core/privacy/table-pages";
import { readVectorPage, VECTOR_SOURCES } from "../../src/core/privacy/vector-pages";
import { withheldOf } from "../../src/core/privacy/withheld-columns";
import { isInternalTable, OBJECT_TABLES, type ObjectTableRule } from "./object-tables";

/** A page's cursor: a D1 table's key, or the key columns of one of the object's tables. */
export type SourceCursor = PageCursor | PageCursor[];

export interface SourcePage {
  rows: TablePage["rows"];
  next: SourceCursor | null;
}

export interface ExportSource {
  kind: ExportSourceKind;
  table: string;
  path: string;
  read(after: SourceCursor | null, limit: number): Promise<SourcePage>;
}

/** Vectors per page: a vector of 1,536 values is about 20 kB of JSON. */
const VECTOR_PAGE = 50;

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The object's tables, as its SQLite has them now. */
export function objectTableNames(sql: SqlStorage): string[] {
  return sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .toArray()
    .map((row) => row.name)
    .filter((name) => !isInternalTable(name));
}

/** A page of one of the object's own tables, in its key order (row values: one key or several). */
function readObjectPage(
  sql: SqlStorage,
  rule: Extract<ObjectTableRule, { export: true }>,
  after: PageCursor[] | null,
  limit: number,
): SourcePage {
  const keys = rule.key.map((k) => (k === "rowid" ? "rowid" : quoted(k)));
  const aliases = keys.map((k, i) => `${k} AS __export_key${i}`).join(", ");
  const from = after === null ? "" : `WHERE (${keys.join(", ")}) > (${keys.map(() => "?").join(", ")})`;
  const results = sql
    .exec<Record<string, SqlStorageValue>>(
      `SELECT *, ${aliases} FROM ${quoted(rule.table)} ${from} ORDER BY ${keys.join(", ")} LIMIT ?`,
      ...(after ?? []),
      limit,
    )
    .toArray();
  const withheld = new Set(Object.keys(rule.withheld ?? {}));
  const rows = results.map((row) => {
    const out: SourcePage["rows"][number] = {};
    for (const [column, value] of Object.entries(row)) {
      if (column.startsWith("__export_key") || withheld.has(column)) continue;
      out[column] = exportValue(value, false);
    }
    return out;
  });
  const last = results.at(-1);
  const next = results.length < limit || !last ? null : keys.map((_, i) => last[`__export_key${i}`] as PageCursor);
  return { rows, next };
}

/** Every file of the export, in order, for the tenant placed in `scope`. */
export function exportSources(env: Env, scope: TenantScope, sql: SqlStorage): ExportSource[] {
  const tenantId = scope.tenantId;
  const present = new Set(objectTableNames(sql));
  const asCursor = (after: SourceCursor | null) => after as PageCursor | null;
  return [
    ...TENANT_TABLES.map((table) => ({
      kind: "shard" as const,
      table: table.name,
      path: filePath("shard", table.name),
      read: (after: SourceCursor | null, limit: number) =>
        readTablePage(scope.db, table, tenantId, asCursor(after), limit, withheldOf(table.name)),
    })),
    ...GLOBAL_TENANT_TABLES.map((table) => ({
      kind: "global" as const,
      table: table.name,
      path: filePath("global", table.name),
      read: (after: SourceCursor | null, limit: number) =>
        readTablePage(env.DB, table, tenantId, asCursor(after), limit, withheldOf(table.name)),
    })),
    ...OBJECT_TABLES.filter((rule) => rule.export && present.has(rule.table)).map((rule) => ({
      kind: "object" as const,
      table: rule.table,
      path: filePath("object", rule.table),
      read: async (after: SourceCursor | null, limit: number) =>
        readObjectPage(sql, rule as Extract<ObjectTableRule, { export: true }>, after as PageCursor[] | null, limit),
    })),
    ...VECTOR_SOURCES.map((source) => ({
      kind: "vectors" as const,
      table: source,
      path: filePath("vectors", source),
      read: (after: SourceCursor | null, limit: number) =>
        readVectorPage(env, scope, source, asCursor(after), Math.min(limit, VECTOR_PAGE)),
    })),
  ];
}

/** How many files an export writes, as exportSources lists them. */
export function plannedFileCount(sql: SqlStorage): number {
  const present = new Set(objectTableNames(sql));
  const objectFiles = OBJECT_TABLES.filter((rule) => rule.export && present.has(rule.table)).length;
  return TENANT_TABLES.length + GLOBAL_TENANT_TABLES.length + objectFiles + VECTOR_SOURCES.length;
}

/** The object's tables the export leaves out, and why: those classified so, and any not classified at all. */
export function withheldObjectTables(sql: SqlStorage): { table: string; reason: string }[] {
  const known = new Map(OBJECT_TABLES.map((rule) => [rule.table, rule]));
  return objectTableNames(sql).flatMap((table) => {
    const rule = known.get(table);
    if (!rule) return [{ table, reason: "not classified for export (objects/privacy/object-tables.ts)" }];
    return rule.export ? [] : [{ table, reason: rule.reason }];
  });
}

/** The object's columns left out of the rows it does export. */
export function withheldObjectColumns(): { table: string; column: string; reason: string }[] {
  return OBJECT_TABLES.flatMap((rule) =>
    rule.export
      ? Object.entries(rule.withheld ?? {}).map(([column, reason]) => ({ table: rule.table, column, reason }))
      : [],
  );
}
