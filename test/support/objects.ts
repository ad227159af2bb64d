// Driving a TenantObject's alarm in tests: make every named timer due, then run the
// alarm, as if its time had come. Timers are named by the object's own map
// (objects/tenant-object/timers.ts), so a name it does not have fails to compile.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { objectClock, setObjectClock } from "../../objects/storage/object-clock";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import type { TenantTimer } from "../../objects/tenant-object/timers";
import { tenantShard } from "./databases";

/**
 * The tenant's object as tests reach it: the class itself, for runInDurableObject
 * (the router's binding is typed by the contract alone).
 */
export function tenantObjectOf(tenantId: string): DurableObjectStub<TenantObject> {
  return env.TenantObject.getByName(tenantId) as unknown as DurableObjectStub<TenantObject>;
}

/** What the tenant's object's clock reads now (objects/storage/object-clock.ts). */
export function objectNow(tenantId: string): Promise<number> {
  return runInDurableObject(tenantObjectOf(tenantId), (_instance: TenantObject, state) =>
    objectClock(state.storage.sql, env)(),
  );
}

/** Sets the object's clock to `atMs` when that is later than it reads (it never goes back). */
function moveForward(sql: SqlStorage, atMs: number): void {
  if (atMs > objectClock(sql, env)()) setObjectClock(sql, env, atMs);
}

/** Moves the object's clock forward to `atMs` (never back: time the object has seen stays seen). */
export async function advanceObjectClock(tenantId: string, atMs: number): Promise<void> {
  await runInDurableObject(tenantObjectOf(tenantId), (_instance: TenantObject, state) => {
    moveForward(state.storage.sql, atMs);
  });
}

/**
 * Moves the object's clock to when the named timers (all when none are named) are due,
 * and runs the alarm, as when their time comes: timers due sooner run too. Nothing in
 * the object's tables is rewritten.
 */
export async function runTimersNow(tenantId: string, names?: TenantTimer[]): Promise<boolean> {
  const stub = tenantObjectOf(tenantId);
  await runInDurableObject(stub, async (_instance: TenantObject, state) => {
    const sql = state.storage.sql;
    const dues = sql
      .exec<{ name: string; due_at_ms: number }>("SELECT name, due_at_ms FROM timers")
      .toArray()
      .filter((row) => !names || names.includes(row.name as TenantTimer))
      .map((row) => row.due_at_ms);
    moveForward(sql, Math.max(...dues));
    // The runtime's alarm fires now, whatever it was armed for.
    await state.storage.setAlarm(Date.now());
  });
  return runDurableObjectAlarm(stub);
}

/** Runs the alarm now, on the object's clock as it is: only timers already due run. */
export async function runAlarmNow(tenantId: string): Promise<boolean> {
  const stub = tenantObjectOf(tenantId);
  await runInDurableObject(stub, (_instance: TenantObject, state) => state.storage.setAlarm(Date.now()));
  return runDurableObjectAlarm(stub);
}

/** Moves the object's clock to a scheduled post's due time (as if the time had come); the alarm is armed for now. */
export async function makeDue(tenantId: string, requestId: string): Promise<void> {
  await runInDurableObject(tenantObjectOf(tenantId), async (_instance: TenantObject, state) => {
    const sql = state.storage.sql;
    const row = sql
      .exec<{ due_at_ms: number }>("SELECT due_at_ms FROM scheduled_posts WHERE request_id = ?", requestId)
      .toArray()[0];
    // A post no longer scheduled (cancelled, or gone out) has no due time to reach.
    if (row) moveForward(sql, row.due_at_ms);
    await state.storage.setAlarm(Date.now());
  });
}

/** Waits until D1 has every post the tenant's object has answered for (its record outbox). */
export function recordsInD1(tenantId: string): Promise<void> {
  return tenantObjectOf(tenantId).settleRecords();
}

/**
 * The raw D1 binding of the tenant's shard, as the tenant's object holds it (its own
 * env): a spy on its batch sees every write the object makes for its tenant (each
 * through its scope, the residency fence first: see unfenced in ./databases), and
 * none of the global database's.
 */
export async function objectShardDb(tenantId: string): Promise<D1Database> {
  const shard = await tenantShard(tenantId);
  return runInDurableObject(
    tenantObjectOf(tenantId),
    (instance: TenantObject) => (instance as unknown as { env: Record<string, D1Database> }).env[shard] as D1Database,
  );
}
