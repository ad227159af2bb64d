// The databases a test reads rows from, as the product places them: the global
// database (env.DB) for the directory and the skill registry, the tenant's shard for
// everything the tenant owns.
import { env } from "cloudflare:workers";
import { residencyFence } from "../../src/core/db/resident-database";
import { placementOf } from "../../src/core/placement/directory";
import { allShards, shardNamed } from "../../src/core/placement/shards";

/** The raw D1 shard holding `tenantId`'s rows (no write fence: tests may plant rows). */
export async function tenantDb(tenantId: string): Promise<D1Database> {
  return shardNamed(env, await tenantShard(tenantId)).db;
}

/** The binding name of the shard the directory places `tenantId` in. */
export async function tenantShard(tenantId: string): Promise<string> {
  const placement = await placementOf(env, tenantId);
  if (!placement) throw new Error(`tenant ${tenantId} has no placement`);
  return placement.shard;
}

/** Every shard's database. */
export function shardDbs(): D1Database[] {
  return allShards(env).map((shard) => shard.db);
}

/** Every database of the deployment, named by its binding: the global one first, then each shard. */
export function everyDatabase(): { name: string; db: D1Database }[] {
  return [{ name: "DB", db: env.DB }, ...allShards(env).map((shard) => ({ name: shard.name, db: shard.db }))];
}

/** Statement text, as the runtime's D1 statements carry it (tests only: not a documented property). */
function sqlOf(statement: D1PreparedStatement): string | undefined {
  return (statement as unknown as { statement?: string }).statement;
}

const FENCE_SQL = sqlOf(residencyFence(env.DB, "tenant"));

/**
 * The statements a tenant scope was asked to run, from a batch as its shard's raw
 * binding receives it: the scope puts its residency fence first (resident-database.ts).
 */
export function unfenced(statements: D1PreparedStatement[]): D1PreparedStatement[] {
  const [first, ...rest] = statements;
  return first && FENCE_SQL !== undefined && sqlOf(first) === FENCE_SQL ? rest : statements;
}
