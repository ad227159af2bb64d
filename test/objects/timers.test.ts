// Named timers on the one alarm: a due timer's row goes only once its handler has
// succeeded, a handler that schedules its own timer again keeps the new schedule, and
// a run cut short finds its timers again (ARCHITECTURE.md, One alarm).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Timers } from "../../objects/storage/timers";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";

/** Runs `body` on a fresh object's storage. */
async function withStorage<T>(body: (storage: DurableObjectStorage) => Promise<T>): Promise<T> {
  const stub = env.TenantObject.getByName(`timers-${crypto.randomUUID()}`);
  return runInDurableObject(stub, (_o: TenantObject, state) => body(state.storage));
}

function rows(storage: DurableObjectStorage): Record<string, number> {
  return Object.fromEntries(
    storage.sql
      .exec<{ name: string; due_at_ms: number }>("SELECT name, due_at_ms FROM timers")
      .toArray()
      .map((row) => [row.name, row.due_at_ms]),
  );
}

describe("timers", () => {
  it("keep a due timer's row while its handler runs, and drop it once the handler succeeded", async () => {
    await withStorage(async (storage) => {
      const timers = new Timers(storage);
      await timers.scheduleAt("a", 1000);
      await timers.scheduleAt("b", Date.now() + 3_600_000);
      const now = Date.now();
      expect(await timers.begin(now, now + 60_000)).toEqual(["a"]);
      expect(rows(storage).a).toBe(1000);
      // Until the run ends, the alarm comes back at the retry time.
      expect(await storage.getAlarm()).toBe(now + 60_000);
      timers.done("a");
      expect(rows(storage).a).toBeUndefined();
      expect(timers.dueAt("a")).toBeNull();
      await timers.arm();
      expect(await storage.getAlarm()).toBe(timers.dueAt("b"));
    });
  });

  it("keep what a handler scheduled for its own timer during its run", async () => {
    await withStorage(async (storage) => {
      const timers = new Timers(storage);
      await timers.scheduleAt("again", 1000);
      const now = Date.now();
      await timers.begin(now, now + 60_000);
      // The handler asks for itself again, later than the run it is in.
      await timers.scheduleAtMost("again", now + 5000);
      timers.done("again");
      expect(rows(storage).again).toBe(now + 5000);
      expect(timers.dueAt("again")).toBe(now + 5000);
      await timers.arm();
      expect(await storage.getAlarm()).toBe(now + 5000);
    });
  });

  it("retry a failed handler later, unless it already asked to run sooner", async () => {
    await withStorage(async (storage) => {
      const timers = new Timers(storage);
      await timers.scheduleAt("fails", 1000);
      await timers.scheduleAt("asks", 1000);
      const now = Date.now();
      await timers.begin(now, now + 60_000);
      await timers.failed("fails", now + 60_000);
      await timers.scheduleAtMost("asks", now + 1000);
      await timers.failed("asks", now + 60_000);
      expect(rows(storage)).toEqual({ fails: now + 60_000, asks: now + 1000 });
    });
  });

  it("find a run's timers again when the run was cut short", async () => {
    await withStorage(async (storage) => {
      const before = new Timers(storage);
      await before.scheduleAt("cut", 1000);
      await before.begin(Date.now(), Date.now() + 60_000);
      // No done(): the object was reset. A new instance reads the same storage.
      const after = new Timers(storage);
      expect(await after.begin(Date.now(), Date.now() + 60_000)).toEqual(["cut"]);
      after.done("cut");
      expect(rows(storage)).toEqual({});
    });
  });
});
