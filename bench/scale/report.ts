// The Node side of bench:scale: the bench entry in wrangler's test harness, and the
// table and JSON its measurements become.
import { createTestHarness, type TestHarness } from "wrangler";

/** The bench entry with one shard (migrated with the tenant set) and its flush object. */
export async function harnessFor(compatibilityDate: string): Promise<{
  harness: TestHarness;
  call: <T>(path: string, body?: unknown) => Promise<T>;
}> {
  const harness = createTestHarness({
    workers: [
      {
        config: {
          name: "bench-scale",
          main: "./bench/scale/worker/index.ts",
          compatibility_date: compatibilityDate,
          d1_databases: [
            {
              binding: "SHARD_US_EAST_1",
              database_name: "bench-scale-shard",
              database_id: "00000000-0000-0000-0000-00000000b0b0",
              migrations_dir: "migrations/tenant",
            },
          ],
          durable_objects: { bindings: [{ name: "ScaleFlushObject", class_name: "ScaleFlushObject" }] },
          migrations: [{ tag: "v1", new_sqlite_classes: ["ScaleFlushObject"] }],
        },
      },
    ],
  });
  await harness.listen();
  await harness.getWorker().applyD1Migrations("SHARD_US_EAST_1");
  const call = async <T>(path: string, body: unknown = {}): Promise<T> => {
    const response = await harness.getWorker().fetch(`http://bench${path}`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return { harness, call };
}

export interface MeasuredRow {
  name: string;
  /** A job (a rebuild, ageing a day) is periodic upkeep, not an answer: not held to the bound. */
  kind: "read" | "write" | "job";
  statements: number;
  rowsRead: number;
  rowsWritten: number;
  rowsReturned: number;
  detail: { sql: string; read: number; written: number; returned: number }[];
}

export interface WriteFigure {
  name: string;
  posts: number;
  rowsWritten: number;
  rowsRead: number;
  perPost: number;
}

export interface ScaleResult {
  date: string;
  machine: { cpus: number; model: string; memoryGb: number; runtime: string };
  dataset: {
    bigTenantPosts: number;
    smallTenants: number;
    smallTenantPosts: number;
    posts: number;
    days: number;
    generateSeconds: number;
    shardBytes: number;
    optimized: boolean;
  };
  measured: { big: MeasuredRow[]; small: MeasuredRow[] };
  writes: { batch: WriteFigure; shapes: WriteFigure[]; scheduled: WriteFigure };
  flush: {
    name: string;
    posts: number;
    analyticsRowsWritten: number;
    rowsWritten: number;
    rowsRead: number;
    benchmarkRowsWritten: number;
  }[];
  bytes: { posts: number; bytes: number; bytesPerPost: number };
  sizes: { name: string; table: string; kind: "table" | "index"; bytes: number; rows?: number }[];
}

const MIB = 2 ** 20;

/** Per table: its rows' bytes, its indexes' bytes, and the largest indexes (dbstat). */
function sizeTable(result: ScaleResult): string[] {
  if (result.sizes.length === 0) return [];
  const tables = new Map<string, { table: number; rows: number; indexes: { name: string; bytes: number }[] }>();
  for (const o of result.sizes) {
    const t = tables.get(o.table) ?? { table: 0, rows: 0, indexes: [] };
    if (o.kind === "table") {
      t.table += o.bytes;
      t.rows += o.rows ?? 0;
    } else t.indexes.push({ name: o.name, bytes: o.bytes });
    tables.set(o.table, t);
  }
  const indexBytes = (t: { indexes: { bytes: number }[] }) => t.indexes.reduce((n, i) => n + i.bytes, 0);
  return [
    "Bytes per table and its indexes (SQLite's dbstat on the local shard)",
    "| table | rows | rows MiB | indexes MiB | bytes per row, indexes included | indexes |",
    "|---|--:|--:|--:|--:|---|",
    ...[...tables]
      .sort((a, b) => b[1].table + indexBytes(b[1]) - (a[1].table + indexBytes(a[1])))
      .filter(([, t]) => t.table + indexBytes(t) >= MIB)
      .map(
        ([name, t]) =>
          `| ${name} | ${t.rows} | ${(t.table / MIB).toFixed(1)} | ${(indexBytes(t) / MIB).toFixed(1)} | ${
            t.rows > 0 ? Math.round((t.table + indexBytes(t)) / t.rows) : "-"
          } | ${t.indexes
            .sort((a, b) => b.bytes - a.bytes)
            .map((i) => `${i.name} ${(i.bytes / MIB).toFixed(1)}`)
            .join(", ")} |`,
      ),
  ];
}

/** The read bound on lists, reports and lookups (2 × rows returned + 100): reads in proportion to the answer. */
export function bound(returned: number): number {
  return 2 * returned + 100;
}

export function summarise(result: ScaleResult): { json: unknown; table: string } {
  const queries = (["big", "small"] as const).flatMap((tenant) =>
    result.measured[tenant].map((row) => ({
      name: row.name,
      tenant,
      rows_read: row.rowsRead,
      rows_returned: row.rowsReturned,
      rows_written: row.rowsWritten,
      statements: row.statements,
      within_bound: row.kind !== "read" || row.rowsRead <= bound(row.rowsReturned),
      detail: row.detail,
    })),
  );
  // A flush of one changed post that is not viral: client events, or a pull that moves synced_at.
  const plainFlushes = result.flush.filter((f) => !f.name.includes("viral"));
  const json = {
    queries,
    rows_written_per_post: result.writes.batch.perPost,
    rows_written_per_flushed_post: Math.max(...plainFlushes.map((f) => f.analyticsRowsWritten / Math.max(1, f.posts))),
    writes: result.writes,
    flush: result.flush,
    bytes: result.bytes,
    sizes: result.sizes,
    dataset: result.dataset,
    machine: result.machine,
    date: result.date,
  };
  const small = new Map(result.measured.small.map((row) => [row.name, row]));
  const lines = [
    `D1 at scale: ${result.dataset.posts} posts (one tenant of ${result.dataset.bigTenantPosts}, ${result.dataset.smallTenants} of about ${result.dataset.smallTenantPosts}), statistics ${result.dataset.optimized ? "from PRAGMA optimize" : "none"}`,
    "| statement | big: rows read | returned | ≤ 2×returned+100 | small: rows read | returned |",
    "|---|--:|--:|:-:|--:|--:|",
    ...result.measured.big.map((row) => {
      const s = small.get(row.name);
      const ok = row.kind !== "read" ? `(${row.kind})` : row.rowsRead <= bound(row.rowsReturned) ? "yes" : "**NO**";
      return `| ${row.name} | ${row.rowsRead} | ${row.rowsReturned} | ${ok} | ${s?.rowsRead ?? "-"} | ${s?.rowsReturned ?? "-"} |`;
    }),
    "",
    "Rows written per published post (the outbox's statements in one fenced batch, index entries included)",
    "| posts | rows written | per post | rows read |",
    "|---|--:|--:|--:|",
    ...[result.writes.batch, ...result.writes.shapes, result.writes.scheduled].map(
      (w) => `| ${w.name} (${w.posts}) | ${w.rowsWritten} | ${w.perPost.toFixed(2)} | ${w.rowsRead} |`,
    ),
    "",
    "Analytics flush of one changed post (objects/analytics/flush.ts)",
    "| change | post_analytics rows written | all rows written (benchmarks too) | rows read |",
    "|---|--:|--:|--:|",
    ...result.flush.map((f) => `| ${f.name} | ${f.analyticsRowsWritten} | ${f.rowsWritten} | ${f.rowsRead} |`),
    "",
    `Bytes per post with its indexes (${result.bytes.posts} posts published, figures and one other audit row each): ${Math.round(result.bytes.bytesPerPost)}`,
    "",
    ...sizeTable(result),
    `Shard: ${(result.dataset.shardBytes / 2 ** 20).toFixed(1)} MiB for ${result.dataset.posts} posts with everything else (${Math.round(result.dataset.shardBytes / result.dataset.posts)} bytes per post); generated in ${result.dataset.generateSeconds} s`,
    `(${result.machine.cpus} × ${result.machine.model}, ${result.machine.memoryGb} GiB; ${result.machine.runtime})`,
  ];
  return { json, table: lines.join("\n") };
}
