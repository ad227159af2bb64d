// A row-level picture of D1 for the fuzzer's "a refused request writes nothing": every
// table of every database (the global one and each shard), one batch per database,
// compared row by row, so a difference names the database, the table and the rows.
//
// Left out, as in snapshotExceptAudit (test/support/tenants.ts): the audit trail (a
// refusal is audited, operator_audit_logs too), the usage counters TenantObjects flush on their own timers
// (rate_limits, api_keys.use_count and last_used_at), and an account's last use
// (social_accounts.last_used_at, written with the record of a published post).
import { everyDatabase } from "../support/databases";

export type Snapshot = Map<string, Set<string>>;

/**
 * Tables a TenantObject writes on its own timers, seconds after the request that caused
 * it returned: the record of a published post (publish_requests, published_posts, its
 * empty post_analytics row) and the analytics flushes (post_analytics, sync errors,
 * benchmarks). See isTimerWrite.
 */
const TIMER_TABLES = new Set([
  "publish_requests",
  "published_posts",
  "post_analytics",
  "performance_benchmarks",
  "analytics_sync_errors",
]);

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The creation time of a prefixed ULID ("post_01H..."), in ms. */
function ulidTime(id: string): number {
  const ulid = id.slice(id.lastIndexOf("_") + 1, id.lastIndexOf("_") + 11);
  return [...ulid].reduce((time, char) => time * 32 + CROCKFORD.indexOf(char), 0);
}

/**
 * A change a TenantObject's timer made, not the request running at the time: in a
 * timer table, and about a post created before the request started (`since`), or a
 * tenant's benchmark (computed only on the object's timer).
 */
export function isTimerWrite(change: RowChange, since: number): boolean {
  const table = change.table.slice(change.table.indexOf(":") + 1);
  if (!TIMER_TABLES.has(table)) return false;
  if (table === "performance_benchmarks") return true;
  const row = JSON.parse(change.row) as { post_id?: unknown; request_id?: unknown };
  const post = row.post_id ?? row.request_id;
  return typeof post === "string" && ulidTime(post) < since;
}

/** One SELECT per table; BLOB columns (embeddings, ciphertexts) as hex, far cheaper to compare than byte arrays. */
const selects = new Map<string, { name: string; sql: string }[]>();

async function tableSelects(db: D1Database): Promise<{ name: string; sql: string }[]> {
  const { results: tables } = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_logs', 'operator_audit_logs', 'd1_migrations', 'rate_limits') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
    )
    .all<{ name: string }>();
  const columns = await db.batch(
    tables.map(({ name }) => db.prepare("SELECT name, type FROM pragma_table_info(?)").bind(name)),
  );
  return tables.map(({ name }, i) => {
    const list = ((columns[i]?.results ?? []) as { name: string; type: string }[]).map((column) =>
      /blob/i.test(column.type) ? `hex("${column.name}") AS "${column.name}"` : `"${column.name}"`,
    );
    return { name, sql: `SELECT ${list.join(", ")} FROM "${name}"` };
  });
}

function rowOf(table: string, row: Record<string, unknown>): string {
  if (table === "social_accounts") {
    const { last_used_at: _l, ...rest } = row;
    return JSON.stringify(rest);
  }
  if (table !== "api_keys") return JSON.stringify(row);
  const { use_count: _u, last_used_at: _l, ...rest } = row;
  return JSON.stringify(rest);
}

/** Every table of every database, keyed "<binding>:<table>". */
export async function snapshot(): Promise<Snapshot> {
  const out: Snapshot = new Map();
  await Promise.all(
    everyDatabase().map(async ({ name: database, db }) => {
      let tables = selects.get(database);
      if (!tables) {
        tables = await tableSelects(db);
        selects.set(database, tables);
      }
      const results = await db.batch(tables.map((select) => db.prepare(select.sql)));
      results.forEach((result, i) => {
        const table = (tables as { name: string }[])[i]?.name as string;
        out.set(
          `${database}:${table}`,
          new Set((result.results as Record<string, unknown>[]).map((row) => rowOf(table, row))),
        );
      });
    }),
  );
  return out;
}

export interface RowChange {
  table: string;
  kind: "added" | "removed";
  row: string;
}

export function changes(before: Snapshot, after: Snapshot): RowChange[] {
  const out: RowChange[] = [];
  for (const [table, rows] of after) {
    const earlier = before.get(table) ?? new Set<string>();
    for (const row of rows) if (!earlier.has(row)) out.push({ table, kind: "added", row });
    for (const row of earlier) if (!rows.has(row)) out.push({ table, kind: "removed", row });
  }
  return out;
}
