// The TenantObject's clock (src/core/clock.ts: time is injected). In production it is the
// system's. In development mode (the sandbox switched on), or where the test suite
// sets OBJECT_CLOCK = "settable" (its production-mode project: the deploy check
// refuses the variable in wrangler.toml's production configuration), it is the
// system's plus an offset kept in the object's own `meta` table, so a test or a local run can move a
// tenant's time forward, or back to any date, and the object's alarms, windows and
// schedules all see the same time, across evictions and restarts. Nothing else is
// written to make time pass: schedules and windows keep the times they were given.
import { type Clock, systemClock } from "../../src/core/clock";
import { sandboxEnabled } from "../../src/core/platforms/mode";

const OFFSET_KEY = "clock_offset_ms";

/** The object's clock: the system's, shifted by the stored offset in development mode. */
export function objectClock(sql: SqlStorage, env: Env): Clock {
  if (!settable(env)) return systemClock;
  return () => Date.now() + storedOffset(sql);
}

function settable(env: Env): boolean {
  return sandboxEnabled(env) || (env as unknown as { OBJECT_CLOCK?: string }).OBJECT_CLOCK === "settable";
}

/**
 * Each object's offset as read from, or last written to, its `meta` table. Only
 * setObjectClock writes it, through the same SqlStorage, so the value kept here is the
 * stored one; the clock is read many times a request and need not query each time.
 */
const offsets = new WeakMap<SqlStorage, number>();

function storedOffset(sql: SqlStorage): number {
  const kept = offsets.get(sql);
  if (kept !== undefined) return kept;
  const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", OFFSET_KEY).toArray()[0];
  const value = Number(row?.value ?? 0);
  const offset = Number.isFinite(value) ? value : 0;
  offsets.set(sql, offset);
  return offset;
}

/**
 * Sets the object's clock to read `atMs` now (development mode only: production has no
 * offset to set, and refuses).
 */
export function setObjectClock(sql: SqlStorage, env: Env, atMs: number): void {
  if (!settable(env)) throw new Error("the object's clock can be set only in development mode");
  const offset = Math.round(atMs - Date.now());
  sql.exec(
    `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    OFFSET_KEY,
    String(offset),
  );
  offsets.set(sql, offset);
}
