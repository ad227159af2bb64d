// npm run bench:analytics: what live analytics costs in D1 and how fast it reaches a
// dashboard, measured through the whole Worker (wrangler's test harness, workerd):
//  1. D1 rows written (D1's own meta.rows_written) to land 10,000 events over 100 posts
//     through the TenantObject's flush, beside the same events written one UPDATE per
//     event; and that D1 then holds exactly the sums.
//  2. Event → dashboard latency with 1,000 WebSockets open on one tenant: from sending
//     POST /v1/analytics/events to each socket receiving the update naming that post;
//     beside it, in the same run and rounds, the ceiling: a bare partyserver Server
//     broadcasting a message of the same size to as many sockets when poked
//     (bench/broadcast-ceiling), and the product's p50 and p99 as multiples of it.
// Prints a table and writes bench/results/analytics-<date>.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { bearer, ok } from "../client/index.ts";
import { connectSandboxAccount } from "../client/sandbox-browser.ts";
import { createKey, createTenant } from "../client/tenants.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";
import { createBenchClient } from "./bench-client.ts";
import { ceilingPath, ceilingWorker } from "./broadcast-ceiling/harness.ts";
import { openWatchers, timeRound } from "./live-latency.ts";
import { percentile } from "./load.ts";
import { RUNTIME, startWorker } from "./local-runtime.ts";

const EVENTS = 10_000;
const POSTS = 100;
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

// The product's Worker, and beside it the bare partyserver broadcast (bench only).
const server = await startWorker([ceilingWorker]);
const api = createBenchClient(server.origin);

/** A tenant with one LinkedIn sandbox account, `count` published posts and a key for analytics. */
async function tenantWithPosts(count: number, label: string) {
  const { tenantId, ownerKey, ownerSession } = await createTenant(api, TEST_SECRETS.ADMIN_TOKEN, {
    name: `Bench analytics ${label}`,
    settings: { rate_limits: { linkedin: { limit: 100_000 } } },
  });
  const key = await createKey(
    api,
    await ownerSession(),
    ["publish", "read:posts", "read:analytics", "write:analytics"],
    1_000_000,
  );
  const user = `bench${label}${Date.now().toString(36)}`;
  const account = await connectSandboxAccount(api, server.origin, ownerKey, "linkedin", user);
  // No insight pulls during the run: their pushes and writes are not what is measured.
  // (The sandbox's control panel is not the product's API: a plain request.)
  const fault = await fetch(new URL("/sandbox/linkedin/_control/faults", server.origin), {
    method: "POST",
    headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ kind: "error_500", endpoint: "insights", user_id: user, count: 10_000 }),
  });
  if (!fault.ok) throw new Error(`the sandbox refused the fault: ${fault.status} ${await fault.text()}`);
  const posts: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = { account_id: account.id, text: `Bench ${i}` };
    posts.push((await ok(api.POST("/v1/posts", { ...bearer(key), body }))).id);
  }
  return { tenantId, key, posts };
}

// --- 1. rows written -------------------------------------------------------------

console.log(`setting up ${POSTS} posts on ${server.origin} (twice: one tenant flushes, one writes per event) ...`);
const writes = await tenantWithPosts(POSTS, "w");
const perEvent = await tenantWithPosts(POSTS, "e");

type Row = { post_id: string } & Record<string, number>;
type Database = { prepare(sql: string): { bind(...values: unknown[]): { all<T>(): Promise<{ results: T[] }> } } };
// post_analytics is tenant-owned: it lives in the tenant's shard (README, "Where data lives").
const { shard } = await ok(
  api.GET("/v1/admin/tenants/{id}/placement", {
    ...bearer(TEST_SECRETS.ADMIN_TOKEN),
    params: { path: { id: writes.tenantId } },
  }),
);
const env = (await server.harness.getWorker().getEnv()) as unknown as Record<string, Database>;
const shardDb = env[shard] as Database;
const METRICS = ["likes", "comments", "shares", "clicks", "impressions"] as const;
const expected = new Map(writes.posts.map((id) => [id, Object.fromEntries(METRICS.map((m) => [m, 0]))]));

