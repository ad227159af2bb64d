// The MCP server against the running Worker (e2e/support/worker.ts), from Node: the
// official conformance suite's applicable scenarios (scripts/mcp/conformance.ts, which
// `npm run mcp:conformance` runs against any server), and the official SDK's client,
// which checks each tool's structured answer against the tool's outputSchema.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../client/index.ts";
import { createTenant } from "../client/tenants.ts";
import { knownScenarios, runConformance } from "../scripts/mcp/conformance.ts";
import { APPLICABLE, NOT_APPLICABLE } from "../scripts/mcp/conformance-scenarios.ts";
import { TEST_SECRETS } from "../test/support/test-secrets.ts";
import { type RunningWorker, startWorker } from "./support/worker";

describe("the MCP server", () => {
  let worker: RunningWorker;
  let ownerKey: string;
  let mcpUrl: URL;

  beforeAll(async () => {
    worker = await startWorker();
    mcpUrl = new URL("/mcp", worker.url);
    ({ ownerKey } = await createTenant(createApiClient(worker.url), TEST_SECRETS.ADMIN_TOKEN, { name: "MCP e2e" }));
  });

  afterAll(async () => {
    await worker?.close();
  });

  it("passes every conformance scenario that applies to a server with tools", async () => {
    const started = performance.now();
    const run = await runConformance({ url: mcpUrl.href, key: ownerKey });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `MCP conformance: ${run.results.map((r) => `${r.scenario} ${r.failures.length === 0 ? "passed" : "FAILED"}`).join(", ")} in ${seconds.toFixed(1)} s`,
    );
    expect(run.unjudged, "scenarios of the suite judged neither applicable nor not").toEqual([]);
    expect(run.results.map((r) => r.scenario)).toEqual(Object.keys(APPLICABLE));
    for (const result of run.results) {
      expect(
        result.failures.map((check) => `${check.name}: ${check.errorMessage ?? check.description}`),
        `${result.scenario} ${result.output ?? ""}`,
      ).toEqual([]);
      expect(
        result.checks.filter((check) => check.status === "SUCCESS").length + result.warnings.length,
        `${result.scenario}: something was checked`,
      ).toBeGreaterThan(0);
    }
  });

  it("lists each scenario of the pinned suite once, as applicable or not", async () => {
    const known = await knownScenarios();
    expect([...Object.keys(APPLICABLE), ...Object.keys(NOT_APPLICABLE)].sort()).toEqual([...known].sort());
  });

  it("answers the SDK's client, its structured answers valid against the tools' output schemas", async () => {
    const client = new Client({ name: "e2e", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers: { Authorization: `Bearer ${ownerKey}` } } }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toHaveLength(11);
    // The client validates each structuredContent against the tool's outputSchema, and
    // throws when it does not match.
    for (const [name, args] of [
      ["list_accounts", {}],
      ["list_posts", { limit: 5 }],
      ["list_templates", {}],
      ["top_posts", { days: 30 }],
      ["anomalies", {}],
    ] as const) {
      const result = await client.callTool({ name, arguments: args });
      expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
      expect(result.structuredContent, name).toBeDefined();
    }
    const missing = await client.callTool({ name: "get_brand_profile", arguments: {} });
    expect(missing.isError, "no brand profile yet: the API's 404 as a tool error").toBe(true);
    await client.close();
  });
});
