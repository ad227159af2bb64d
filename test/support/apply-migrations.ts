// Runs before every test file: the global database gets migrations/global and every
// shard migrations/tenant, exactly as `wrangler d1 migrations apply` records them
// (in d1_migrations).
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { allShards } from "../../src/placement/shards";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS_GLOBAL);
for (const shard of allShards(env)) await applyD1Migrations(shard.db, env.TEST_MIGRATIONS_TENANT);
