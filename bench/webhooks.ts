// npm run bench:webhooks: a burst of publishes (10,000 by default; BENCH_WEBHOOK_EVENTS
// sets it) through POST /v1/posts across ten tenants, each with an endpoint on a local
// receiver (a Node HTTP server on 127.0.0.1), and what reaches it: how many events were
// delivered, how many arrived more than once (at least once allows it; counted by
// webhook-id), and the time from each event's created_at (the TenantObject's clock) to
// its arrival, p50 and p99. The whole path is the product's: the record outbox emits the
// event, the object's alarm drains it to the shard and the queue (wrangler's local
// Queues), the Worker's consumer signs and POSTs it. Prints a table and writes JSON.
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, totalmem } from "node:os";
import { connectSandboxAccount } from "../client/sandbox-browser.ts";
import { createKey, createTenant } from "../client/tenants.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";
import { createBenchClient } from "./bench-client.ts";
import { percentile, runLoad } from "./load.ts";
import { RUNTIME, startWorker } from "./local-runtime.ts";
import { type Publisher, postTo } from "./publishers.ts";

const TOTAL = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000);
const TENANTS = Number(process.env.BENCH_WEBHOOK_TENANTS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** How long to wait for the last deliveries once every publish was answered. */
const SETTLE_MS = Number(process.env.BENCH_WEBHOOK_SETTLE_MS ?? 120_000);

// The local receiver: every POST recorded with its arrival time, answered 200 at once.
const arrivals: { id: string; type: string; createdAtMs: number; receivedAtMs: number }[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const receivedAtMs = Date.now();
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        id: string;
        type: string;
        created_at: string;
      };
      arrivals.push({ id: body.id, type: body.type, createdAtMs: Date.parse(body.created_at), receivedAtMs });
    } catch {
      // Not an event: counted nowhere.
    }
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const port = (receiver.address() as AddressInfo).port;

const server = await startWorker();
const origin = server.origin;
const client = createBenchClient(origin);

console.log(`setting up ${TENANTS} tenants with an endpoint each on http://127.0.0.1:${port} ...`);
const publishers: Publisher[] = [];
for (let i = 0; i < TENANTS; i++) {
  const { tenantId, ownerKey, ownerSession } = await createTenant(client, TEST_SECRETS.ADMIN_TOKEN, {
    name: `Webhook bench ${i}`,
    settings: { rate_limits: { linkedin: { limit: 100_000 } }, max_posts_per_month: 10_000_000 },
    ownerEmail: `webhooks${i}-${Date.now().toString(36)}@bench.example`,
  });
  const key = await createKey(client, await ownerSession(), ["publish", "read:posts"], 1_000_000);
  const account = await connectSandboxAccount(client, origin, ownerKey, "linkedin", `whbench${i}`);
  // The owner's first key carries manage:webhooks.
  const created = await fetch(`${origin}/v1/webhook-endpoints`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ownerKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ url: `http://127.0.0.1:${port}/tenant-${i}`, events: ["post.published"] }),
  });
  if (created.status !== 201) throw new Error(`endpoint not created: ${created.status} ${await created.text()}`);
  publishers.push({ tenantId, key, accountId: account.id });
}

{
  // One publish first: a refusal is shown as the Worker answered it, not only counted.
  const probe = await postTo(client, "/v1/posts", publishers)(0);
  if (probe.status !== 201) throw new Error(`a publish was refused: ${probe.status} ${await probe.clone().text()}`);
}
console.log(`publishing ${TOTAL} posts (${CONCURRENCY} in flight) ...`);
const publishing = await runLoad(TOTAL, CONCURRENCY, postTo(client, "/v1/posts", publishers));
// The probe's publish counts too.
const published = (publishing.statuses[201] ?? 0) + 1;
const answeredAt = Date.now();
const distinct = () => new Set(arrivals.map((a) => a.id)).size;
while (distinct() < published && Date.now() - answeredAt < SETTLE_MS) {
  await new Promise((resolve) => setTimeout(resolve, 250));
}
const settleSeconds = (Date.now() - answeredAt) / 1000;
await server.harness.close();
receiver.close();

// Each event's first arrival: its latency; later ones are duplicates.
const first = new Map<string, (typeof arrivals)[number]>();
for (const arrival of arrivals) if (!first.has(arrival.id)) first.set(arrival.id, arrival);
const latencies = [...first.values()].map((a) => a.receivedAtMs - a.createdAtMs).sort((a, b) => a - b);
const result = {
  events: TOTAL,
  tenants: TENANTS,
  published,
  publish_statuses: publishing.statuses,
  publish_seconds: publishing.seconds,
  delivered: first.size,
  duplicates: arrivals.length - first.size,
  missing: published - first.size,
  latency_ms: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
  last_delivery_after_last_publish_s: settleSeconds,
  machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB; ${RUNTIME}`,
};

console.log(`
Outgoing webhooks: ${TOTAL} publishes over ${TENANTS} tenants, one endpoint each (${result.machine})
  published (201)       ${published} in ${publishing.seconds.toFixed(1)} s
  delivered             ${result.delivered}
  duplicates            ${result.duplicates}
  missing               ${result.missing}
  event → receipt p50   ${result.latency_ms.p50} ms
  event → receipt p99   ${result.latency_ms.p99} ms
  last receipt          ${settleSeconds.toFixed(1)} s after the last publish was answered
`);
mkdirSync("bench/results", { recursive: true });
const file = `bench/results/webhooks-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`written to ${file}`);
