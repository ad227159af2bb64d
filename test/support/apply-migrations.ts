// Runs before every test file: D1 gets the project's migrations, exactly as
// `wrangler d1 migrations apply` records them (in d1_migrations).
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
