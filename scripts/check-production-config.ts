// `npm run deploy:check` and `npm run deploy` run this first: it refuses a
// wrangler.toml whose production configuration (the top level, what a plain
// `wrangler deploy` reads) enables the sandbox platforms or other development-only
// switches, or whose dev environment drifted from production's bindings.
// Usage: node scripts/check-production-config.ts [path/to/wrangler.toml]
import { checkConfigFile } from "./production-config.ts";

const path = process.argv[2] ?? "wrangler.toml";
const problems = checkConfigFile(path);
if (problems.length > 0) {
  console.error(`✗ ${path} is not safe to deploy:`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(`✔ ${path}: production has no sandbox, no development switches; dev mirrors its bindings`);
