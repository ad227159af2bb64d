// Bytes per table and per index of the generated shard. D1 reports a database's size
// (meta.size_after) but has no dbstat; the local shard is an SQLite file in wrangler's
// storage, so SQLite's own dbstat reads it there (read-only, beside the running
// harness). For the capacity model: what each table and each index of a post costs.
import { readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export interface ObjectSize {
  name: string;
  table: string;
  kind: "table" | "index";
  bytes: number;
  /** A table's row count (for bytes per row in the capacity model); absent for an index. */
  rows?: number;
}

/** The largest local D1 file written since `sinceMs`: the shard this run filled. */
export function shardFile(sinceMs: number): string | null {
  let best: { path: string; size: number } | null = null;
  const root = tmpdir();
  for (const dir of readdirSync(root).filter((d) => d.startsWith("miniflare-"))) {
    const d1 = join(root, dir, "d1", "miniflare-D1DatabaseObject");
    let files: string[] = [];
    try {
      files = readdirSync(d1).filter((f) => f.endsWith(".sqlite"));
    } catch {
      continue;
    }
    for (const file of files) {
      const path = join(d1, file);
      const stat = statSync(path);
      if (stat.mtimeMs >= sinceMs && (!best || stat.size > best.size)) best = { path, size: stat.size };
    }
  }
  return best?.path ?? null;
}

/** Every table and index of the file with its bytes (pages × page size), largest first; tables with their row count. */
export function objectSizes(path: string): ObjectSize[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = db
      .prepare(
        `SELECT s.name AS name, m.tbl_name AS tbl, m.type AS type, SUM(s.pgsize) AS bytes
         FROM dbstat AS s JOIN sqlite_master AS m ON m.name = s.name
         GROUP BY s.name ORDER BY bytes DESC`,
      )
      .all() as { name: string; tbl: string; type: string; bytes: number }[];
    const count = (table: string) =>
      Number((db.prepare(`SELECT count(*) AS n FROM "${table.replaceAll('"', '""')}"`).get() as { n: number }).n);
    return rows.map((r) =>
      r.type === "index"
        ? { name: r.name, table: r.tbl, kind: "index", bytes: r.bytes }
        : { name: r.name, table: r.tbl, kind: "table", bytes: r.bytes, rows: count(r.name) },
    );
  } finally {
    db.close();
  }
}
