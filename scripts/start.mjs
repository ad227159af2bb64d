// `npm start`: the product, locally and offline, in development mode (wrangler.toml's
// [env.dev], with the sandbox platforms). Applies the D1 migrations to local storage,
// makes sure .dev.vars has secrets, runs `wrangler dev --env dev`, waits until
// /v1/health answers and prints where everything is.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { seedDemo } from "./demo-seed.ts";
import { ensureDevVars } from "./dev-vars.mjs";
import { clientConfigLines, localAgentKey } from "./mcp/local-client.ts";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const port = Number(process.env.PORT ?? 8787);
const origin = `http://localhost:${port}`;
const wrangler = join(root, "node_modules", ".bin", "wrangler");
// No network needed: no Request.cf download, no metrics, no log files.
const env = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_WRITE_LOGS: "false",
};

function step(message) {
  console.log(`\n▸ ${message}`);
}

step("Copying vendored browser assets");
spawnSync(process.execPath, [join(root, "scripts", "vendor-assets.mjs")], { stdio: "inherit" });

step("Checking local secrets (.dev.vars)");
const { added, vars } = ensureDevVars(join(root, ".dev.vars"));
console.log(added.length ? `  generated ${added.join(", ")}` : "  all present");

step("Applying D1 migrations to local storage (the global database and every shard)");
// Development mode: wrangler.toml's [env.dev] (the sandbox platforms switched on).
const migrate = spawnSync(process.execPath, [join(root, "scripts", "apply-migrations.ts"), "--local", "--env", "dev"], {
  cwd: root,
  env,
  stdio: "inherit",
});
if (migrate.status !== 0) {
  console.error("Migrations failed; see above.");
  process.exit(migrate.status ?? 1);
}

step(`Starting the Worker on port ${port}`);
const dev = spawn(wrangler, ["dev", "--env", "dev", "--port", String(port), "--show-interactive-dev-session=false"], {
  cwd: root,
  env,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));

async function waitForHealth(deadline) {
  while (Date.now() < deadline) {
    try {
      // The operator's token: without it /v1/health answers {status} alone (no schema version).
      const response = await fetch(`${origin}/v1/health`, { headers: { Authorization: `Bearer ${vars.ADMIN_TOKEN}` } });
      if (response.ok) return await response.json();
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}

const health = await waitForHealth(Date.now() + 60_000);
if (!health) {
  console.error(`\n✗ ${origin}/v1/health did not answer within 60 s`);
} else {
  step("Seeding the demo tenant");
  let demoLines = "";
  try {
    // Recorded beside local storage, so wiping .wrangler/state makes a fresh demo.
    const statePath = join(root, ".wrangler", "state", "demo.json");
    const { demo, reused } = await seedDemo({ origin, adminToken: vars.ADMIN_TOKEN, statePath });
    console.log(
      reused
        ? `  reusing ${demo.tenantId}`
        : `  made ${demo.tenantId}: ${demo.accounts.length} sandbox accounts, ${demo.posts.length} published posts`,
    );
    demoLines = `
    dashboard      ${origin}/#key=${demo.dashboardKey}
    webhooks       ${demo.webhookReceiver ?? "(a demo made before webhooks: wipe .wrangler/state for a new one)"}
  Demo tenant ${demo.tenantId}; dashboard API key ${demo.dashboardKey}
  (owner key in .wrangler/state/demo.json). Figures arrive within a minute and keep growing.`;
    // The local MCP server and how to add it to a client (docs/mcp.md).
    const agentKey = await localAgentKey({
      origin,
      ownerKey: demo.ownerKey,
      statePath: join(root, ".wrangler", "state", "mcp.json"),
    });
    demoLines += clientConfigLines(origin, agentKey);
  } catch (error) {
    console.error(`  ✗ the demo could not be seeded: ${error instanceof Error ? error.message : error}`);
  }
  console.log(`
✔ DIFY-AGENT is running at ${origin}
    health         ${origin}/v1/health   (schema ${health.d1.schema_version})
    API reference  ${origin}/docs
    OpenAPI 3.1    ${origin}/openapi.json${demoLines}
  Operator token: ADMIN_TOKEN in .dev.vars. Stop with Ctrl-C.
`);
}
