// How the benchmarks run the Worker locally, set before wrangler's harness starts.
// Two properties of this machine's local runtime, not of the product, would otherwise
// dominate what they measure; each can be switched back to see its cost.
import { existsSync } from "node:fs";
import { createTestHarness, experimental_readRawConfig, type TestHarness, type TestHarnessOptions } from "wrangler";
import { d1Bindings } from "../scripts/d1-bindings.ts";
import { DEV_ENVIRONMENT } from "../scripts/production-config.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";

process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.WRANGLER_SEND_METRICS = "false";
process.env.WRANGLER_WRITE_LOGS = "false";

/**
 * Where local storage lives (every Durable Object's SQLite, and D1, which is one too).
 * Under the OS temp directory on this machine's ext4 disk, workerd fsyncs each commit
 * on its one event-loop thread: one SQLite write costs about 0.24 ms of that thread,
 * a cost a deployed Worker does not pay on its isolate's thread. So storage goes to
 * tmpfs (/dev/shm) unless BENCH_STORAGE=disk.
 */
export const STORAGE: "tmpfs" | "disk" =
  process.env.BENCH_STORAGE === "disk" || !existsSync("/dev/shm") ? "disk" : "tmpfs";
if (STORAGE === "tmpfs") process.env.TMPDIR = "/dev/shm";

/**
 * wrangler's local-dev trace collector (X_LOCAL_OBSERVABILITY, on by default) turns
 * every invocation's tail events into JavaScript and hands them to a collector Worker,
 * on the same workerd thread as everything else: the router's request, each Durable
 * Object call, each sandbox fetch, each D1 query. It feeds wrangler's local explorer; a
 * deployed Worker's traces are collected outside its isolate. It taxes a publish (several
 * invocations) far more than the trivial route (one): measured here, about 1.3 ms of the
 * thread per publish, and less than this VM's noise per trivial request. So it is off
 * unless BENCH_TRACES=on.
 */
export const TRACES: "on" | "off" = process.env.BENCH_TRACES === "on" ? "on" : "off";
process.env.X_LOCAL_OBSERVABILITY = TRACES === "on" ? "true" : "false";

/** The runtime settings, for each result's machine line. */
export const RUNTIME = `storage on ${STORAGE}, wrangler's local trace collector ${TRACES}`;

/** The benchmarks' entry: the production app plus the baseline routes (/bench/*). */
export const BENCH_ENTRY = "bench/worker/index.ts";

/**
 * wrangler.toml's development mode ([env.dev] over the top level, as wrangler resolves
 * an environment: the sandbox platforms answer every publish) with the benchmarks'
 * entry as main. The harness takes no entry of its own beside a config file, so the
 * config is handed over inline, read from the same file.
 */
function benchConfig() {
  const { rawConfig } = experimental_readRawConfig({ config: "./wrangler.toml" });
  const { env, ...production } = rawConfig;
  const dev = env?.[DEV_ENVIRONMENT];
  if (!dev) throw new Error(`wrangler.toml has no [env.${DEV_ENVIRONMENT}]`);
  // The secrets travel as secrets alone (BenchWorker, below): [env.dev.secrets] declares
  // them, and wrangler refuses a name that is both a variable and a secret.
  return { ...production, ...dev, main: BENCH_ENTRY, vars: { ...dev.vars } };
}

/**
 * The Worker's secrets are the benchmarks' own (the test secrets the bench client signs
 * in with), passed as the harness's test-only secrets: wrangler puts those over
 * everything it infers, .dev.vars included. Config vars would not do: once `npm start`
 * has written .dev.vars (its own random ADMIN_TOKEN, KMS_MASTER_KEY, SESSION_SECRET),
 * wrangler puts .dev.vars over config vars, and every bench request was a 401.
 */
type BenchWorker = { config: ReturnType<typeof benchConfig>; secrets: Record<string, string> };

/**
 * The benchmarks' Worker in workerd through wrangler's test harness, every database
 * migrated, and any bench-only Workers beside it in the same workerd (routed by path).
 */
export async function startWorker(
  others: TestHarnessOptions["workers"] = [],
): Promise<{ harness: TestHarness; origin: string }> {
  // The harness reads `secrets` from an inline worker as from a config file's (wrangler's
  // resolveWorkerInputs); its type declares it for the config-file form only.
  const bench: BenchWorker = { config: benchConfig(), secrets: { ...TEST_SECRETS } };
  const harness = createTestHarness({
    workers: [bench as TestHarnessOptions["workers"][number], ...others],
  });
  const { url } = await harness.listen();
  for (const binding of d1Bindings("dev")) await harness.getWorker().applyD1Migrations(binding);
  return { harness, origin: url.origin };
}
