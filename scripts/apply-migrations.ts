// Applies D1 migrations to every database of a configuration: the global set to DB and
// the tenant set to every shard (each binding's migrations_dir in wrangler.toml), so
// `npm start` and `npm run deploy` never leave a shard behind; then PRAGMA optimize on
// each, so the query planner has statistics for the indexes it now has.
// Usage: node scripts/apply-migrations.ts (--local | --remote) [--env <name>] [--persist-to <dir>]
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { unstable_readConfig } from "wrangler";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const where = args.includes("--remote") ? "--remote" : "--local";
const envIndex = args.indexOf("--env");
const environment = envIndex >= 0 ? (args[envIndex + 1] ?? "") : "";
const persistIndex = args.indexOf("--persist-to");
const persist = persistIndex >= 0 ? ["--persist-to", args[persistIndex + 1] ?? ""] : [];
const config = unstable_readConfig({ config: join(root, "wrangler.toml"), env: environment || undefined }, {});
const wrangler = join(root, "node_modules", ".bin", "wrangler");

const databases = config.d1_databases ?? [];
if (databases.length === 0) {
  console.error("wrangler.toml declares no D1 database");
  process.exit(1);
}
for (const db of databases) {
  console.log(`▸ ${db.binding} (${db.database_name}) ← ${db.migrations_dir}`);
  const result = spawnSync(
    wrangler,
    ["d1", "migrations", "apply", db.binding, where, "--env", environment, ...persist],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  if (result.status !== 0) {
    console.error(`Migrations of ${db.binding} failed; see above.`);
    process.exit(result.status ?? 1);
  }
  // Fresh planner statistics after indexes may have changed (src/core/db/optimize.ts; the
  // daily cron keeps them fresh afterwards).
  const optimize = spawnSync(
    wrangler,
    ["d1", "execute", db.binding, where, "--env", environment, ...persist, "--yes", "--command", "PRAGMA optimize"],
    { cwd: root, stdio: "inherit" },
  );
  if (optimize.status !== 0) {
    console.error(`PRAGMA optimize on ${db.binding} failed; see above.`);
    process.exit(optimize.status ?? 1);
  }
}
