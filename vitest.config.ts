// Two projects under one `npm test`: suites inside workerd (test/**/*.test.ts) and
// browser tests in Node driving headless Chromium against a local Worker
// (e2e/**/*.e2e.ts).
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { linkedInVersionFor } from "./src/platforms/linkedin-version.ts";
import { TEST_LIVE_LINKEDIN, TEST_SECRETS } from "./test/support/test-secrets.ts";

// Offline: set here, not in a project's env, or wrangler writes log files.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.WRANGLER_SEND_METRICS = "false";
process.env.WRANGLER_WRITE_LOGS = "false";

// The global database's migrations and the tenant set every shard gets (migrations/README.md).
const migrations = {
  TEST_MIGRATIONS_GLOBAL: await readD1Migrations("./migrations/global"),
  TEST_MIGRATIONS_TENANT: await readD1Migrations("./migrations/tenant"),
};
// The fuzzer's run count and seed (test/fuzz): `FUZZ_RUNS=2000 npx vitest run --project workerd test/fuzz`.
const fuzz = { FUZZ_RUNS: process.env.FUZZ_RUNS ?? "", FUZZ_SEED: process.env.FUZZ_SEED ?? "" };
// Another "today" for every suite inside workerd: `TEST_TODAY=2027-06-15 npm test` (test/support/today.ts).
const today = { TEST_TODAY: process.env.TEST_TODAY ?? "" };
// The production project pins LinkedIn's version as a deployment does, to the one current on
// the suite's date (a pinned version LinkedIn has sunset is refused, by the sandbox too).
const pinnedLinkedIn = {
  LINKEDIN_VERSION: linkedInVersionFor(today.TEST_TODAY ? Date.parse(today.TEST_TODAY) : Date.now()),
};

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            // Development mode: the sandbox platforms are bound and switched on.
            wrangler: { configPath: "./wrangler.toml", environment: "dev" },
            miniflare: {
              // A short platform deadline keeps the timeout tests quick.
              bindings: { ...TEST_SECRETS, ...migrations, PLATFORM_TIMEOUT_MS: "4000", ...fuzz, ...today },
            },
          }),
        ],
        test: {
          name: "workerd",
          include: ["test/**/*.test.ts"],
          exclude: ["test/production/**"],
          setupFiles: [
            "./test/support/today.ts",
            "./test/support/apply-migrations.ts",
            "./test/support/global-db-guard.ts",
          ],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            // Production: the top level of wrangler.toml, as `wrangler deploy` reads it
            // (no sandbox binding, PLATFORM_MODE live). LinkedIn alone has credentials.
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ...TEST_SECRETS,
                ...TEST_LIVE_LINKEDIN,
                ...migrations,
                PLATFORM_TIMEOUT_MS: "4000",
                // Tests move the TenantObject's clock here too (objects/storage/object-clock.ts).
                OBJECT_CLOCK: "settable",
                ...pinnedLinkedIn,
                ...today,
              },
            },
          }),
        ],
        test: {
          name: "workerd-production",
          include: ["test/production/**/*.test.ts"],
          setupFiles: [
            "./test/support/today.ts",
            "./test/support/apply-migrations.ts",
            "./test/support/global-db-guard.ts",
          ],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["e2e/**/*.e2e.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
