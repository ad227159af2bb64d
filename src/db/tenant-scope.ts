// The tenant a request acts for, and the database that holds its rows.
//
// Every query on a tenant-owned table takes a TenantScope and binds its tenant id;
// none reads env.DB directly (DESIGN.md invariant 9): today one D1 holds every
// tenant, but tenant-owned tables will move to regional or sharded databases, and
// this is the one place that will learn where.

export interface TenantScope {
  readonly tenantId: string;
  /** The D1 database holding this tenant's rows. */
  readonly db: D1Database;
}

/** The database of a tenant's rows. One D1 for every tenant today. */
export function resolveTenantDatabase(env: Env, _tenantId: string): D1Database {
  return env.DB;
}

export function tenantScope(env: Env, tenantId: string): TenantScope {
  return Object.freeze({ tenantId, db: resolveTenantDatabase(env, tenantId) });
}
