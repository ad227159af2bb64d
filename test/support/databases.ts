// The databases a test reads rows from, as the product places them: the global
// database (env.DB) for the directory and the skill registry, the tenant's shard for
// everything the tenant owns.
import { env } from "cloudflare:workers";
import { placementOf } from "../../src/placement/directory";
import { allShards, shardNamed } from "../../src/placement/shards";

/** The raw D1 shard holding `tenantId`'s rows (no write fence: tests may plant rows). */
export async function tenantDb(tenantId: string): Promise<D1Database> {
  const placement = await placementOf(env, tenantId);
  if (!placement) throw new Error(`tenant ${tenantId} has no placement`);
  return shardNamed(env, placement.shard).db;
}

/** Every shard's database. */
export function shardDbs(): D1Database[] {
  return allShards(env).map((shard) => shard.db);
}
