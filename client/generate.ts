// npm run client:generate: starts the Worker (wrangler's test harness, in memory),
// reads /openapi.json and writes the client's types (client/schema.d.ts).
import { writeFileSync } from "node:fs";
import { launchWorker } from "../e2e/support/launch-worker.ts";
import { SCHEMA_FILE, schemaModule } from "./generate-types.ts";

process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.WRANGLER_SEND_METRICS = "false";
process.env.WRANGLER_WRITE_LOGS = "false";

const worker = await launchWorker();
try {
  const document = await (await fetch(new URL("/openapi.json", worker.url))).json();
  writeFileSync(SCHEMA_FILE, await schemaModule(document));
  console.log(`✔ ${SCHEMA_FILE} written from ${worker.url.origin}/openapi.json`);
} finally {
  await worker.close();
}
