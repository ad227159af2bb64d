// A sliding log of timestamped entries per key (an API key, a social account) in
// the object's SQLite, with the count of each key's entries kept in memory so that
// admission costs an index lookup, not a scan of the window. The counts are derived
// state: rebuilt from SQLite after the object wakes.

export type LogTable = { table: "api_key_hits"; keyColumn: "key_id" } | { table: "rate_hits"; keyColumn: "account_id" };

export class SlidingLog {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly log: LogTable,
  ) {}

  /** Drops entries at or before `windowStartMs`; the count of those left. */
  prune(key: string, windowStartMs: number): number {
    const { table, keyColumn } = this.log;
    const dropped = this.sql.exec(
      `DELETE FROM ${table} WHERE ${keyColumn} = ? AND at_ms <= ?`,
      key,
      windowStartMs,
    ).rowsWritten;
    const cached = this.counts.get(key);
    const count =
      cached === undefined
        ? this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${keyColumn} = ?`, key).one().n
        : Math.max(0, cached - dropped);
    this.counts.set(key, count);
    return count;
  }

  oldest(key: string): number | null {
    const { table, keyColumn } = this.log;
    return (
      this.sql
        .exec<{ at_ms: number }>(`SELECT at_ms FROM ${table} WHERE ${keyColumn} = ? ORDER BY at_ms LIMIT 1`, key)
        .toArray()[0]?.at_ms ?? null
    );
  }

  /** Entries of `key` after `sinceMs` (few: those since the platform last reported). */
  countSince(key: string, sinceMs: number): number {
    const { table, keyColumn } = this.log;
    return this.sql
      .exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${keyColumn} = ? AND at_ms > ?`, key, sinceMs)
      .one().n;
  }

  add(key: string, atMs: number, attemptId?: string): void {
    if (this.log.table === "rate_hits") {
      this.sql.exec(
        "INSERT INTO rate_hits (account_id, at_ms, attempt_id) VALUES (?, ?, ?)",
        key,
        atMs,
        attemptId ?? "",
      );
    } else {
      this.sql.exec("INSERT INTO api_key_hits (key_id, at_ms) VALUES (?, ?)", key, atMs);
    }
    const cached = this.counts.get(key);
    if (cached !== undefined) this.counts.set(key, cached + 1);
  }

  /** Removes an attempt's entries (rate_hits only); their timestamps. */
  removeAttempt(attemptId: string): number[] {
    const rows = this.sql
      .exec<{ account_id: string; at_ms: number }>(
        "DELETE FROM rate_hits WHERE attempt_id = ? RETURNING account_id, at_ms",
        attemptId,
      )
      .toArray();
    for (const row of rows) {
      const cached = this.counts.get(row.account_id);
      if (cached !== undefined) this.counts.set(row.account_id, Math.max(0, cached - 1));
    }
    return rows.map((row) => row.at_ms);
  }
}
