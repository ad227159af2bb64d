// Deleting a tenant (the owner's DELETE /v1/tenant, or the operator's erase of a tenant
// not yet deleted): the directory marks it deleted, then it is stopped everywhere
// (ARCHITECTURE.md, Stopped tenants). Two databases, in this order: the directory first,
// so every credential of the tenant is refused from now on (its object checks the
// tenant's status), then its keys revoked in its shard. Should the second fail, the
// keys are refused anyway; the daily job's repair revokes them (src/core/placement/repair.ts).
import { revokeAllApiKeys } from "../../core/db/api-keys";
import { findErasure, toErasure } from "../../core/db/tenant-erasures";
import { tenantScope } from "../../core/db/tenant-scope";
import { findTenant, toTenant, updateTenant } from "../../core/db/tenants";
import { retryOnReset, tenantObject } from "../objects";
import { ProblemError } from "./problem";

/** The directory's change: the tenant deleted at `now` (the grace, when any, is the caller's statement). */
export function markDeleted(db: D1Database, tenantId: string, now: string): D1PreparedStatement {
  return updateTenant(db, tenantId, { status: "deleted" }, now);
}

/**
 * After the directory says deleted: its keys revoked, every credential forgotten and
 * every live dashboard closed at once; its scheduled posts are held as they come due,
 * and its object's upkeep stops.
 */
export async function stopEverywhere(env: Env, tenantId: string): Promise<void> {
  const scope = await tenantScope(env, tenantId);
  await scope.db
    .batch([revokeAllApiKeys(scope)])
    .catch((error) => console.error(`tenant ${tenantId}: keys left for the daily repair`, error));
  const object = await tenantObject(env, tenantId);
  await retryOnReset(object, "forgetCredentials", { all: true, endsAccess: true });
  await retryOnReset(object, "tenantStatusChanged", "deleted");
}

/** The deleted tenant as DELETE /v1/tenant answers it: with the end of its grace. */
export async function deletedTenantView(db: D1Database, tenantId: string) {
  const [tenant, erasure] = await Promise.all([findTenant(db, tenantId), findErasure(db, tenantId)]);
  if (!tenant || !erasure) throw new ProblemError("notFound", "Tenant not found");
  return { ...toTenant(tenant), erase_after: toErasure(erasure).erase_after };
}
