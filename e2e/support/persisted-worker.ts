// The Worker as `npm start` runs it (wrangler dev, development mode), with its local
// storage in a folder of the test's own, so a test can read the D1 database files
// themselves: which database holds which rows.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { readD1Migrations } from "@cloudflare/vitest-plugin";
import { getPlatformProxy, unstable_readConfig } from "wrangler";
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

/** What of a D1 binding the migrations use (the workers types are not this project's). */
interface Statement {
  bind(...values: unknown[]): Statement;
  run(): Promise<unknown>;
}
interface Database {
  prepare(query: string): Statement;
  batch(statements: Statement[]): Promise<unknown>;
}

/**
 * Applies migrations/global to DB and migrations/tenant to every shard in `dir`, recorded
 * in d1_migrations as `wrangler d1 migrations apply` records them, through one local
 * runtime (wrangler's platform proxy on the same storage `wrangler dev --persist-to` reads)
 * rather than scripts/apply-migrations.ts's two wrangler processes per database, which
 * took over a minute of the suite.
 */
async function migrate(dir: string): Promise<void> {
  const sets = {
    global: await readD1Migrations("./migrations/global"),
    tenant: await readD1Migrations("./migrations/tenant"),
  };
  // The dev environment's databases alone (local storage is keyed by database_id, so
  // wrangler dev finds them): the Worker's other bindings have no script here.
  const dev = unstable_readConfig({ config: "./wrangler.toml", env: "dev" }, {});
  const databases = dev.d1_databases ?? [];
  const configPath = join(dir, "d1-only.wrangler.json");
  writeFileSync(
    configPath,
    JSON.stringify({ name: "d1-migrations", compatibility_date: dev.compatibility_date, d1_databases: databases }),
  );
  const proxy = await getPlatformProxy<Record<string, Database>>({
    configPath,
    persist: { path: join(dir, "v3") },
    remoteBindings: false,
  });
  try {
    for (const { binding } of databases) {
      const db = proxy.env[binding] as Database;
      await db
        .prepare(
          "CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)",
        )
        .run();
      for (const migration of binding === "DB" ? sets.global : sets.tenant) {
        await db.batch([
          ...migration.queries.map((query) => db.prepare(query)),
          db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(migration.name),
        ]);
      }
    }
  } finally {
    await proxy.dispose();
  }
}

export async function startPersistedWorker(dir: string): Promise<PersistedWorker> {
  const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
  await migrate(dir);
  const port = await freePort();
  // The test suite's password cost, as in vitest.config.ts (src/core/auth/passwords.ts).
  const vars = Object.entries({ ...TEST_SECRETS, PASSWORD_ITERATIONS: "1000" }).flatMap(([name, value]) => [
    "--var",
    `${name}:${value}`,
  ]);
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
