// The projects of one `npm test` (docs/testing.md): the suites inside workerd
// (test/**/*.test.ts), split into one project whose files share their workers and one
// whose files each get their own, the production-mode suites, and browser tests in Node
// driving headless Chromium against a local Worker (e2e/**/*.e2e.ts).
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { linkedInVersionFor } from "./src/core/platforms/linkedin-version.ts";
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
// The deeper mode (docs/testing.md): `DEEP=1 npm test` runs the fuzzer's and the security
// matrix's long runs; FUZZ_RUNS and FUZZ_SEED set the fuzzer's run count and seed alone:
// `FUZZ_RUNS=2000 npx vitest run --project workerd-isolated test/fuzz`.
const deep = {
  DEEP: process.env.DEEP ?? "",
  FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
  FUZZ_SEED: process.env.FUZZ_SEED ?? "",
};
// Another "today" for every suite inside workerd: `TEST_TODAY=2027-06-15 npm test` (test/support/today.ts).
const today = { TEST_TODAY: process.env.TEST_TODAY ?? "" };
// The production project pins LinkedIn's version as a deployment does, to the one current on
// the suite's date (a pinned version LinkedIn has sunset is refused, by the sandbox too).
const pinnedLinkedIn = {
  LINKEDIN_VERSION: linkedInVersionFor(today.TEST_TODAY ? Date.parse(today.TEST_TODAY) : Date.now()),
};
// Bindings of the tests alone, in both modes. A short platform deadline keeps the timeout
// tests quick. PBKDF2 at 1,000 iterations, not 100,000: every sign-in and new user costs a
// hundredth of the CPU (src/core/auth/passwords.ts; `npm run deploy:check` refuses the variable).
// No request waits for media still processing (src/core/platforms/processing-wait.ts): tests
// move the sandbox's clock and run the alarm instead of sleeping.
const testBindings = {
  ...TEST_SECRETS,
  ...migrations,
  PLATFORM_TIMEOUT_MS: "4000",
  PASSWORD_ITERATIONS: "1000",
  PLATFORM_PROCESSING_WAIT_MS: "0",
};

// The outgoing webhooks' producer sends to a queue no consumer reads: the tests hand the
// consumer each batch themselves (test/webhooks/support.ts: createMessageBatch from the
// attempts the shard holds pending, getQueueResult for what was acked or retried, with
// which delay), on the clock they set, instead of racing the runtime's own consumer
// and waiting out real retry delays.
const unconsumedWebhooks = { WEBHOOK_DELIVERIES: { queueName: "dify-agent-webhook-deliveries-tests" } };

const workerdSuite = {
  setupFiles: ["./test/support/today.ts", "./test/support/apply-migrations.ts", "./test/support/global-db-guard.ts"],
  testTimeout: 30_000,
  hookTimeout: 30_000,
};

// Files that need a workerd of their own (isolate: true): each reads or writes state of
// the whole runtime that other files' leftovers would change. The snapshot tests (the
// security matrix, the fuzzer, retention) compare every table of every database before
// and after a request, and a TenantObject of another file may still flush to D1 on its
// timers; the cron and the daily jobs work over every tenant and skill; the others
// count rows or spy on bindings across the whole database. Every other file shares
// its worker with the files before it (isolate: false), which saves starting a workerd
// and evaluating the Worker per file.
const ISOLATED = [
  // Snapshots of every database around a request.
  "test/security/matrix.test.ts",
  "test/fuzz/openapi-fuzz.test.ts",
  "test/http/json-bounds.test.ts",
  "test/publishing/oauth-consent.test.ts",
  "test/skills/admin.test.ts",
  "test/retention/retention-settings.test.ts",
  // Jobs over every tenant or skill: the daily cron, the skill job, retention.
  "test/db/shard-statements.test.ts",
  "test/skills/daily-job-isolation.test.ts",
  "test/skills/promotion.test.ts",
  "test/skills/versions.test.ts",
  "test/retention/retention-job.test.ts",
  "test/retention/retention-resume.test.ts",
  // Erasures: the job over every tenant, and scans of every database, index and bucket.
  "test/privacy/tenant-erasure.test.ts",
  "test/privacy/erasure-faults.test.ts",
  // The query planner's statistics of the whole database (PRAGMA optimize, read bounds).
  "test/db/optimize.test.ts",
  "test/db/viral-posts.test.ts",
  "test/db/bounded-reads.test.ts",
];

/**
 * The order files are handed to the two workers: the isolated workerd files first (the
 * longest files of the suite are there, so they start at once and the short ones fill in
 * around them), then the browser tests, then the shared workerd files together (a shared
 * worker is reused only while the next file is of its project), then production mode.
 * Within a project, vitest's own order: failed first, then longest first.
 */
const PROJECT_ORDER = ["workerd-isolated", "node", "workerd", "workerd-production"];

class ProjectOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => PROJECT_ORDER.indexOf(file.project.name);
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    // Two workers on a two-core machine: the default (cores - 1) ran every file, the
    // browser tests too, one after another.
    maxWorkers: 2,
    sequence: { sequencer: ProjectOrder },
    projects: [
      {
        plugins: [
          cloudflareTest({
            // Development mode: the sandbox platforms are bound and switched on.
            wrangler: { configPath: "./wrangler.toml", environment: "dev" },
            miniflare: { bindings: { ...testBindings, ...deep, ...today }, queueProducers: unconsumedWebhooks },
          }),
        ],
        test: {
          name: "workerd",
          include: ["test/**/*.test.ts"],
          exclude: ["test/production/**", ...ISOLATED],
          isolate: false,
          ...workerdSuite,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml", environment: "dev" },
            miniflare: { bindings: { ...testBindings, ...deep, ...today }, queueProducers: unconsumedWebhooks },
          }),
        ],
        test: {
          name: "workerd-isolated",
          include: ISOLATED,
          ...workerdSuite,
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
                ...testBindings,
                ...TEST_LIVE_LINKEDIN,
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
          ...workerdSuite,
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["e2e/**/*.e2e.ts"],
          // One Worker for the files that need one (e2e/support/worker.ts).
          globalSetup: ["./e2e/support/global-worker.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
