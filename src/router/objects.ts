// How the router reaches a tenant's Durable Object: in the tenant's jurisdiction (EU
// tenants' objects are created in `eu`) or near its region (a location hint), from the
// directory's placement (ARCHITECTURE.md, Placement). The handle it gives is typed by
// the object's contract alone, and repeats a call cut short by a reset of the object
// only when the contract classifies the call safe to repeat (ARCHITECTURE.md, One
// contract; REPEAT in objects/tenant-object/contract.ts).
import {
  REPEAT,
  type RepeatableMethod,
  type RepeatRule,
  type TenantObjectBinding,
  type TenantObjectContract,
  type TenantObjectMethod,
} from "../../objects/tenant-object/contract";
import { TenantNotPlacedError } from "../core/db/tenant-scope";
import { type Placement, placementOf } from "../core/placement/directory";
import { REGION_PLACEMENT } from "../core/placement/regions";

/**
 * The router's handle on a tenant's object: the contract's methods with the contract's
 * own types. The runtime's stub type (DurableObjectStub) maps each return type through
 * Rpc.Result, which types a field such as `body: unknown` (a problem's extensions) as no value at all
 * and made callers cast every answer back; the values that arrive are the structured
 * clones of what the object returned, which the contract's types describe. So the stub
 * is mapped to the contract once, here (renewing), and nowhere else.
 */
export type TenantObjectClient = TenantObjectContract;

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
 * The TenantObject of a placed tenant, by name (idFromName: the object reads its name
 * from its id, ctx.id.name). No partyserver getServerByName first: it would call
 * setName over RPC, which the object refuses as it refuses every partyserver member
 * (objects/tenant-object/rpc-surface.ts), and it had nothing left to do: the object
 * applies its schema in its constructor, on every entry point (ARCHITECTURE.md,
 * Initialise on every entry point), overrides no onStart, and partyserver still runs
 * its own start on the entry points it serves (fetch, alarm, sockets).
 */
export async function tenantObjectAt(
  env: Env,
  placement: Pick<Placement, "tenantId" | "region">,
): Promise<TenantObjectClient> {
  const { tenantId, region } = placement;
  const where = objectPlacement(env, region);
  const namespace = tenantNamespace(env, region);
  const fresh = () => namespace.get(namespace.idFromName(tenantId), { locationHint: where.locationHint });
  return renewing(fresh);
}

/** The TenantObject of `tenantId`, placed by the directory. */
export async function tenantObject(env: Env, tenantId: string): Promise<TenantObjectClient> {
  const placement = await placementOf(env, tenantId);
  if (!placement) throw new TenantNotPlacedError(tenantId);
  return tenantObjectAt(env, placement);
}

/**
 * A handle that puts a new stub in its place after any failed call. Many errors leave
 * a Durable Object stub broken, every later call failing at once with the same error,
 * and Cloudflare's "Durable Objects error handling" says to make a new stub for the
 * next request: so a call that retryOnReset makes again reaches the object again.
 */
function renewing(fresh: () => DurableObjectStub<TenantObjectBinding>): TenantObjectClient {
  let current = fresh();
  const handle = new Proxy(current, {
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
  // The one mapping from the runtime's stub type to the contract (see TenantObjectClient).
  return handle as unknown as TenantObjectClient;
}

/**
 * The name of the object /v1/health talks to. Tenant ids are "ten_" + ULID, so this
 * can never be a tenant's object.
 */
export const HEALTH_PROBE_OBJECT = "health-probe";

/** The object /v1/health talks to: no tenant's, so no placement. */
export function probeObject(env: Env): TenantObjectClient {
  const namespace = env.TenantObject;
  return renewing(() => namespace.get(namespace.idFromName(HEALTH_PROBE_OBJECT)));
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

/** How many calls retryOnReset makes at most: the first and three repeats. */
const MAX_CALLS = 4;

/**
 * Calls `method` on the tenant's object and, when the runtime says a reset cut the
 * call short (mayRetry), makes it again, as the contract's REPEAT table allows: a
 * "safe" method with the same arguments, a `repeatAs` one with the arguments it gives,
 * a `safeWhen` one only for arguments it accepts (for others the first failure is the
 * answer). The type admits no method classified "unsafe", and one passed in anyway
 * (a cast) is refused before any call is made. A handle from tenantObject replaces
 * its stub after a failure, so a repeat reaches the object again.
 */
export async function retryOnReset<M extends RepeatableMethod>(
  object: TenantObjectClient,
  method: M,
  ...args: Parameters<TenantObjectContract[M]>
): Promise<Awaited<ReturnType<TenantObjectContract[M]>>> {
  const rule = Object.hasOwn(REPEAT, method) ? (REPEAT[method as TenantObjectMethod] as RepeatRule<M>) : undefined;
  if (rule === undefined || rule === "unsafe") {
    throw new TypeError(`${String(method)} is not safe to repeat (REPEAT in objects/tenant-object/contract.ts)`);
  }
  const repeatable = typeof rule === "string" || "repeatAs" in rule || rule.safeWhen(...args);
  for (let attempt = 1; ; attempt++) {
    const callArgs = attempt > 1 && typeof rule !== "string" && "repeatAs" in rule ? rule.repeatAs(...args) : args;
    // Looked up on every attempt: the handle hands out the method of its current stub.
    // (Generic over M, TypeScript cannot tie object[method] to M's arguments.)
    const call = object[method] as (...a: Parameters<TenantObjectContract[M]>) => ReturnType<TenantObjectContract[M]>;
    try {
      return await call.apply(object, callArgs);
    } catch (error) {
      if (!repeatable || !mayRetry(error) || attempt >= MAX_CALLS) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
  }
}
