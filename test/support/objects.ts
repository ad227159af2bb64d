// Driving a TenantObject's alarm in tests: make every named timer due, then run the
// alarm, as if its time had come. Timers are named by the object's own map
// (objects/tenant-object/timers.ts), so a name it does not have fails to compile.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
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

/** Makes the named timers (all when none are named) due now, and runs the alarm. */
export async function runTimersNow(tenantId: string, names?: TenantTimer[]): Promise<boolean> {
  const stub = tenantObjectOf(tenantId);
  await runInDurableObject(stub, async (_instance: TenantObject, state) => {
    if (names) for (const name of names) state.storage.sql.exec("UPDATE timers SET due_at_ms = 0 WHERE name = ?", name);
    else state.storage.sql.exec("UPDATE timers SET due_at_ms = 0");
    await state.storage.setAlarm(Date.now());
  });
  return runDurableObjectAlarm(stub);
}

/** Moves a scheduled post's due time to now (as if the time had come). */
export async function makeDue(tenantId: string, requestId: string): Promise<void> {
  await runInDurableObject(tenantObjectOf(tenantId), async (_instance: TenantObject, state) => {
    state.storage.sql.exec("UPDATE scheduled_posts SET due_at_ms = ? WHERE request_id = ?", Date.now() - 1, requestId);
    const timer: TenantTimer = "publish-due";
    state.storage.sql.exec("UPDATE timers SET due_at_ms = 0 WHERE name = ?", timer);
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
