// npm run bench:profile: a CPU profile of the Worker's isolate under POST /v1/posts
// load, to see where a publish's time goes (the router, the TenantObjects and the
// sandbox's objects all run in that one isolate). wrangler's test harness has no
// inspector option, so workerd is started through bench/workerd-inspect.sh, which opens
// its inspector, and the profile is taken over the DevTools protocol.
// Writes bench/results/profile-<date>.cpuprofile (open it in Chrome DevTools' Performance
// panel) and prints the functions with the most samples, by self and by total time.
//   BENCH_PROFILE_TENANTS  tenants the load is spread over (1)
//   BENCH_REQUESTS         publishes profiled (3,000, after 500 to warm up)
//   BENCH_PROFILE_TARGET   the isolate: "core:user:dify-agent" (default: the Worker as the bench
//                          harness names it), or "d1:db" for local D1
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBenchClient } from "./bench-client.ts";
import { runLoad } from "./load.ts";
import { RUNTIME, startWorker } from "./local-runtime.ts";
import { makePublisher, type Publisher, postTo } from "./publishers.ts";

const TENANTS = Number(process.env.BENCH_PROFILE_TENANTS ?? 1);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const TARGET = process.env.BENCH_PROFILE_TARGET ?? "core:user:dify-agent";

// The workerd binary wrangler would start, behind the wrapper that opens its inspector.
const fromWrangler = createRequire(fileURLToPath(import.meta.resolve("wrangler")));
process.env.BENCH_REAL_WORKERD = (fromWrangler("workerd") as { default: string }).default;
const INSPECT_LOG = join(tmpdir(), `bench-inspect-${process.pid}.log`);
process.env.BENCH_INSPECT_LOG = INSPECT_LOG;
process.env.MINIFLARE_WORKERD_PATH = fileURLToPath(new URL("./workerd-inspect.sh", import.meta.url));

const server = await startWorker();
const client = createBenchClient(server.origin);
const publishers: Publisher[] = [];
for (let i = 0; i < TENANTS; i++) publishers.push(await makePublisher(client, server.origin, 100_000));
const publish = postTo(client, "/v1/posts", publishers);
await runLoad(500, 32, publish);

interface Target {
  id: string;
  webSocketDebuggerUrl: string;
}
async function findTarget(): Promise<Target> {
  const seen: string[] = [];
  for (const line of readFileSync(INSPECT_LOG, "utf8").trim().split("\n")) {
    const port = line.split(" ")[1];
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as Target[];
    const found = targets.find((t) => t.id === TARGET);
    if (found) return found;
    seen.push(...targets.map((t) => t.id));
  }
  throw new Error(`no inspector target ${TARGET}; the isolates found: ${seen.join(", ") || "none"}`);
}

/** A DevTools protocol session: call(method, params) resolves with the result. */
async function devtools(url: string) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", reject);
  });
  let next = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  return {
    call: <T>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((resolve) => {
        next += 1;
        waiting.set(next, resolve as (result: unknown) => void);
        socket.send(JSON.stringify({ id: next, method, params }));
      }),
    close: () => socket.close(),
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const session = await devtools((await findTarget()).webSocketDebuggerUrl);
await session.call("Profiler.enable");
await session.call("Profiler.setSamplingInterval", { interval: 100 });
await session.call("Profiler.start");
const load = await runLoad(REQUESTS, 32, publish);
const { profile } = await session.call<{ profile: Profile }>("Profiler.stop");
session.close();
await server.harness.close();
rmSync(INSPECT_LOG, { force: true });

/** Share of samples per function: in the function itself, and in it or anything it called. */
function summarise(p: Profile): { self: Map<string, number>; total: Map<string, number> } {
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of p.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const name = (node: ProfileNode) =>
    `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url}:${node.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const share = 100 / p.samples.length;
  for (const sample of p.samples) {
    const node = byId.get(sample) as ProfileNode;
    self.set(name(node), (self.get(name(node)) ?? 0) + share);
    const seen = new Set<string>();
    for (let at: number | undefined = sample; at !== undefined; at = parent.get(at)) {
      const key = name(byId.get(at) as ProfileNode);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + share);
    }
  }
  return { self, total };
}

const top = (shares: Map<string, number>) =>
  [...shares]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([key, percent]) => `${percent.toFixed(1).padStart(5)}%  ${key}`)
    .join("\n");
const { self, total } = summarise(profile);
console.log(
  `\n${TARGET}, ${REQUESTS} publishes over ${TENANTS} tenant(s) at ${load.rps.toFixed(0)} req/s (${RUNTIME}); ${profile.samples.length} samples`,
);
console.log(`\nself time\n${top(self)}\n\ntotal time\n${top(total)}`);

mkdirSync("bench/results", { recursive: true });
const file = `bench/results/profile-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`;
writeFileSync(file, JSON.stringify(profile));
console.log(`\nwritten ${file}`);
process.exit(0);
