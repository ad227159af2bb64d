// Time on a tenant's TenantObject clock (objects/storage/object-clock.ts: development
// mode keeps an offset in the object's storage), for the identity tests: time passes
// for the object's windows and expiries without sleeping or rewriting stored times.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { setObjectClock } from "../../objects/storage/object-clock";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { advanceObjectClock, objectNow, tenantObjectOf } from "./objects";

/** Lets `ms` pass on the tenant's object clock. */
export async function passObjectTime(tenantId: string, ms: number): Promise<void> {
  await advanceObjectClock(tenantId, (await objectNow(tenantId)) + ms);
}

/**
 * Sets the tenant's object clock to read `atMs` now, earlier than it reads included
 * (the sign-in throttle's tests put it back at a failure: test/support/sign-in-time.ts).
 */
export async function setObjectClockTo(tenantId: string, atMs: number): Promise<void> {
  await runInDurableObject(tenantObjectOf(tenantId), (_instance: TenantObject, state) => {
    setObjectClock(state.storage.sql, env, atMs);
  });
}

/** Runs a read-only query on the tenant's object's own SQLite. */
export async function objectRows<T extends Record<string, SqlStorageValue>>(
  tenantId: string,
  query: string,
  ...bindings: SqlStorageValue[]
): Promise<T[]> {
  return runInDurableObject(tenantObjectOf(tenantId), (_instance: TenantObject, state) =>
    state.storage.sql.exec<T>(query, ...bindings).toArray(),
  );
}
