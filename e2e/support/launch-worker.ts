// Starts the Worker from wrangler.toml on a free port with in-memory storage and the D1
// migrations applied to every database (the global one and each shard), as wrangler's
// test harness documents, in development mode (wrangler.toml's [env.dev]: the sandbox
// platforms switched on). The e2e run starts one (./global-worker.ts); `npm run
// client:generate` starts its own.
import { createTestHarness } from "wrangler";
import { d1Bindings } from "../../scripts/d1-bindings.ts";
import { TEST_SECRETS } from "../../test/support/test-secrets.ts";

export interface RunningWorker {
  url: URL;
  close(): Promise<void>;
}

/** `vars` override wrangler.toml's (the e2e run's PASSWORD_ITERATIONS). */
export async function launchWorker(vars: Record<string, string> = {}): Promise<RunningWorker> {
  const server = createTestHarness({
    workers: [{ configPath: "./wrangler.toml", env: "dev", secrets: { ...TEST_SECRETS }, vars }],
  });
  const { url } = await server.listen();
  for (const binding of d1Bindings("dev")) await server.getWorker().applyD1Migrations(binding);
  return { url, close: () => server.close() };
}
