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
  const fresh = () => env.TenantObject.getByName(tenantId);
  if (initialised.has(tenantId)) return renewing(fresh(), fresh);
  const stub = await getServerByName<Env, TenantObject>(env.TenantObject, tenantId);
  initialised.add(tenantId);
  return renewing(stub, fresh);
}

/**
 * A stub that puts a new stub in its place after any failed call. Many errors leave
 * a Durable Object stub broken, every later call failing at once with the same error,
 * and Cloudflare's "Durable Objects error handling" says to make a new stub for the
 * next request: so a call that retryOnReset makes again reaches the object again.
 */
function renewing(
  first: DurableObjectStub<TenantObject>,
  fresh: () => DurableObjectStub<TenantObject>,
): DurableObjectStub<TenantObject> {
  let current = first;
  return new Proxy(first, {
    get(_target, property) {
      const stub = current;
      const member: unknown = Reflect.get(stub, property);
      if (typeof member !== "function") return member;
      return (...args: unknown[]) =>
        Promise.resolve(Reflect.apply(member, stub, args)).catch((error: unknown) => {
          if (current === stub) current = fresh();
          throw error;
        });
    },
  });
}

/**
 * The name of the object /v1/health talks to. Tenant ids are "ten_" + ULID, so this
 * can never be a tenant's object.
 */
export const HEALTH_PROBE_OBJECT = "health-probe";

/**
 * Whether a failed call to a Durable Object may be made again, decided by the
 * properties the runtime documents on the errors it throws (Cloudflare, "Durable
 * Objects error handling"): `retryable` says the call may be repeated (the object was
 * reset, or the connection to it lost); `overloaded` says never, since a retry adds to
 * the load. Error messages are not read: their wording is no contract.
 */
export function mayRetry(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { retryable, overloaded } = error as { retryable?: unknown; overloaded?: unknown };
  return retryable === true && overloaded !== true;
}

/** Exponential backoff with full jitter before retry `attempt` (1-based), as the docs recommend. */
function backoffMs(attempt: number): number {
  return Math.random() * 25 * 2 ** attempt;
}

/**
 * Runs a call on a Durable Object stub again when the runtime says it may be retried
 * (mayRetry): the calls made this way are safe to repeat. A stub from tenantObject
 * replaces itself after a failure, so the call reaches the object again.
 */
export async function retryOnReset<T>(call: (attempt: number) => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (!mayRetry(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
  }
}
