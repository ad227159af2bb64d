// Several named timers on a Durable Object's one alarm (ARCHITECTURE.md, One alarm).
// Each timer is a row; the alarm is armed for the earliest. Alarms are delivered at
// least once, so every timer's work must be safe to run again.
//
// A due timer's row stays while its handler runs and goes only once the handler has
// succeeded (done): an object evicted mid-run finds the row again and runs it again,
// where deleting it first would lose the wake-up. While a run is under way,
// the alarm is armed for `retryAtMs`, so a run cut short comes back by itself.
//
// The rows are mirrored in memory (rebuilt after hibernation), so asking for a timer
// that is already due sooner costs no write: hot paths schedule on every request.
//
// `Name` is the object's union of timer names (the keys of its handler map, as in
// tldraw's AlarmScheduler): a part given Timers<"a" | "b"> can schedule only those.
// Rows are read back as plain strings (a row may predate a rename); the object's alarm
// narrows them against its map.

import { type Clock, systemClock } from "../../src/core/clock";

/** A timer taken by a run: the due time it was taken at, and whether it was scheduled again since. */
interface Running {
  dueAtMs: number;
  retryAtMs: number;
  /** Scheduled again or cancelled during the run: the row is no longer the one being run. */
  replaced: boolean;
}

export class Timers<Name extends string = string> {
  private due: Map<string, number> | null = null;
  private armedAt: number | null | undefined;
  private readonly running = new Map<string, Running>();

  /**
   * Due times are on `clock`; the runtime's alarm is on the machine's, so the alarm is
   * armed for the same distance from now (the object's clock may run ahead in
   * development mode: objects/storage/object-clock.ts).
   */
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly clock: Clock = systemClock,
  ) {}

  /** How far the clock runs ahead of the machine's (0 for the system clock). */
  private skew(): number {
    return this.clock() - Date.now();
  }

  private table(): Map<string, number> {
    this.due ??= new Map(
      this.storage.sql
        .exec<{ name: string; due_at_ms: number }>("SELECT name, due_at_ms FROM timers")
        .toArray()
        .map((row) => [row.name, row.due_at_ms]),
    );
    return this.due;
  }

  /** When `name` is next due; a row being run counts as spent, so it can be scheduled anew. */
  private pending(name: string): number | undefined {
    const run = this.running.get(name);
    if (run && !run.replaced) return undefined;
    return this.table().get(name);
  }

  /** Schedules `name` at `dueAtMs` unless it is already due earlier. */
  async scheduleAtMost(name: Name, dueAtMs: number): Promise<void> {
    const current = this.pending(name);
    if (current !== undefined && current <= dueAtMs) return;
    await this.scheduleAt(name, dueAtMs);
  }

  /** Schedules `name` at exactly `dueAtMs`, replacing any earlier schedule. */
  scheduleAt(name: Name, dueAtMs: number): Promise<void> {
    return this.put(name, dueAtMs);
  }

  private async put(name: string, dueAtMs: number): Promise<void> {
    this.storage.sql.exec(
      "INSERT INTO timers (name, due_at_ms) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET due_at_ms = excluded.due_at_ms",
      name,
      dueAtMs,
    );
    this.table().set(name, dueAtMs);
    const run = this.running.get(name);
    if (run) run.replaced = true;
    await this.arm();
  }

  async cancel(name: Name): Promise<void> {
    const run = this.running.get(name);
    if (run) run.replaced = true;
    if (!this.table().has(name)) return;
    this.storage.sql.exec("DELETE FROM timers WHERE name = ?", name);
    this.table().delete(name);
    await this.arm();
  }

  /**
   * Starts a run: the timers due at `nowMs` (not already being run), in name order.
   * Their rows stay until done(); until then the alarm is armed for `retryAtMs` at
   * the latest, so a run that never finishes comes back.
   */
  async begin(nowMs: number, retryAtMs: number): Promise<string[]> {
    // Read afresh: the table is the truth, and one read per alarm is cheap.
    this.due = null;
    const names: string[] = [];
    for (const [name, dueAtMs] of this.table()) {
      if (dueAtMs > nowMs || this.running.has(name)) continue;
      this.running.set(name, { dueAtMs, retryAtMs, replaced: false });
      names.push(name);
    }
    // The alarm that delivered these is spent.
    this.armedAt = undefined;
    await this.arm();
    return names.sort();
  }

  /**
   * The handler of `name` succeeded: its row goes, unless the timer was scheduled
   * again (or cancelled) while it ran, whose row is then the new schedule's.
   */
  done(name: string): void {
    const run = this.running.get(name);
    if (!run) return;
    this.running.delete(name);
    if (run.replaced) return;
    // The due time guards the row against anything that moved it meanwhile.
    this.storage.sql.exec("DELETE FROM timers WHERE name = ? AND due_at_ms = ?", name, run.dueAtMs);
    if (this.table().get(name) === run.dueAtMs) this.table().delete(name);
  }

  /**
   * The handler of `name` failed: its row stays. It runs again at `retryAtMs`
   * unless it was already scheduled sooner during the run.
   */
  async failed(name: string, retryAtMs: number): Promise<void> {
    const run = this.running.get(name);
    this.running.delete(name);
    const current = run && !run.replaced ? undefined : this.table().get(name);
    if (current !== undefined && current <= retryAtMs) return;
    await this.put(name, retryAtMs);
  }

  dueAt(name: Name): number | null {
    return this.table().get(name) ?? null;
  }

  /** When the alarm must next go off: a row being run comes back at its run's retry time. */
  private next(): number | null {
    let next: number | null = null;
    for (const [name, dueAtMs] of this.table()) {
      const run = this.running.get(name);
      const at = run && !run.replaced ? Math.max(dueAtMs, run.retryAtMs) : dueAtMs;
      if (next === null || at < next) next = at;
    }
    return next;
  }

  /** Arms the alarm for the earliest timer, or clears it when none is left. */
  async arm(): Promise<void> {
    const next = this.next();
    if (this.armedAt === undefined) {
      const alarm = await this.storage.getAlarm();
      this.armedAt = alarm === null ? null : alarm + this.skew();
    }
    if (next === this.armedAt) return;
    if (next === null) await this.storage.deleteAlarm();
    else await this.storage.setAlarm(next - this.skew());
    this.armedAt = next;
  }
}
