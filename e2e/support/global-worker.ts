// The node project's globalSetup (vitest.config.ts): one Worker for every e2e file that
// needs one (./worker.ts), started once instead of once per file. The Worker from
// wrangler.toml on a free port with in-memory storage and the D1 migrations applied to
// every database (the global one and each shard), as wrangler's test harness documents,
// in development mode (wrangler.toml's [env.dev]: the sandbox platforms switched on).
import type { TestProject } from "vitest/node";
import { createTestHarness } from "wrangler";
import { d1Bindings } from "../../scripts/d1-bindings.ts";
import { TEST_SECRETS } from "../../test/support/test-secrets.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = createTestHarness({
    // The test suite's password cost, as in vitest.config.ts (src/auth/passwords.ts).
    workers: [
      {
        configPath: "./wrangler.toml",
        env: "dev",
        secrets: { ...TEST_SECRETS },
        vars: { PASSWORD_ITERATIONS: "1000" },
      },
    ],
  });
  const { url } = await server.listen();
  for (const binding of d1Bindings("dev")) await server.getWorker().applyD1Migrations(binding);
  project.provide("workerUrl", url.toString());
  return () => server.close();
}
