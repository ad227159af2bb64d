// How the router reaches a tenant's Durable Object.
import { getServerByName } from "partyserver";
import type { TenantObject } from "../objects/tenant-object";

/** The TenantObject of `tenantId`, initialised (partyserver's onStart has run). */
export function tenantObject(env: Env, tenantId: string): Promise<DurableObjectStub<TenantObject>> {
  return getServerByName<Env, TenantObject>(env.TenantObject, tenantId);
}

/**
 * The name of the object /v1/health talks to. Tenant ids are "ten_" + ULID, so this
 * can never be a tenant's object.
 */
export const HEALTH_PROBE_OBJECT = "health-probe";
