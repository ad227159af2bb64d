// Every database that holds tenant rows, for the jobs that read across tenants (the
// daily skill metrics). One D1 today; when tenant tables move to regional or sharded
// databases (DESIGN.md invariant 9), this lists them, next to resolveTenantDatabase.
// A tenant lives in exactly one of them, so per-database distinct tenant counts add up.

export function tenantDatabases(env: Env): D1Database[] {
  return [env.DB];
}
