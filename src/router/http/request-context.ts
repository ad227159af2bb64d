// Typed access to what the guards put in the context. A route that reads these
// without a guard is a bug, and fails loudly.
import type { Context } from "hono";
import type { UserPrincipal } from "../../core/auth/principal";
import type { TenantScope } from "../../core/db/tenant-scope";
import { retryOnReset, type TenantObjectClient, tenantObject } from "../objects";
import type { AppEnv } from "./app-env";

export function caller(c: Context<AppEnv>): { user: UserPrincipal; scope: TenantScope } {
  const user = c.var.user;
  const scope = c.var.scope;
  if (!user || !scope) throw new Error("route reached without authenticateUser()");
  return { user, scope };
}

/** The caller's TenantObject, reached once per request. */
export async function callerObject(c: Context<AppEnv>): Promise<TenantObjectClient> {
  const existing = c.var.tenantObject;
  if (existing) return existing;
  const stub = await tenantObject(c.env, caller(c).user.tenantId);
  c.set("tenantObject", stub);
  return stub;
}

/**
 * Returns once D1 has every post the caller's TenantObject has answered for: a
 * publish is answered when the object has it, and its D1 rows follow in batches
 * (objects/publishing/record-outbox.ts). Routes that read posts from D1 call this
 * first, so a client always reads its own writes.
 */
export async function settlePosts(c: Context<AppEnv>): Promise<void> {
  const object = await callerObject(c);
  await retryOnReset(object, "settleRecords");
}