/** 10,000 deltas over the posts (round r shifts the mix), added to the expected sums. */
function eventsFor(round: number, posts: string[]) {
  return Array.from({ length: EVENTS }, (_, i) => {
    const index = (i * 7919 + round * 31) % POSTS;
    const metrics = {
      likes: ((i + round) % 5) + 1,
      comments: i % 3,
      shares: (i + round) % 2,
      clicks: (i % 4) + 1,
      impressions: 10 + (i % 13),
    };
    return { post_id: posts[index] as string, type: "delta" as const, metrics };
  });
}

async function dbMatchesSums(): Promise<boolean> {
  const { results } = await shardDb
    .prepare("SELECT post_id, likes, comments, shares, clicks, impressions FROM post_analytics WHERE tenant_id = ?")
    .bind(writes.tenantId)
    .all<Row>();
  return (
    results.length === POSTS &&
    results.every((row) => METRICS.every((m) => row[m] === (expected.get(row.post_id) as Record<string, number>)[m]))
  );
}

async function anomalies(): Promise<number> {
  const { results } = await shardDb
    .prepare("SELECT post_id FROM post_analytics WHERE tenant_id = ? AND is_anomaly = 1")
    .bind(writes.tenantId)
    .all<Row>();
  return results.length;
}

interface WindowResult {
  window: string;
  ingestMs: number;
  flushStatements: number;
  flushRows: number;
  benchmarkRows: number;
  perEventRows: number;
  anomalies: number;
  exact: boolean;
}

async function measureWindow(round: number, label: string): Promise<WindowResult> {
  const events = eventsFor(round, writes.posts);
  for (const e of events) {
    const sums = expected.get(e.post_id) as Record<string, number>;
    for (const m of METRICS) sums[m] = (sums[m] as number) + e.metrics[m];
  }
  const started = performance.now();
  for (let i = 0; i < EVENTS; i += 1000) {
    await ok(api.POST("/v1/analytics/events", { ...bearer(writes.key), body: { events: events.slice(i, i + 1000) } }));
  }
  const ingestMs = performance.now() - started;
  const flush = await ok(api.POST("/bench/analytics/flush", bearer(writes.key)));
  // The same events, one UPDATE each, on the other tenant's rows.
  const baseline = eventsFor(round, perEvent.posts);
  let perEventRows = 0;
  for (let i = 0; i < EVENTS; i += 1000) {
    const part = await ok(
      api.POST("/bench/analytics/per-event-writes", {
        ...bearer(perEvent.key),
        body: { events: baseline.slice(i, i + 1000) },
      }),
    );
    perEventRows += part.rowsWritten;
  }
  return {
    window: label,
    ingestMs: Math.round(ingestMs),
    flushStatements: flush.statements,
    flushRows: flush.rowsWritten,
    benchmarkRows: flush.benchmarkRowsWritten,
    perEventRows,
    anomalies: await anomalies(),
    exact: await dbMatchesSums(),
  };
}

// Three windows of 10,000 events: the first after publishing (anomaly flags and the
// benchmark row appear), the same mix again (nothing indexed changes), and a mix in
// which other posts stand out (flags flip, each flip one index entry).
const windows = [
  await measureWindow(0, "first window after publishing"),
  await measureWindow(0, "same mix again"),
  await measureWindow(1, "a mix where other posts stand out"),
];

// --- 2. event → dashboard latency, beside the bare broadcast's ----------------------

console.log(`opening ${SOCKETS} dashboard sockets and ${SOCKETS} sockets on the bare broadcast ...`);
const live = await tenantWithPosts(20, "l");
const wsOrigin = server.origin.replace(/^http/, "ws");
const dashboards = await openWatchers(SOCKETS, async () => {
  const { url } = await ok(api.POST("/v1/live/ticket", bearer(live.key)));
  return `${wsOrigin}${url}`;
});
const room = ceilingPath(`ceiling-${Date.now().toString(36)}`);
const bare = await openWatchers(SOCKETS, async () => `${wsOrigin}${room}`);

