// Several named timers on a Durable Object's one alarm (DESIGN.md invariant 7).
// Each timer is a row; the alarm is armed for the earliest. Alarms are delivered at
// least once, so every timer's work must be safe to run again.

export class Timers {
  constructor(private readonly storage: DurableObjectStorage) {}

  /** Schedules `name` at `dueAtMs` unless it is already due earlier. */
  async scheduleAtMost(name: string, dueAtMs: number): Promise<void> {
    this.storage.sql.exec(
      `INSERT INTO timers (name, due_at_ms) VALUES (?, ?)
       ON CONFLICT(name) DO UPDATE SET due_at_ms = MIN(due_at_ms, excluded.due_at_ms)`,
      name,
      dueAtMs,
    );
    await this.arm();
  }

  /** Schedules `name` at exactly `dueAtMs`, replacing any earlier schedule. */
  async scheduleAt(name: string, dueAtMs: number): Promise<void> {
    this.storage.sql.exec(
      "INSERT INTO timers (name, due_at_ms) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET due_at_ms = excluded.due_at_ms",
      name,
      dueAtMs,
    );
    await this.arm();
  }

  async cancel(name: string): Promise<void> {
    this.storage.sql.exec("DELETE FROM timers WHERE name = ?", name);
    await this.arm();
  }

  /** Removes and returns the timers due at `nowMs`. */
  takeDue(nowMs: number): string[] {
    return this.storage.sql
      .exec<{ name: string }>("DELETE FROM timers WHERE due_at_ms <= ? RETURNING name", nowMs)
      .toArray()
      .map((row) => row.name)
      .sort();
  }

  dueAt(name: string): number | null {
    const row = this.storage.sql
      .exec<{ due_at_ms: number }>("SELECT due_at_ms FROM timers WHERE name = ?", name)
      .toArray()[0];
    return row?.due_at_ms ?? null;
  }

  /** Arms the alarm for the earliest timer, or clears it when none is left. */
  async arm(): Promise<void> {
    const next = this.storage.sql.exec<{ at: number | null }>("SELECT MIN(due_at_ms) AS at FROM timers").one().at;
    if (next === null) {
      await this.storage.deleteAlarm();
      return;
    }
    const current = await this.storage.getAlarm();
    if (current === null || current !== next) await this.storage.setAlarm(next);
  }
}
