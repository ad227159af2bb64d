// The production bundle carries no benchmark route (scripts/check-bundle.ts): `deploy:check` builds it
// with wrangler and refuses one that mentions "/bench/". Built here as deploy:check
// builds it, and beside it the benchmarks' entry, which the same check must refuse.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { benchMentions } from "../scripts/bundle-check.ts";

const dir = mkdtempSync(join(tmpdir(), "dify-bundle-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `wrangler deploy --dry-run` of the top level (production), optionally of another entry. */
function build(outdir: string, entry?: string): void {
  const wrangler = join("node_modules", ".bin", "wrangler");
  const args = ["deploy", ...(entry ? [entry] : []), "--dry-run", "--env=", "--outdir", outdir];
  const run = spawnSync(wrangler, args, { encoding: "utf8" });
  expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
}

function check(bundle: string): number | null {
  return spawnSync(process.execPath, ["scripts/check-bundle.ts", bundle], { encoding: "utf8" }).status;
}

describe("the production bundle", () => {
  it("has no /bench/ route, and deploy:check's bundle check passes it", () => {
    const production = join(dir, "production");
    build(production);
    expect(benchMentions(production)).toEqual([]);
    expect(check(production)).toBe(0);
  });

  it("the check refuses the benchmarks' entry, which has them", () => {
    const bench = join(dir, "bench");
    build(bench, "bench/worker/index.ts");
    expect(benchMentions(bench).length).toBeGreaterThan(0);
    expect(check(bench)).toBe(1);
  });
});
