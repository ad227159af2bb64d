// A sliding log of timestamped entries per key (an API key, a social account) in
// the object's SQLite. Each key's count and oldest entry are mirrored in memory, so
// the common admission costs one insert: old entries are deleted only when the
// oldest one has actually left the window. The mirror is derived state, rebuilt from
// SQLite after the object wakes; SQLite stays the truth.

export type LogTable = { table: "api_key_hits"; keyColumn: "key_id" } | { table: "rate_hits"; keyColumn: "account_id" };

interface Mirror {
  count: number;
  oldest: number | null;
}

export class SlidingLog {
  private readonly mirror = new Map<string, Mirror>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly log: LogTable,
  ) {}

  private load(key: string): Mirror {
    const { table, keyColumn } = this.log;
    const row = this.sql
      .exec<{ n: number; oldest: number | null }>(
        `SELECT COUNT(*) AS n, MIN(at_ms) AS oldest FROM ${table} WHERE ${keyColumn} = ?`,
        key,
      )
      .one();
    const mirror = { count: row.n, oldest: row.oldest };
    this.mirror.set(key, mirror);
    return mirror;
  }

  private refreshOldest(key: string, mirror: Mirror): void {
    const { table, keyColumn } = this.log;
    mirror.oldest =
      this.sql
        .exec<{ at_ms: number }>(`SELECT at_ms FROM ${table} WHERE ${keyColumn} = ? ORDER BY at_ms LIMIT 1`, key)
        .toArray()[0]?.at_ms ?? null;
  }

  /** Drops entries at or before `windowStartMs` (only when there are any); the count left. */
  prune(key: string, windowStartMs: number): number {
    const mirror = this.mirror.get(key) ?? this.load(key);
    if (mirror.oldest !== null && mirror.oldest <= windowStartMs) {
      const { table, keyColumn } = this.log;
      const dropped = this.sql.exec(
        `DELETE FROM ${table} WHERE ${keyColumn} = ? AND at_ms <= ?`,
        key,
        windowStartMs,
      ).rowsWritten;
      mirror.count = Math.max(0, mirror.count - dropped);
      this.refreshOldest(key, mirror);
    }
    return mirror.count;
  }

  oldest(key: string): number | null {
    return (this.mirror.get(key) ?? this.load(key)).oldest;
  }

  /** Entries of `key` after `sinceMs` (few: those since the platform last reported). */
  countSince(key: string, sinceMs: number): number {
    const { table, keyColumn } = this.log;
    return this.sql
      .exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${keyColumn} = ? AND at_ms > ?`, key, sinceMs)
      .one().n;
  }

  add(key: string, atMs: number, attemptId?: string): void {
    // The mirror is read before the insert, so it never counts the new row twice.
    const mirror = this.mirror.get(key) ?? this.load(key);
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
    mirror.count += 1;
    if (mirror.oldest === null || atMs < mirror.oldest) mirror.oldest = atMs;
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
      const mirror = this.mirror.get(row.account_id);
      if (!mirror) continue;
      mirror.count = Math.max(0, mirror.count - 1);
      if (mirror.oldest === row.at_ms) this.refreshOldest(row.account_id, mirror);
    }
    return rows.map((row) => row.at_ms);
  }
}
