// Starts the Worker from wrangler.toml on a free port with in-memory storage and
// the D1 migrations applied to every database (the global one and each shard), as
// wrangler's test harness documents, in development mode (wrangler.toml's [env.dev]:
// the sandbox platforms switched on).
import { createTestHarness } from "wrangler";
import { d1Bindings } from "../../scripts/d1-bindings.ts";
import { TEST_SECRETS } from "../../test/support/test-secrets.ts";

export interface RunningWorker {
  url: URL;
  close(): Promise<void>;
}

export async function startWorker(): Promise<RunningWorker> {
  const server = createTestHarness({
    workers: [{ configPath: "./wrangler.toml", env: "dev", secrets: { ...TEST_SECRETS } }],
  });
  const { url } = await server.listen();
  for (const binding of d1Bindings("dev")) await server.getWorker().applyD1Migrations(binding);
  return { url, close: () => server.close() };
}
