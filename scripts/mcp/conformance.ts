// `npm run mcp:conformance -- --url <base>/mcp [--key dify_...] [--scenario <name>]`: the official MCP
// conformance suite (@modelcontextprotocol/conformance, pinned) against a running server,
// every scenario that applies to it (./conformance-scenarios.ts says which and why).
//
// The suite's client sends no credential, and /mcp answers 401 without one. So the suite
// talks to a small proxy on 127.0.0.1 that adds `Authorization: Bearer <key>` and passes
// everything else through; a browser Origin naming the proxy itself is passed on as the
// server's own origin (the proxy stands for the server), any other Origin unchanged, so the
// server's Origin check is what the DNS-rebinding scenario meets. The key: --key,
// MCP_API_KEY, or the local set-up's (`npm start` writes .wrangler/state/mcp.json; the
// demo's owner key otherwise). Used by e2e/mcp-conformance.e2e.ts too.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { APPLICABLE, APPLICABLE_PENDING, NOT_APPLICABLE } from "./conformance-scenarios.ts";

const root = join(fileURLToPath(import.meta.url), "..", "..", "..");
const CLI = join(root, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
/** Where `npm start` leaves the local MCP key (scripts/mcp/local-client.ts). */
export const LOCAL_MCP_STATE = join(root, ".wrangler", "state", "mcp.json");
const DEMO_STATE = join(root, ".wrangler", "state", "demo.json");
const SCENARIO_TIMEOUT_MS = 60_000;

export interface Check {
  id: string;
  name: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | string;
  description?: string;
  errorMessage?: string;
}

export interface ScenarioResult {
  scenario: string;
  checks: Check[];
  failures: Check[];
  warnings: Check[];
  /** The CLI's output when it left no results (it crashed, or timed out). */
  output?: string;
}

/** The server scenarios the pinned package has (its `list --server`). */
export async function knownScenarios(): Promise<string[]> {
  const { output } = await runCli(["list", "--server"]);
  return [...output.matchAll(/^ {2}- ([a-z0-9/-]+)/gm)].map((m) => m[1] as string);
}

function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), SCENARIO_TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The credential-adding proxy to `target` (see the top of this file); its base URL. */
export async function startProxy(target: URL, key: string): Promise<{ base: string; close: () => Promise<void> }> {
  let own: string[] = [];
  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (["host", "connection", "content-length", "authorization"].includes(name) || value === undefined) continue;
        headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      const origin = headers.get("origin");
      if (origin && own.includes(origin)) headers.set("origin", target.origin);
      headers.set("authorization", `Bearer ${key}`);
      const body =
        request.method === "GET" || request.method === "HEAD" ? undefined : new Uint8Array(await readBody(request));
      const upstream = await fetch(new URL(request.url ?? "/", target.origin), {
        method: request.method,
        headers,
        body,
      });
      const answer: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (!["content-encoding", "content-length", "transfer-encoding", "connection"].includes(name))
          answer[name] = value;
      });
      response.writeHead(upstream.status, answer);
      if (upstream.body) for await (const chunk of upstream.body) response.write(chunk);
      response.end();
    } catch (error) {
      response.writeHead(502, { "content-type": "text/plain" });
      response.end(`proxy: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  own = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Each scenario's checks in `out` (the CLI's -o: one server-<scenario>-<time>/checks.json each). */
function resultsIn(out: string): Map<string, Check[]> {
  const found = new Map<string, Check[]>();
  for (const dir of readdirSync(out)) {
    const file = join(out, dir, "checks.json");
    const scenario = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(dir)?.[1];
    if (scenario && existsSync(file)) found.set(scenario, JSON.parse(readFileSync(file, "utf8")) as Check[]);
  }
  return found;
}

/** Runs the CLI with `args` and `-o`, and reads the checks it saved. */
async function runSaved(args: string[]): Promise<{ checks: Map<string, Check[]>; output: string }> {
  const out = mkdtempSync(join(tmpdir(), "mcp-conformance-"));
  try {
    const { output } = await runCli([...args, "-o", out]);
    return { checks: resultsIn(out), output };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function resultOf(scenario: string, checks: Check[] | undefined, output: string): ScenarioResult {
  if (!checks) {
    return {
      scenario,
      checks: [],
      failures: [{ id: scenario, name: scenario, status: "FAILURE" }],
      warnings: [],
      output,
    };
  }
  return {
    scenario,
    checks,
    failures: checks.filter((check) => check.status === "FAILURE"),
    warnings: checks.filter((check) => check.status === "WARNING"),
  };
}

export interface ConformanceRun {
  /** The applicable scenarios, in the order of ./conformance-scenarios.ts. */
  results: ScenarioResult[];
  /** Scenarios the suite ran that are in neither list: to be judged. */
  unjudged: string[];
  /** The not-applicable scenarios the suite ran, and whether they failed (as they are expected to). */
  notApplicable: { scenario: string; failed: boolean }[];
}

/**
 * Runs the suite's active scenarios in one process (a few seconds: one start of the CLI),
 * the applicable ones it leaves out (APPLICABLE_PENDING) beside it, and judges the
 * applicable ones; `only` runs those scenarios alone.
 */
export async function runConformance(options: { url: string; key: string; only?: string[] }): Promise<ConformanceRun> {
  const target = new URL(options.url);
  const proxy = await startProxy(target, options.key);
  try {
    const url = `${proxy.base}${target.pathname}`;
    const runs = options.only
      ? options.only.map((scenario) => ["server", "--url", url, "--scenario", scenario])
      : [
          ["server", "--url", url, "--suite", "active"],
          ...APPLICABLE_PENDING.map((scenario) => ["server", "--url", url, "--scenario", scenario]),
        ];
    const saved = await Promise.all(runs.map(runSaved));
    const checks = new Map(saved.flatMap((run) => [...run.checks]));
    const output = saved.map((run) => run.output).join("\n");
    const wanted = options.only ?? Object.keys(APPLICABLE);
    return {
      results: wanted.map((scenario) => resultOf(scenario, checks.get(scenario), output)),
      unjudged: [...checks.keys()].filter((name) => !(name in APPLICABLE) && !(name in NOT_APPLICABLE)),
      notApplicable: [...checks]
        .filter(([name]) => name in NOT_APPLICABLE)
        .map(([scenario, list]) => ({ scenario, failed: list.some((check) => check.status === "FAILURE") })),
    };
  } finally {
    await proxy.close();
  }
}

/** The key of the local set-up: `npm start`'s MCP key, else the demo owner's. */
export function localKey(): string | null {
  for (const [path, field] of [
    [LOCAL_MCP_STATE, "key"],
    [DEMO_STATE, "ownerKey"],
  ] as const) {
    if (!existsSync(path)) continue;
    const value = (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>)[field];
    if (typeof value === "string") return value;
  }
  return null;
}

function argument(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const url = argument(args, "--url") ?? "http://localhost:8787/mcp";
  const key = argument(args, "--key") ?? process.env.MCP_API_KEY ?? localKey();
  if (!key) {
    console.error("No API key: pass --key dify_..., set MCP_API_KEY, or run `npm start` once (it records one).");
    process.exit(2);
  }
  const scenario = argument(args, "--scenario");
  const started = performance.now();
  const run = await runConformance({ url, key, ...(scenario ? { only: [scenario] } : {}) });
  console.log(`MCP conformance (@modelcontextprotocol/conformance) against ${url}\n`);
  for (const result of run.results) {
    const passed = result.checks.filter((check) => check.status === "SUCCESS").length;
    const mark = result.failures.length === 0 ? "✔" : "✗";
    console.log(
      `${mark} ${result.scenario}: ${passed} passed, ${result.failures.length} failed, ${result.warnings.length} warnings`,
    );
    for (const check of [...result.failures, ...result.warnings]) {
      console.log(`    ${check.status} ${check.name}: ${check.errorMessage ?? check.description ?? ""}`);
    }
    if (result.output && result.failures.length > 0) console.log(result.output.slice(-2000));
  }
  console.log(`\nNot applicable (docs/mcp.md, Conformance):`);
  const ran = new Map(run.notApplicable.map((n) => [n.scenario, n.failed]));
  for (const [name, why] of Object.entries(NOT_APPLICABLE)) {
    const outcome = ran.has(name) ? (ran.get(name) ? " (run: fails, as expected)" : " (run: passes)") : "";
    console.log(`  - ${name}: ${why}${outcome}`);
  }
  if (run.unjudged.length > 0) console.log(`\n✗ scenarios in neither list: ${run.unjudged.join(", ")}`);
  const failed = run.results.filter((result) => result.failures.length > 0);
  console.log(
    `\n${run.results.length - failed.length}/${run.results.length} applicable scenarios passed in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  process.exit(failed.length > 0 || run.unjudged.length > 0 ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
