// Step 2: the directory forgets the tenant, in one batch of the global database: its
// tombstone goes in (the id is never reused), every row of a global table that names
// it goes (each table with a tenant_id column, found in the schema, so a table added
// later is covered: key prefixes, billing events, sharing events, the latter also where
// their actor, reason or metadata name it; a table with a customer_id column loses the
// rows of the tenant's Stripe customer), and its tenants row goes last (the others
// reference it). The operator's trail keeps its rows about the tenant under the
// erasure's id instead of the tenant's (the trail stays whole; the erasure's record
// says which tenant that was). From here on no credential or live socket finds the
// tenant (src/core/placement/directory.ts answers no placement), so the router reaches
// its object no more; an isolate that cached its placement in the last minute still
// may, which is why the object is erased last (steps.ts).
//
// Its private skills stay until their own step (skills.ts): they are found by their
// visibility, not through the directory.
import { insertTombstone } from "../db/tenant-erasures";
import { forgetPlacement } from "../placement/directory";
import { count, type Erasure, type ErasureRun, type Unit } from "./context";

/** The erasure's own tables and the directory row, which this step treats apart. */
const KEPT_APART = ["tenants", "tenant_erasures", "tenant_tombstones"];

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Global tables with a column naming a tenant or its Stripe customer, from the schema itself. */
async function tablesNaming(db: D1Database): Promise<{ table: string; column: "tenant_id" | "customer_id" }[]> {
  const { results } = await db
    .prepare(
      `SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m, pragma_table_info(m.name) p
       WHERE m.type = 'table' AND p.name IN ('tenant_id', 'customer_id')
         AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_cf_%' AND m.name NOT LIKE 'd1_%'
       ORDER BY m.name, p.name`,
    )
    .all<{ table_name: string; column_name: "tenant_id" | "customer_id" }>();
  return results
    .filter((row) => !KEPT_APART.includes(row.table_name))
    .map((row) => ({ table: row.table_name, column: row.column_name }));
}

export async function forgetInDirectory(run: ErasureRun, erasure: Erasure): Promise<Unit> {
  const db = run.env.DB;
  const id = erasure.tenantId;
  const now = new Date(run.nowMs).toISOString();
  run.calls.spend();
  const naming = await tablesNaming(db);
  const rows = naming.map(({ table, column }) =>
    column === "tenant_id"
      ? db.prepare(`DELETE FROM ${quoted(table)} WHERE tenant_id = ?`).bind(id)
      : db
          .prepare(
            `DELETE FROM ${quoted(table)} WHERE customer_id = (SELECT stripe_customer_id FROM tenants WHERE tenant_id = ?)`,
          )
          .bind(id),
  );
  run.calls.spend();
  const results = await db.batch([
    insertTombstone(db, id, now),
    // Before the tenants row: a sharing event's tenant_id references it.
    db
      .prepare(
        `DELETE FROM sharing_events WHERE tenant_id = ?1 OR actor = 'tenant:' || ?1 OR instr(reason, ?1) > 0
           OR instr(COALESCE(metadata, ''), ?1) > 0`,
      )
      .bind(id),
    ...rows,
    db
      .prepare(
        `UPDATE operator_audit_logs SET resource_id = replace(resource_id, ?1, ?2), metadata = replace(metadata, ?1, ?2),
           error_message = replace(error_message, ?1, ?2)
         WHERE instr(COALESCE(resource_id, ''), ?1) > 0 OR instr(COALESCE(metadata, ''), ?1) > 0
           OR instr(COALESCE(error_message, ''), ?1) > 0`,
      )
      .bind(id, erasure.erasureId),
    db.prepare("DELETE FROM tenants WHERE tenant_id = ?").bind(id),
  ]);
  const changes = (i: number) => results[i]?.meta.changes ?? 0;
  count(erasure, "global", "sharing_events", changes(1));
  naming.forEach(({ table }, i) => {
    count(erasure, "global", table, changes(2 + i));
  });
  count(erasure, "global", "operator_audit_logs_renamed", changes(2 + naming.length));
  count(erasure, "global", "tenants", changes(3 + naming.length));
  forgetPlacement(id);
  erasure.directoryAtMs = run.nowMs;
  return { done: true };
}
