// A D1 binding that records what D1 itself reports for every statement run through it
// (meta.rows_read, meta.rows_written, rows returned), so the benchmark counts exactly
// what D1 bills. A tenant scope built on it (residentDatabase) prepends its residency
// fence to every write batch through this binding too, so the fence is counted.
//
// first() is answered from all(): D1's first() hands back no meta, and it runs the
// statement to completion all the same.
//
// Each statement also keeps where it was prepared (the first frame of the stack that is
// neither this file nor a tenant scope's prepare): test/db/bounded-reads.test.ts checks
// that the cases of ./statements.ts reach every statement of src/core/db.

export interface Recorded {
  sql: string;
  /** The values bound, to explain the statement's plan afterwards. */
  params: unknown[];
  rowsRead: number;
  rowsWritten: number;
  rowsReturned: number;
  /** Rows a write changed (D1's meta.changes). */
  changes: number;
  sizeAfter: number;
  /** Where the statement was prepared: "src/core/db/content.ts:12:34 listContent" (positions of the code as it runs). */
  site: string | null;
}

const FRAME = /^\s*at (?:async )?(?:(.+?) \()?(?:[^()]*?)\/((?:src|objects|bench|test)\/[^:()]+):(\d+):(\d+)\)?$/;

/** The first frame of `stack` that is not this recorder's nor a tenant scope's prepare wrapper. */
export function preparedAt(stack: string | undefined): string | null {
  for (const line of (stack ?? "").split("\n").slice(1)) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const [, fn = "", file = "", row, column] = match;
    if (file === "bench/scale/worker/recorder.ts") continue;
    if (file.endsWith("db/resident-database.ts") && /(^|\.)prepare$/.test(fn)) continue;
    return `${file}:${row}:${column} ${fn}`;
  }
  return null;
}

/** The statement text of a recorded statement, on one line. */
function oneLine(sql: string): string {
  return sql.replace(/\s+/g, " ").trim();
}

class RecordedStatement {
  constructor(
    readonly real: D1PreparedStatement,
    readonly sql: string,
    private readonly log: Recorded[],
    private readonly site: string | null,
    private readonly params: unknown[] = [],
  ) {}

  bind(...values: unknown[]): RecordedStatement {
    return new RecordedStatement(this.real.bind(...values), this.sql, this.log, this.site, values);
  }

  note(meta: D1Meta, returned: number): void {
    this.log.push({
      sql: oneLine(this.sql),
      params: this.params,
      rowsRead: meta.rows_read ?? 0,
      rowsWritten: meta.rows_written ?? 0,
      rowsReturned: returned,
      changes: meta.changes ?? 0,
      sizeAfter: meta.size_after ?? 0,
      site: this.site,
    });
  }

  async all<T>(): Promise<D1Result<T>> {
    const result = await this.real.all<T>();
    this.note(result.meta, result.results.length);
    return result;
  }

  async run<T>(): Promise<D1Result<T>> {
    const result = await this.real.run<T>();
    this.note(result.meta, result.results?.length ?? 0);
    return result;
  }

  async first<T>(column?: string): Promise<T | null> {
    const { results } = await this.all<Record<string, unknown>>();
    const row = results[0];
    if (!row) return null;
    return (column === undefined ? row : (row[column] ?? null)) as T | null;
  }

  async raw<T>(): Promise<T[]> {
    const result = await this.real.all<Record<string, unknown>>();
    this.note(result.meta, result.results.length);
    return result.results.map((row) => Object.values(row)) as T[];
  }
}

export class Recorder {
  readonly log: Recorded[] = [];

  constructor(private readonly raw: D1Database) {}

  /** The binding to hand to code under measurement. */
  get db(): D1Database {
    const log = this.log;
    const raw = this.raw;
    return {
      prepare: (sql: string) =>
        new RecordedStatement(
          raw.prepare(sql),
          sql,
          log,
          preparedAt(new Error().stack),
        ) as unknown as D1PreparedStatement,
      async batch<T>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
        const recorded = statements as unknown as RecordedStatement[];
        const results = await raw.batch<T>(recorded.map((s) => s.real));
        results.forEach((result, i) => {
          recorded[i]?.note(result.meta, result.results?.length ?? 0);
        });
        return results;
      },
      exec: (sql: string) => raw.exec(sql),
      dump: () => raw.dump(),
      withSession: () => {
        throw new Error("not recorded");
      },
    } as unknown as D1Database;
  }

  /** Sums over everything recorded since `from` (an index into log). */
  totals(from = 0): {
    statements: number;
    rowsRead: number;
    rowsWritten: number;
    rowsReturned: number;
    changes: number;
  } {
    const part = this.log.slice(from);
    return {
      statements: part.length,
      rowsRead: part.reduce((n, r) => n + r.rowsRead, 0),
      rowsWritten: part.reduce((n, r) => n + r.rowsWritten, 0),
      rowsReturned: part.reduce((n, r) => n + r.rowsReturned, 0),
      changes: part.reduce((n, r) => n + r.changes, 0),
    };
  }
}
