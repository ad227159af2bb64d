// Every operation the API documents is in the one list of operations
// (test/security/catalogue): public, the operator's, or a tenant route the security
// matrix walks. A new route cannot skip its security cases, nor the fuzzer.
import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { OPERATIONS, ROUTES } from "./catalogue";

describe("the security matrix", () => {
  it("covers every documented /v1, /oauth and /.well-known operation, each once, and nothing undocumented", async () => {
    const document = (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const listed = OPERATIONS.map((operation) => operation.route.name);
    expect(
      listed.filter((name, i) => listed.indexOf(name) !== i),
      "listed twice",
    ).toEqual([]);
    expect(
      // The API and this site's OAuth authorization server for MCP clients (docs/mcp.md, OAuth).
      operations.filter((op) => /^\S+ \/(v1|oauth|\.well-known)\//.test(op) && !listed.includes(op)),
      "not listed",
    ).toEqual([]);
    expect(
      listed.filter((name) => !operations.includes(name)),
      "not documented",
    ).toEqual([]);
    // The tenant routes are those with a role: the operator's and the public ones have none.
    for (const { route, credential } of OPERATIONS) {
      expect(route.roles.length > 0, `${route.name} (${credential})`).toBe(credential === "session");
    }
    expect(ROUTES.map((route) => route.name)).toEqual(
      OPERATIONS.filter((operation) => operation.credential === "session").map((operation) => operation.route.name),
    );
  });
});
