// `npm run deploy:check` runs this on the bundle it built: it refuses one that carries
// the benchmarks' routes. Usage: node scripts/check-bundle.ts [dist]
import { benchMentions } from "./bundle-check.ts";

const dir = process.argv[2] ?? "dist";
const found = benchMentions(dir);
if (found.length > 0) {
  console.error(`✗ ${dir} carries the benchmarks' routes (bench/worker/ is development only):`);
  for (const line of found) console.error(`  - ${line}`);
  process.exit(1);
}
console.log(`✔ ${dir}: no /bench/ route in the production bundle`);
