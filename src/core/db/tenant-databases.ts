// Every database that holds tenant rows, for the jobs that read across tenants (the
// daily skill metrics, promotion evidence): every regional shard bound to the Worker.
// A tenant is resident in exactly one shard; while it moves, its rows exist in two
// (copied into the new shard, not yet removed from the old), so a reader across
// shards counts only the rows of tenants resident where it reads them
// (RESIDENT_ONLY), and per-shard distinct tenant counts add up.
import { allShards } from "../placement/shards";

export function tenantDatabases(env: Env): D1Database[] {
  return allShards(env).map((shard) => shard.db);
}

/** A condition on a tenant-owned row aliased `alias`: its tenant lives in this shard. */
export function residentOnly(alias: string): string {
  return `EXISTS (SELECT 1 FROM tenant_residency r WHERE r.tenant_id = ${alias}.tenant_id AND r.state = 'resident')`;
}
