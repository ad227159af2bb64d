// The Node side of bench:scale: the bench entry in wrangler's test harness, and the
// table and JSON its measurements become.
import { createTestHarness, type TestHarness } from "wrangler";

/** The bench entry with one shard and the global database (each migrated with its set), its flush object and a vector index. */
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
            {
              binding: "DB",
              database_name: "bench-scale-global",
              database_id: "00000000-0000-0000-0000-00000000b0b1",
              migrations_dir: "migrations/global",
            },
          ],
          // The embedded vector index the skill job's re-projection writes to (as in development).
          durable_objects: {
            bindings: [
              { name: "ScaleFlushObject", class_name: "ScaleFlushObject" },
              { name: "VectorIndexObject", class_name: "VectorIndexObject" },
            ],
          },
          migrations: [{ tag: "v1", new_sqlite_classes: ["ScaleFlushObject", "VectorIndexObject"] }],
        },
      },
    ],
  });
  await harness.listen();
  await harness.getWorker().applyD1Migrations("SHARD_US_EAST_1");
  await harness.getWorker().applyD1Migrations("DB");
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
  /** read and write: held to their bound; job: to the budget its module states (bench/scale/worker/jobs.ts). */
  kind: "read" | "write" | "job";
  statements: number;
  rowsRead: number;
  rowsWritten: number;
  rowsReturned: number;
  /** Rows a write changed (D1's meta.changes): what its bound is counted from. */
  changes?: number;
  /** The bound (read, write) or the budget (job). */
  limit: number;
  detail: { sql: string; read: number; written: number; returned: number; plan?: string[] }[];
}

export type Statistics = "present" | "absent";

export interface Measured {
  statistics: Statistics;
  tenant: "big" | "small";
  rows: MeasuredRow[];
}

export interface Swept {
  statistics: Statistics;
  windows: {
    name: string;
    days: number;
    overBound: number;
    worst: { today: string; read: number; returned: number; bound: number } | null;
  }[];
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
    measureSeconds: number;
    shardBytes: number;
    globalBytes: number;
    statistics: Record<string, unknown>;
  };
  measured: Measured[];
  swept: Swept[];
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

/** Per table: its rows, its rows' bytes and its indexes' bytes (dbstat), every table with rows. */
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
    "Bytes and rows per table and its indexes (SQLite's dbstat on the local shard)",
    "| table | rows | rows MiB | indexes MiB | bytes per row, indexes included | largest indexes |",
    "|---|--:|--:|--:|--:|---|",
    ...[...tables]
      .filter(
        ([name, t]) =>
          t.rows > 0 && !name.startsWith("sqlite_") && !name.startsWith("_cf_") && name !== "d1_migrations",
      )
      .sort((a, b) => b[1].table + indexBytes(b[1]) - (a[1].table + indexBytes(a[1])))
      .map(
        ([name, t]) =>
          `| ${name} | ${t.rows} | ${(t.table / MIB).toFixed(1)} | ${(indexBytes(t) / MIB).toFixed(1)} | ${Math.round(
            (t.table + indexBytes(t)) / t.rows,
          )} | ${t.indexes
            .sort((a, b) => b.bytes - a.bytes)
            .slice(0, 3)
            .map((i) => `${i.name} ${(i.bytes / MIB).toFixed(1)}`)
            .join(", ")} |`,
      ),
  ];
}

function within(row: MeasuredRow): boolean {
  return row.rowsRead <= row.limit;
}

export function summarise(result: ScaleResult): { json: unknown; table: string } {
  const queries = result.measured.flatMap((m) =>
    m.rows.map((row) => ({
      name: row.name,
      kind: row.kind,
      tenant: m.tenant,
      statistics: m.statistics,
      rows_read: row.rowsRead,
      rows_returned: row.rowsReturned,
      rows_written: row.rowsWritten,
      rows_changed: row.changes ?? 0,
      statements: row.statements,
      ...(row.kind === "job" ? { budget: row.limit } : { bound: row.limit }),
      within: within(row),
      detail: row.detail,
    })),
  );
  const sweep = result.swept.flatMap((s) =>
    s.windows.map((w) => ({
      name: w.name,
      statistics: s.statistics,
      days_swept: w.days,
      days_over_bound: w.overBound,
      worst_day: w.worst
        ? { today: w.worst.today, rows_read: w.worst.read, rows_returned: w.worst.returned, bound: w.worst.bound }
        : null,
    })),
  );
  // A flush of one changed post that is not viral: client events, or a pull that moves synced_at.
  const plainFlushes = result.flush.filter((f) => !f.name.includes("viral"));
  const json = {
    queries,
    sweep,
    over_limit: queries.filter((q) => q.tenant === "big" && !q.within).map((q) => `${q.name} (${q.statistics})`),
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
  const of = (statistics: Statistics, tenant: "big" | "small") =>
    new Map(
      (result.measured.find((m) => m.statistics === statistics && m.tenant === tenant)?.rows ?? []).map((r) => [
        r.name,
        r,
      ]),
    );
  const present = of("present", "big");
  const absent = of("absent", "big");
  const small = of("present", "small");
  const mark = (row: MeasuredRow | undefined) => (!row ? "-" : within(row) ? "yes" : "**NO**");
  const lines = [
    `D1 at scale: ${result.dataset.posts} posts (one tenant of ${result.dataset.bigTenantPosts}, ${result.dataset.smallTenants} of about ${result.dataset.smallTenantPosts}); statistics present (PRAGMA optimize) and absent (sqlite_stat1 emptied)`,
    "| statement | kind | big, statistics: rows read | returned | limit | within | big, no statistics: rows read | returned | within | small: rows read | returned |",
    "|---|---|--:|--:|--:|:-:|--:|--:|:-:|--:|--:|",
    ...[...present.values()].map((row) => {
      const a = absent.get(row.name);
      const s = small.get(row.name);
      return `| ${row.name} | ${row.kind} | ${row.rowsRead} | ${row.rowsReturned} | ${row.limit} | ${mark(row)} | ${a?.rowsRead ?? "-"} | ${a?.rowsReturned ?? "-"} | ${mark(a)} | ${s?.rowsRead ?? "-"} | ${s?.rowsReturned ?? "-"} |`;
    }),
    "",
    `The viral report swept over ${result.dataset.days} days of "today" (the big tenant's first page, 50 rows)`,
    "| report | statistics | days over the bound | worst day | rows read | returned | bound |",
    "|---|---|--:|---|--:|--:|--:|",
    ...sweep.map(
      (w) =>
        `| ${w.name} | ${w.statistics} | ${w.days_over_bound} | ${w.worst_day?.today.slice(0, 13) ?? "-"} | ${w.worst_day?.rows_read ?? "-"} | ${w.worst_day?.rows_returned ?? "-"} | ${w.worst_day?.bound ?? "-"} |`,
    ),
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
    `Shard: ${(result.dataset.shardBytes / MIB).toFixed(1)} MiB for ${result.dataset.posts} posts with everything else (${Math.round(result.dataset.shardBytes / result.dataset.posts)} bytes per post); global database ${(result.dataset.globalBytes / MIB).toFixed(1)} MiB. Generated in ${result.dataset.generateSeconds} s, measured in ${result.dataset.measureSeconds} s`,
    `Over their limit on the big tenant: ${json.over_limit.length === 0 ? "none" : json.over_limit.join("; ")}`,
    `(${result.machine.cpus} × ${result.machine.model}, ${result.machine.memoryGb} GiB; ${result.machine.runtime})`,
  ];
  return { json, table: lines.join("\n") };
}
