// `npm run deploy:check` refuses a production configuration that enables the sandbox
// (ARCHITECTURE.md, Fail closed): scripts/check-production-config.ts against the project's own
// wrangler.toml and against variants of it, read by wrangler's config reader.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkConfigFile } from "../scripts/production-config.ts";

const ORIGINAL = readFileSync("wrangler.toml", "utf8");
const dir = mkdtempSync(join(tmpdir(), "dify-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let written = 0;
/** The project's wrangler.toml with `edit` applied, written to a temporary file. */
function variant(edit: (toml: string) => string): string {
  const edited = edit(ORIGINAL);
  expect(edited).not.toBe(ORIGINAL);
  written += 1;
  const path = join(dir, `wrangler-${written}.toml`);
  writeFileSync(path, edited);
  return path;
}

/** The top level of the file: everything before the first [env.*] table. */
function topLevel(toml: string, edit: (top: string) => string): string {
  const at = toml.indexOf("\n[env.");
  return edit(toml.slice(0, at)) + toml.slice(at);
}

function runCheck(path: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ["scripts/check-production-config.ts", path], { encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("deploy:check's configuration check", () => {
  it("passes the project's wrangler.toml", () => {
    expect(checkConfigFile("wrangler.toml")).toEqual([]);
    expect(runCheck("wrangler.toml").status).toBe(0);
  });

  it("refuses a production configuration that switches the sandbox on (and exits non-zero)", () => {
    const path = variant((toml) =>
      topLevel(toml, (top) => top.replace('PLATFORM_MODE = "live"', 'PLATFORM_MODE = "sandbox"')),
    );
    expect(checkConfigFile(path)).toEqual([expect.stringContaining("PLATFORM_MODE")]);
    const run = runCheck(path);
    expect(run.status).toBe(1);
    expect(run.output).toContain("not safe to deploy");
  });

  it("refuses a production configuration that binds the sandbox platforms", () => {
    const path = variant((toml) =>
      topLevel(
        toml,
        (top) => `${top}\n[[durable_objects.bindings]]\nname = "SandboxPlatform"\nclass_name = "SandboxPlatform"\n`,
      ),
    );
    expect(checkConfigFile(path)).toEqual([expect.stringContaining("SandboxPlatform")]);
    expect(runCheck(path).status).toBe(1);
  });

  it("refuses production whose entry is the benchmarks' (with its /bench routes)", () => {
    const path = variant((toml) => toml.replace('main = "worker/index.ts"', 'main = "bench/worker/index.ts"'));
    expect(checkConfigFile(path)).toEqual([expect.stringContaining("bench/worker/index.ts")]);
  });

  it("refuses a dev environment whose data bindings drifted from production's", () => {
    const path = variant((toml) =>
      toml.replace(
        '[[env.dev.durable_objects.bindings]]\nname = "VectorIndexObject"\nclass_name = "VectorIndexObject"\n',
        "",
      ),
    );
    expect(checkConfigFile(path)).toEqual([expect.stringContaining("Durable Object bindings differ")]);
  });

  it("refuses a file without the dev environment", () => {
    const path = variant((toml) => toml.slice(0, toml.indexOf("\n[env.")));
    expect(checkConfigFile(path)).toEqual([expect.stringContaining("no [env.dev]")]);
  });

  it("refuses production that gives up the EU jurisdiction of Durable Objects", () => {
    const path = variant((toml) =>
      topLevel(toml, (top) =>
        top.replace('PLATFORM_MODE = "live"', 'PLATFORM_MODE = "live"\nDO_JURISDICTIONS = "not-in-workerd"'),
      ),
    );
    expect(checkConfigFile(path)).toEqual([expect.stringContaining("DO_JURISDICTIONS")]);
  });

  it("refuses production that hashes passwords with fewer iterations (the test suite's PASSWORD_ITERATIONS)", () => {
    const path = variant((toml) =>
      topLevel(toml, (top) =>
        top.replace('PLATFORM_MODE = "live"', 'PLATFORM_MODE = "live"\nPASSWORD_ITERATIONS = "1000"'),
      ),
    );
    expect(checkConfigFile(path)).toEqual([expect.stringContaining("PASSWORD_ITERATIONS")]);
    expect(runCheck(path).status).toBe(1);
  });

  it("refuses a LINKEDIN_POST_ANALYTICS that is neither on nor off (a misspelling would read as off)", () => {
    const path = variant((toml) =>
      topLevel(toml, (top) => top.replace('LINKEDIN_POST_ANALYTICS = "off"', 'LINKEDIN_POST_ANALYTICS = "yes"')),
    );
    expect(checkConfigFile(path)).toEqual([expect.stringContaining("LINKEDIN_POST_ANALYTICS")]);
    expect(runCheck(path).status).toBe(1);
    const on = variant((toml) =>
      topLevel(toml, (top) => top.replace('LINKEDIN_POST_ANALYTICS = "off"', 'LINKEDIN_POST_ANALYTICS = "on"')),
    );
    expect(checkConfigFile(on)).toEqual([]);
  });

  it("refuses a shard that would get the global migrations, and a region left without a shard", () => {
    const wrongSet = variant((toml) =>
      topLevel(toml, (top) =>
        top.replace(
          'binding = "SHARD_US_EAST_1"\ndatabase_name = "dify-agent-us-east-1"\ndatabase_id = "00000000-0000-0000-0000-0000000a0001"\nmigrations_dir = "migrations/tenant"',
          'binding = "SHARD_US_EAST_1"\ndatabase_name = "dify-agent-us-east-1"\ndatabase_id = "00000000-0000-0000-0000-0000000a0001"\nmigrations_dir = "migrations/global"',
        ),
      ),
    );
    expect(checkConfigFile(wrongSet)).toContainEqual(expect.stringContaining("SHARD_US_EAST_1 must apply"));
    const noAsia = variant((toml) =>
      toml.replaceAll(/\[\[(env\.dev\.)?d1_databases\]\]\nbinding = "SHARD_AP_SOUTHEAST_1"[^[]*/g, ""),
    );
    expect(checkConfigFile(noAsia)).toContainEqual(expect.stringContaining("no shard for region ap-southeast"));
  });

  it("refuses a production configuration that does not require STRIPE_WEBHOOK_SECRET, or whose price map does not parse", () => {
    // docs/billing.md: without the secret the webhook applies nothing; wrangler refuses a
    // deploy that lacks a listed secret, so the list must name it.
    const noSecret = variant((toml) =>
      topLevel(toml, (top) => top.replace('required = ["STRIPE_WEBHOOK_SECRET"]', "required = []")),
    );
    expect(checkConfigFile(noSecret)).toEqual([expect.stringContaining("STRIPE_WEBHOOK_SECRET")]);
    expect(runCheck(noSecret).status).toBe(1);
    const maps: [string, string][] = [
      [`'{"price_1Q": "platinum"}'`, "platinum"],
      [`'{"prod_1Q": "standard"}'`, "prod_1Q"],
      [`'["price_1Q"]'`, "JSON object"],
      [`'{"price_1Q": '`, "not JSON"],
    ];
    for (const [map, named] of maps) {
      const path = variant((toml) =>
        topLevel(toml, (top) => top.replace('STRIPE_PRICE_TIERS = "{}"', `STRIPE_PRICE_TIERS = ${map}`)),
      );
      expect(checkConfigFile(path), map).toEqual([expect.stringContaining(named)]);
    }
  });

  it("refuses an EU archive outside the eu jurisdiction, and a region left without an archive", () => {
    const outside = variant((toml) =>
      topLevel(toml, (top) =>
        top.replace(
          'binding = "ARCHIVE_EU_WEST"\nbucket_name = "dify-agent-archive-eu-west"\njurisdiction = "eu"',
          'binding = "ARCHIVE_EU_WEST"\nbucket_name = "dify-agent-archive-eu-west"',
        ),
      ),
    );
    const problems = checkConfigFile(outside);
    expect(problems).toContainEqual(expect.stringContaining("ARCHIVE_EU_WEST must be in the eu jurisdiction"));
    // The dev environment still names the jurisdiction: the two no longer match either.
    expect(problems).toContainEqual(expect.stringContaining("R2 buckets differ"));
    const noArchive = variant((toml) =>
      toml.replaceAll(/\[\[(env\.dev\.)?r2_buckets\]\]\nbinding = "ARCHIVE_US_EAST"[^[]*/g, ""),
    );
    expect(checkConfigFile(noArchive)).toEqual([expect.stringContaining("no archive bucket for region us-east")]);
  });
});
