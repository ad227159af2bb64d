// Creating a tenant spans two databases, the global directory and the tenant's new
// shard, and one D1 batch is one database. The order:
//
//   1. global: the tenants row (region, the chosen shard) and the owner key's prefix
//      in the key directory;
//   2. shard: the tenant's residency, its owner, the owner's first key and the audit
//      row, in one batch.
//
// Until 2 commits nothing can authenticate (no user, no key row), so a half-made
// tenant is invisible. If 2 fails, 1 is undone at once (the compensation); if that
// fails too, the daily job's repair (src/core/placement/repair.ts) deletes directory rows
// whose shard never took their tenant.
import { registerKeyPrefix } from "../auth/key-directory";
import type { AuditActor, AuditEvent } from "../db/audit-logs";
import { auditStatement } from "../db/audit-logs";
import type { TenantScope } from "../db/tenant-scope";
import { scopeOn } from "../db/tenant-scope";
import { insertTenant, type NewTenant } from "../db/tenants";
import { chooseShard } from "./choose-shard";
import { type Placement, rememberPlacement } from "./directory";
import { shardNamed } from "./shards";

/** The shard refused a new tenant's first rows: nothing of the tenant was kept. */
export class TenantNotCreatedError extends Error {
  constructor(
    readonly tenantId: string,
    readonly shard: string,
    override readonly cause: unknown,
  ) {
    super(`the shard ${shard} refused the first rows of ${tenantId}: ${String(cause)}`);
    this.name = "TenantNotCreatedError";
  }
}

/** A new tenant's first rows, made for its scope once its shard is chosen. */
export interface FirstRows {
  /** The owner and the owner's first key, in the tenant's shard. */
  statements: D1PreparedStatement[];
  /** The owner key's prefix, for the key directory. */
  keyPrefix: string;
  audit: { actor: AuditActor; event: AuditEvent };
}

export async function provisionTenant(
  env: Env,
  tenant: Omit<NewTenant, "shard">,
  firstRows: (scope: TenantScope) => Promise<FirstRows>,
): Promise<Placement> {
  const shard = shardNamed(env, await chooseShard(env, tenant.region));
  const placement: Placement = { tenantId: tenant.tenantId, region: tenant.region, shard: shard.name };
  const scope = scopeOn(env, placement);
  const made = await firstRows(scope);
  await env.DB.batch([
    insertTenant(env.DB, { ...tenant, shard: shard.name }),
    registerKeyPrefix(env.DB, made.keyPrefix, tenant.tenantId, tenant.now),
  ]);
  try {
    // The raw binding: the fence would refuse every write before the residency row exists.
    await shard.db.batch([
      shard.db
        .prepare("INSERT INTO tenant_residency (tenant_id, kms_key_id, state, changed_at) VALUES (?, ?, 'resident', ?)")
        .bind(tenant.tenantId, tenant.kmsKeyId, tenant.now),
      ...made.statements,
      auditStatement(scope.db, made.audit.actor, made.audit.event, tenant.now),
    ]);
  } catch (error) {
    await undoDirectoryRows(env, tenant.tenantId).catch((undo) =>
      console.error(`tenant ${tenant.tenantId}: directory rows left for the daily repair`, undo),
    );
    throw new TenantNotCreatedError(tenant.tenantId, shard.name, error);
  }
  return rememberPlacement(placement);
}

/** Removes a tenant's directory rows (its key prefixes first: they reference it). */
export function undoDirectoryRows(env: Env, tenantId: string): Promise<D1Result[]> {
  return env.DB.batch([
    env.DB.prepare("DELETE FROM key_prefixes WHERE tenant_id = ?").bind(tenantId),
    env.DB.prepare("DELETE FROM tenants WHERE tenant_id = ?").bind(tenantId),
  ]);
}
