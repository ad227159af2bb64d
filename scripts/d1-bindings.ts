// The D1 bindings of wrangler.toml's development environment (the global database and
// every shard), for the harnesses that start the Worker and migrate its databases.
import { unstable_readConfig } from "wrangler";

export function d1Bindings(configPath = "./wrangler.toml", env = "dev"): string[] {
  return (unstable_readConfig({ config: configPath, env }, {}).d1_databases ?? []).map(
    (db: { binding: string }) => db.binding,
  );
}
