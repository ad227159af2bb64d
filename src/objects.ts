// How the router reaches a tenant's Durable Object.
import { getServerByName } from "partyserver";
import type { TenantObject } from "../objects/tenant-object";

/**
 * Tenants whose object this isolate has already reached through getServerByName.
 * Not request state: only the fact that an object has been initialised, true for
 * every request after the first.
 */
const initialised = new Set<string>();

/**
 * The TenantObject of `tenantId`. The first contact from an isolate goes through
 * partyserver's getServerByName, which runs onStart and records the object's name
 * for alarms; after that a plain getByName reaches the same object without the extra
 * round trip (the object applies its schema in its constructor, on every entry point).
 */
export async function tenantObject(env: Env, tenantId: string): Promise<DurableObjectStub<TenantObject>> {
  if (initialised.has(tenantId)) return env.TenantObject.getByName(tenantId);
  const stub = await getServerByName<Env, TenantObject>(env.TenantObject, tenantId);
  initialised.add(tenantId);
  return stub;
}

/**
 * The name of the object /v1/health talks to. Tenant ids are "ten_" + ULID, so this
 * can never be a tenant's object.
 */
export const HEALTH_PROBE_OBJECT = "health-probe";

/**
 * Runs a call on a Durable Object stub again when the object was reset under it
 * (evicted, redeployed): the calls made this way are safe to repeat.
 */
export async function retryOnReset<T>(call: (attempt: number) => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      const retryable =
        (error as { retryable?: boolean } | null)?.retryable === true ||
        /reset|evict|Network connection lost|Durable Object (is overloaded|storage operation exceeded)|object was deleted/i.test(
          String((error as Error | null)?.message ?? error),
        );
      if (!retryable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}
