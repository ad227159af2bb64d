// Runs before every test file: the global database gets migrations/global and every
// shard migrations/tenant, exactly as `wrangler d1 migrations apply` records them
// (in d1_migrations), then PRAGMA optimize, as scripts/apply-migrations.ts does.
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { OPTIMIZE } from "../../src/core/db/optimize";
import { allShards } from "../../src/core/placement/shards";

// Files that share a worker (vitest.config.ts) share its databases too: migrated once.
const MIGRATED = Symbol.for("test-databases.migrated");
const state = globalThis as { [MIGRATED]?: true };

if (!state[MIGRATED]) {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS_GLOBAL);
  for (const shard of allShards(env)) await applyD1Migrations(shard.db, env.TEST_MIGRATIONS_TENANT);
  for (const db of [env.DB, ...allShards(env).map((shard) => shard.db)]) await db.prepare(OPTIMIZE).run();
  state[MIGRATED] = true;
}
