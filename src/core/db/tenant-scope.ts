// The tenant a piece of work acts for, and the database that holds its rows.
//
// Every query on a tenant-owned table takes a TenantScope and binds its tenant id;
// none reads env.DB directly (ARCHITECTURE.md, Placement): env.DB is the global directory
// and skill registry, and a tenant's rows live in the regional shard the directory
// names for it (src/core/placement). A scope's database fences every write batch by the
// tenant's residency in that shard (resident-database.ts).
import { type Placement, placementOf } from "../placement/directory";
import { shardNamed } from "../placement/shards";
import { residentDatabase } from "./resident-database";

export interface TenantScope {
  readonly tenantId: string;
  /** The binding name of the shard holding this tenant's rows. */
  readonly shard: string;
  /** The shard's D1, its write batches fenced by the tenant's residency. */
  readonly db: D1Database;
}

/** The directory does not place this tenant: it does not exist (or is still being created). */
export class TenantNotPlacedError extends Error {
  constructor(readonly tenantId: string) {
    super(`tenant ${tenantId} has no placement in the directory`);
    this.name = "TenantNotPlacedError";
  }
}

/** The scope of a tenant whose placement is known. */
export function scopeOn(env: Env, placement: Pick<Placement, "tenantId" | "shard">): TenantScope {
  const shard = shardNamed(env, placement.shard);
  return Object.freeze({
    tenantId: placement.tenantId,
    shard: shard.name,
    db: residentDatabase(shard.db, placement.tenantId, shard.name),
  });
}

/** The scope of `tenantId`, from the directory. */
export async function tenantScope(env: Env, tenantId: string): Promise<TenantScope> {
  const placement = await placementOf(env, tenantId);
  if (!placement) throw new TenantNotPlacedError(tenantId);
  return scopeOn(env, placement);
}

/** The D1 database of a tenant's rows (ARCHITECTURE.md, Placement). */
export async function resolveTenantDatabase(env: Env, tenantId: string): Promise<D1Database> {
  return (await tenantScope(env, tenantId)).db;
}
