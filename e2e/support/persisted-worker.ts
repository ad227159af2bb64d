// The Worker as `npm start` runs it (wrangler dev, development mode), with its local
// storage in a folder of the test's own, so a test can read the D1 database files
// themselves: which database holds which rows.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { TEST_SECRETS } from "../../test/support/test-secrets.ts";

const WRANGLER = join("node_modules", ".bin", "wrangler");

export interface PersistedWorker {
  origin: string;
  /** Every local D1 database file (one per database: the global one and each shard). */
  d1Files(): string[];
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export async function startPersistedWorker(dir: string): Promise<PersistedWorker> {
  const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
  const migrated = spawnSync(
    process.execPath,
    ["scripts/apply-migrations.ts", "--local", "--env", "dev", "--persist-to", dir],
    {
      env,
      encoding: "utf8",
    },
  );
  if (migrated.status !== 0) throw new Error(`migrations failed: ${migrated.stdout}${migrated.stderr}`);
  const port = await freePort();
  const vars = Object.entries(TEST_SECRETS).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const dev: ChildProcess = spawn(
    WRANGLER,
    [
      "dev",
      "--env",
      "dev",
      "--port",
      String(port),
      "--persist-to",
      dir,
      "--show-interactive-dev-session=false",
      ...vars,
    ],
    { env, stdio: "ignore" },
  );
  const origin = `http://localhost:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${origin}/v1/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      dev.kill("SIGKILL");
      throw new Error("wrangler dev did not answer /v1/health within 60 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    origin,
    d1Files: () => {
      const folder = join(dir, "v3", "d1", "miniflare-D1DatabaseObject");
      return readdirSync(folder)
        .filter((name) => name.endsWith(".sqlite"))
        .map((name) => join(folder, name));
    },
    close: () =>
      new Promise((resolve) => {
        dev.once("exit", () => resolve());
        dev.kill("SIGINT");
      }),
  };
}
