// Every operation of /openapi.json names a unique operationId in the one scheme
// (docs/api-description.md, Operation ids), and declares its security: a route added
// without either fails here, naming it. MCP tools, n8n nodes and generated SDKs name
// operations by these ids, so they must not change once shipped.
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../security/catalogue";
import { call } from "../support/http";

/** The verbs an id may start with (docs/api-description.md lists each with its use). */
const VERBS = new Set([
  "activate",
  "approve",
  "cancel",
  "change",
  "confirm",
  "connect",
  "create",
  "delete",
  "disable",
  "disconnect",
  "download",
  "edit",
  "end",
  "enroll",
  "erase",
  "export",
  "finish",
  "fork",
  "get",
  "ingest",
  "list",
  "move",
  "override",
  "promote",
  "receive",
  "redeem",
  "redeliver",
  "register",
  "reject",
  "release",
  "replace",
  "restore",
  "retire",
  "revoke",
  "rotate",
  "run",
  "search",
  "send",
  "set",
  "start",
  "update",
  "verify",
]);

/** snake_case words, at most 64 characters (an MCP client's limit on a tool's name). */
const ID = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** A report (GET under /v1/analytics/) is named for what it reports: top_posts, anomalies. */
const isReport = (method: string, path: string) => method === "get" && path.startsWith("/v1/analytics/");

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
}

async function operations(): Promise<{ name: string; method: string; path: string; operation: Operation }[]> {
  const document = (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${path}`,
      method,
      path,
      operation,
    })),
  );
}

describe("the API description", () => {
  it("names every operation with a unique operationId in the scheme", async () => {
    const all = await operations();
    expect(all.length).toBeGreaterThan(100);
    const seen = new Map<string, string>();
    // Every operation out of the scheme, named, rather than the first one alone.
    const problems: string[] = [];
    for (const { name, method, path, operation } of all) {
      const id = operation.operationId;
      if (typeof id !== "string") {
        problems.push(`${name}: no operationId`);
        continue;
      }
      if (!ID.test(id) || id.length > 64) problems.push(`${name}: ${id} is not snake_case of at most 64 characters`);
      const verb = id.split("_")[0] as string;
      if (!VERBS.has(verb) && !isReport(method, path)) problems.push(`${name}: ${id} starts with no listed verb`);
      if (seen.has(id)) problems.push(`${name}: ${id} is also ${seen.get(id)}'s`);
      seen.set(id, name);
    }
    expect(problems).toEqual([]);
  });

  it("declares every operation's security, and only the public ones need none", async () => {
    const publicNames = new Set(OPERATIONS.filter((op) => op.credential === "none").map((op) => op.route.name));
    for (const { name, operation } of await operations()) {
      expect(Array.isArray(operation.security), `${name}: security declared`).toBe(true);
      const open =
        (operation.security ?? []).length === 0 || operation.security?.some((s) => Object.keys(s).length === 0);
      expect(open, `${name}: callable without a credential only if public (test/security/catalogue)`).toBe(
        publicNames.has(name),
      );
    }
  });

  it("keeps the ids that clients already build on", async () => {
    // A sample of shipped ids, the MCP tools' among them: renaming one breaks its clients.
    const byName = new Map((await operations()).map(({ name, operation }) => [name, operation.operationId]));
    const shipped: Record<string, string> = {
      "GET /v1/posts": "list_posts",
      "GET /v1/posts/{id}": "get_post",
      "POST /v1/posts": "create_post",
      "DELETE /v1/posts/{id}": "cancel_post",
      "GET /v1/social-accounts": "list_accounts",
      "GET /v1/posts/{id}/analytics": "get_post_analytics",
      "POST /v1/knowledge/search": "search_knowledge",
      "GET /v1/brand-profile": "get_brand_profile",
      "GET /v1/templates": "list_templates",
    };
    for (const [name, id] of Object.entries(shipped)) expect(byName.get(name), name).toBe(id);
  });
});