const latencies: number[] = [];
const ceiling: number[] = [];
const sizes: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const postId = live.posts[round % live.posts.length] as string;
  const product = await timeRound(
    dashboards,
    (data) => data.startsWith('{"type":"update"') && data.includes(`"post_id":"${postId}"`),
    () =>
      ok(
        api.POST("/v1/analytics/events", {
          ...bearer(live.key),
          body: { events: [{ post_id: postId, type: "delta", metrics: { likes: 1 } }] },
        }),
      ),
  );
  latencies.push(...product.latencies);
  sizes.push(product.size);
  // The same round on the ceiling, at once (interleaved, so both see the same machine):
  // a message as long as the update just received, to as many sockets.
  const marker = `"round":${round},`;
  const bareRound = await timeRound(
    bare,
    (data) => data.includes(marker),
    () => fetch(`${server.origin}${room}`, { method: "POST", body: JSON.stringify({ round, size: product.size }) }),
  );
  ceiling.push(...bareRound.latencies);
  // Let the object's coalescing window close, so rounds do not share a message.
  await new Promise((resolve) => setTimeout(resolve, 60));
}
for (const w of [...dashboards, ...bare]) w.socket.close();
latencies.sort((a, b) => a - b);
ceiling.sort((a, b) => a - b);

// --- report ----------------------------------------------------------------------

const result = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    runtime: RUNTIME,
  },
  rowsWritten: { events: EVENTS, posts: POSTS, windows },
  latency: {
    sockets: SOCKETS,
    rounds: ROUNDS,
    samples: latencies.length,
    messageBytes: percentile(
      sizes.sort((a, b) => a - b),
      50,
    ),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    ceiling: {
      samples: ceiling.length,
      p50: percentile(ceiling, 50),
      p99: percentile(ceiling, 99),
      max: ceiling.at(-1) ?? 0,
    },
    vsCeiling: {
      p50: percentile(latencies, 50) / Math.max(0.001, percentile(ceiling, 50)),
      p99: percentile(latencies, 99) / Math.max(0.001, percentile(ceiling, 99)),
    },
  },
};

const l = result.latency;
const ratio = (a: number, b: number) => `${(a / Math.max(1, b)).toFixed(1)}×`;
console.log(`
D1 rows written for ${EVENTS.toLocaleString("en")} events over ${POSTS} posts (D1's meta.rows_written)
| window | flush: post_analytics | flush: benchmarks | one UPDATE per event | fewer (post_analytics) | fewer (with benchmarks) | anomalies flagged | D1 = sums |
|---|--:|--:|--:|--:|--:|--:|:-:|
${windows
  .map(
    (w) =>
      `| ${w.window} | ${w.flushRows} (${w.flushStatements} statements) | ${w.benchmarkRows} | ${w.perEventRows} | ${ratio(w.perEventRows, w.flushRows)} | ${ratio(w.perEventRows, w.flushRows + w.benchmarkRows)} | ${w.anomalies} | ${w.exact ? "yes" : "NO"} |`,
  )
  .join("\n")}

Event → dashboard latency, ${l.sockets} sockets on one tenant, ${l.rounds} events (${l.samples} deliveries, ~${l.messageBytes} characters each)
| path | p50 | p99 | max |
|---|--:|--:|--:|
| POST /v1/analytics/events → each dashboard socket | ${l.p50.toFixed(1)} ms | ${l.p99.toFixed(1)} ms | ${l.max.toFixed(1)} ms |
| bare partyserver broadcast, same size, same sockets count | ${l.ceiling.p50.toFixed(1)} ms | ${l.ceiling.p99.toFixed(1)} ms | ${l.ceiling.max.toFixed(1)} ms |
| product ÷ ceiling | ${l.vsCeiling.p50.toFixed(2)}× | ${l.vsCeiling.p99.toFixed(2)}× | |
(${result.machine.cpus} × ${result.machine.model}; ${RUNTIME})
`);

mkdirSync("bench/results", { recursive: true });
const file = `bench/results/analytics-${result.date.slice(0, 10)}.json`;
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${file}`);
await server.harness.close();
process.exit(0);
