// How the router reaches a tenant's Durable Object: in the tenant's jurisdiction (EU
// tenants' objects are created in `eu`) or near its region (a location hint), from the
// directory's placement (ARCHITECTURE.md, Placement).
import { getServerByName, type Server } from "partyserver";
import type { TenantObjectBinding, TenantObjectStub } from "../objects/tenant-object/contract";
import { TenantNotPlacedError } from "./db/tenant-scope";
import { type Placement, placementOf } from "./placement/directory";
import { REGION_PLACEMENT } from "./placement/regions";

/**
 * Tenants whose object this isolate has already reached through getServerByName.
 * Not request state: only the fact that an object has been initialised, true for
 * every request after the first.
 */
const initialised = new Set<string>();

export interface ObjectPlacement {
  jurisdiction?: DurableObjectJurisdiction;
  locationHint: DurableObjectLocationHint;
}

/**
 * Where a region's TenantObjects are created. workerd (wrangler dev, tests) refuses
 * jurisdictions outright, so development mode sets DO_JURISDICTIONS = "not-in-workerd"
 * and gets the location hint alone; production never sets it (deploy:check refuses
 * one that does), so an EU tenant's object is always asked for in `eu`.
 */
export function objectPlacement(env: Env, region: Placement["region"]): ObjectPlacement {
  const { jurisdiction, locationHint } = REGION_PLACEMENT[region];
  if (!jurisdiction || env.DO_JURISDICTIONS === "not-in-workerd") return { locationHint };
  return { jurisdiction, locationHint };
}

/** The TenantObject namespace of a region: the jurisdiction's own when it has one. */
export function tenantNamespace(env: Env, region: Placement["region"]): DurableObjectNamespace<TenantObjectBinding> {
  const { jurisdiction } = objectPlacement(env, region);
  return jurisdiction ? env.TenantObject.jurisdiction(jurisdiction) : env.TenantObject;
}

/**
 * partyserver's getServerByName takes a namespace of its Server class; the stubs it
 * gives back are handed on typed by the contract alone, so a route can call nothing
 * the contract does not list.
 */
function asServers(namespace: DurableObjectNamespace<TenantObjectBinding>) {
  return namespace as DurableObjectNamespace<TenantObjectBinding & Server<Env>>;
}

/**
 * The TenantObject of a placed tenant. The first contact from an isolate goes through
 * partyserver's getServerByName, which runs onStart and records the object's name
 * for alarms; after that a plain get reaches the same object without the extra
 * round trip (the object applies its schema in its constructor, on every entry point).
 */
export async function tenantObjectAt(
  env: Env,
  placement: Pick<Placement, "tenantId" | "region">,
): Promise<TenantObjectStub> {
  const { tenantId, region } = placement;
  const where = objectPlacement(env, region);
  const namespace = tenantNamespace(env, region);
  const fresh = () => namespace.get(namespace.idFromName(tenantId), { locationHint: where.locationHint });
  if (initialised.has(tenantId)) return renewing(fresh(), fresh);
  // The namespace is already the jurisdiction's: getServerByName must not apply it again.
  const stub = await getServerByName(asServers(namespace), tenantId, { locationHint: where.locationHint });
  initialised.add(tenantId);
  return renewing(stub, fresh);
}

/** The TenantObject of `tenantId`, placed by the directory. */
export async function tenantObject(env: Env, tenantId: string): Promise<TenantObjectStub> {
  const placement = await placementOf(env, tenantId);
  if (!placement) throw new TenantNotPlacedError(tenantId);
  return tenantObjectAt(env, placement);
}

/**
 * A stub that puts a new stub in its place after any failed call. Many errors leave
 * a Durable Object stub broken, every later call failing at once with the same error,
 * and Cloudflare's "Durable Objects error handling" says to make a new stub for the
 * next request: so a call that retryOnReset makes again reaches the object again.
 */
function renewing(first: TenantObjectStub, fresh: () => TenantObjectStub): TenantObjectStub {
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

/** The object /v1/health talks to: no tenant's, so no placement. */
export function probeObject(env: Env): Promise<TenantObjectStub> {
  return getServerByName(asServers(env.TenantObject), HEALTH_PROBE_OBJECT);
}

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
