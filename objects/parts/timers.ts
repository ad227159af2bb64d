// Several named timers on a Durable Object's one alarm (DESIGN.md invariant 7).
// Each timer is a row; the alarm is armed for the earliest. Alarms are delivered at
// least once, so every timer's work must be safe to run again.
//
// The rows are mirrored in memory (rebuilt after hibernation), so asking for a timer
// that is already due sooner costs no write: hot paths schedule on every request.

export class Timers {
  private due: Map<string, number> | null = null;
  private armedAt: number | null | undefined;

  constructor(private readonly storage: DurableObjectStorage) {}

  private table(): Map<string, number> {
    this.due ??= new Map(
      this.storage.sql
        .exec<{ name: string; due_at_ms: number }>("SELECT name, due_at_ms FROM timers")
        .toArray()
        .map((row) => [row.name, row.due_at_ms]),
    );
    return this.due;
  }

  /** Schedules `name` at `dueAtMs` unless it is already due earlier. */
  async scheduleAtMost(name: string, dueAtMs: number): Promise<void> {
    const current = this.table().get(name);
    if (current !== undefined && current <= dueAtMs) return;
    await this.scheduleAt(name, dueAtMs);
  }

  /** Schedules `name` at exactly `dueAtMs`, replacing any earlier schedule. */
  async scheduleAt(name: string, dueAtMs: number): Promise<void> {
    this.storage.sql.exec(
      "INSERT INTO timers (name, due_at_ms) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET due_at_ms = excluded.due_at_ms",
      name,
      dueAtMs,
    );
    this.table().set(name, dueAtMs);
    await this.arm();
  }

  async cancel(name: string): Promise<void> {
    if (!this.table().has(name)) return;
    this.storage.sql.exec("DELETE FROM timers WHERE name = ?", name);
    this.table().delete(name);
    await this.arm();
  }

  /** Removes and returns the timers due at `nowMs`. */
  takeDue(nowMs: number): string[] {
    const names = this.storage.sql
      .exec<{ name: string }>("DELETE FROM timers WHERE due_at_ms <= ? RETURNING name", nowMs)
      .toArray()
      .map((row) => row.name)
      .sort();
    for (const name of names) this.table().delete(name);
    // The alarm that delivered these is spent.
    this.armedAt = undefined;
    return names;
  }

  dueAt(name: string): number | null {
    return this.table().get(name) ?? null;
  }

  /** Arms the alarm for the earliest timer, or clears it when none is left. */
  async arm(): Promise<void> {
    let next: number | null = null;
    for (const at of this.table().values()) if (next === null || at < next) next = at;
    if (this.armedAt === undefined) this.armedAt = await this.storage.getAlarm();
    if (next === this.armedAt) return;
    if (next === null) await this.storage.deleteAlarm();
    else await this.storage.setAlarm(next);
    this.armedAt = next;
  }
}
