// The D1 bindings an environment of wrangler.toml declares: the global database (DB)
// and every regional shard (SHARD_<REGION>_<N>), each with its own migrations_dir
// (migrations/README.md). Local harnesses migrate every one of them, so a shard added to
// wrangler.toml is migrated without a code change. Read with wrangler's config reader.
import { type Unstable_Config, unstable_readConfig } from "wrangler";

export function d1Bindings(environment: string, path = "./wrangler.toml"): string[] {
  const config: Unstable_Config = unstable_readConfig({ config: path, env: environment }, {});
  return (config.d1_databases ?? []).map((db) => db.binding);
}
