// The TenantObject's alarm over its typed timer map (objects/tenant-object/timers.ts):
// a timer's row goes only once its handler succeeded, a handler that schedules itself
// again keeps the new row, a failed one comes back later, and while a move fences the
// tenant's writes every timer but the move's own waits. Driven with handlers that record
// what ran, on a real object's storage.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Timers } from "../../objects/storage/timers";
import type { TenantParts } from "../../objects/tenant-object/parts";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { runDueTimers, type TenantTimer, tenantTimers } from "../../objects/tenant-object/timers";
import { systemClock } from "../../src/core/clock";

type Handlers = ReturnType<typeof tenantTimers>;

/** Every timer's handler replaced by `run`, each keeping whether its timer may run fenced. */
function handlersThat(run: (name: TenantTimer, timers: Timers<TenantTimer>) => Promise<void>): Handlers {
  const real = tenantTimers();
  return Object.fromEntries(
    (Object.keys(real) as TenantTimer[]).map((name) => [
      name,
      { ...real[name], run: (parts: TenantParts) => run(name, parts.timers) },
    ]),
  ) as unknown as Handlers;
}

/** Runs `body` with a fresh object's storage, its timers and a move fence that is `fenced`. */
async function withTimers(
  fenced: boolean,
  body: (timers: Timers<TenantTimer>, parts: TenantParts, rows: () => Record<string, number>) => Promise<void>,
): Promise<void> {
  const stub = env.TenantObject.getByName(`timers-${crypto.randomUUID()}`);
  await runInDurableObject(stub, async (_o: TenantObject, state) => {
    const timers = new Timers<TenantTimer>(state.storage);
    const parts = {
      tenantId: "ten_test",
      timers,
      clock: systemClock,
      move: { fenced: () => fenced },
    } as unknown as TenantParts;
    const rows = () =>
      Object.fromEntries(
        state.storage.sql
          .exec<{ name: string; due_at_ms: number }>("SELECT name, due_at_ms FROM timers")
          .toArray()
          .map((row) => [row.name, row.due_at_ms]),
      );
    await body(timers, parts, rows);
  });
}

describe("the TenantObject's timers", () => {
  it("drop a row once its handler succeeded, keep it when the handler failed", async () => {
    await withTimers(false, async (timers, parts, rows) => {
      await timers.scheduleAt("flush-audit", 1000);
      await timers.scheduleAt("record-pending", 1000);
      const whileRunning: Record<string, number | undefined> = {};
      const before = Date.now();
      await runDueTimers(
        parts,
        handlersThat(async (name) => {
          // The row is still there while the handler runs: a reset now finds it again.
          whileRunning[name] = rows()[name];
          if (name === "record-pending") throw new Error("D1 is unavailable");
        }),
      );
      expect(whileRunning).toEqual({ "flush-audit": 1000, "record-pending": 1000 });
      expect(rows()["flush-audit"]).toBeUndefined();
      // The failed one runs again a minute later.
      expect(rows()["record-pending"]).toBeGreaterThanOrEqual(before + 60_000);
    });
  });

  it("keep the row a handler scheduled for its own timer", async () => {
    await withTimers(false, async (timers, parts, rows) => {
      await timers.scheduleAt("sync-insights", 1000);
      const next = Date.now() + 300_000;
      await runDueTimers(
        parts,
        handlersThat(async (name, own) => {
          if (name === "sync-insights") await own.scheduleAtMost("sync-insights", next);
        }),
      );
      expect(rows()).toEqual({ "sync-insights": next });
    });
  });

  it("hold every timer but the move's own while a move fences the tenant's writes", async () => {
    await withTimers(true, async (timers, parts, rows) => {
      await timers.scheduleAt("publish-due", 1000);
      await timers.scheduleAt("move-tenant", 1000);
      const ran: string[] = [];
      const before = Date.now();
      await runDueTimers(
        parts,
        handlersThat(async (name) => {
          ran.push(name);
        }),
      );
      expect(ran).toEqual(["move-tenant"]);
      expect(rows()["move-tenant"]).toBeUndefined();
      // Tried again shortly, not lost.
      expect(rows()["publish-due"]).toBeGreaterThanOrEqual(before);
    });
  });

  it("drop a row no handler answers to", async () => {
    await withTimers(false, async (timers, parts, rows) => {
      // A timer of an older version of the object, as its row would be found.
      await (timers as unknown as Timers<string>).scheduleAt("retired-timer", 1000);
      await runDueTimers(
        parts,
        handlersThat(async () => {}),
      );
      expect(rows()).toEqual({});
    });
  });
});
