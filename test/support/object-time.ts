// Moving a tenant's TenantObject's clock (objects/storage/object-clock.ts: development
// mode keeps an offset in the object's storage), so a test lets time pass for the
// object's windows and expiries without sleeping or rewriting stored times.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { objectClock, setObjectClock } from "../../objects/storage/object-clock";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { tenantObjectOf } from "./objects";

/** Moves the tenant's object clock forward by `ms`; the time it now reads. */
export async function advanceObjectClock(tenantId: string, ms: number): Promise<number> {
  return runInDurableObject(tenantObjectOf(tenantId), (_instance: TenantObject, state) => {
    const at = objectClock(state.storage.sql, env)() + ms;
    setObjectClock(state.storage.sql, env, at);
    return at;
  });
}

/** Sets the tenant's object clock to read `atMs` now (it runs on from there). */
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
