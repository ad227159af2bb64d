// What `npm run deploy:check` requires of the production bundle it builds: no route of
// the benchmarks (they live in bench/worker/, the benchmarks' own entry). Every file
// wrangler wrote (code and source maps) is read; any "/bench/" fails.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** The files under `dir` that mention "/bench/", each with its first such line. */
export function benchMentions(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      found.push(...benchMentions(path));
      continue;
    }
    const line = readFileSync(path, "utf8")
      .split("\n")
      .find((text) => text.includes("/bench/"));
    if (line !== undefined) found.push(`${path}: ${line.trim().slice(0, 160)}`);
  }
  return found;
}
