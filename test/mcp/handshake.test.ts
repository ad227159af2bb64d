// The transport and the handshake: Streamable HTTP on the protocol's current revision,
// stateless (no session id), answered as JSON; the tool list with schemas read from the
// API's own document and each tool's annotations; what is refused before any tool runs.
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { beforeAll, describe, expect, it } from "vitest";
import { revokedKey } from "../security/world";
import { call, json, ORIGIN } from "../support/http";
import { createKey, createTenant, login, type TestTenant } from "../support/tenants";
import { postMcp, rpc } from "./support";

const TOOLS = [
  "list_accounts",
  "draft_post",
  "list_posts",
  "get_post",
  "cancel_post",
  "get_post_analytics",
  "top_posts",
  "anomalies",
  "search_knowledge",
  "get_brand_profile",
  "list_templates",
];

/** Each tool's API operation and its annotations: readOnly, destructive, idempotent, openWorld. */
const EXPECTED: Record<
  string,
  { operation: string; operationId: string; hints: [boolean, boolean, boolean, boolean] }
> = {
  list_accounts: {
    operation: "get /v1/social-accounts",
    operationId: "list_accounts",
    hints: [true, false, true, false],
  },
  draft_post: { operation: "post /v1/posts", operationId: "create_post", hints: [false, false, false, true] },
  list_posts: { operation: "get /v1/posts", operationId: "list_posts", hints: [true, false, true, false] },
  get_post: { operation: "get /v1/posts/{id}", operationId: "get_post", hints: [true, false, true, false] },
  cancel_post: { operation: "delete /v1/posts/{id}", operationId: "cancel_post", hints: [false, true, true, false] },
  get_post_analytics: {
    operation: "get /v1/posts/{id}/analytics",
    operationId: "get_post_analytics",
    hints: [true, false, true, false],
  },
  top_posts: { operation: "get /v1/analytics/top-posts", operationId: "top_posts", hints: [true, false, true, false] },
  anomalies: { operation: "get /v1/analytics/anomalies", operationId: "anomalies", hints: [true, false, true, false] },
  search_knowledge: {
    operation: "post /v1/knowledge/search",
    operationId: "search_knowledge",
    hints: [true, false, true, false],
  },
  get_brand_profile: {
    operation: "get /v1/brand-profile",
    operationId: "get_brand_profile",
    hints: [true, false, true, false],
  },
  list_templates: { operation: "get /v1/templates", operationId: "list_templates", hints: [true, false, true, false] },
};

interface Tool {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: string; properties: Record<string, Record<string, unknown>>; required?: string[] };
  outputSchema: { type: string; properties: Record<string, unknown> };
  annotations: { readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean; openWorldHint: boolean };
}

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; schema: Record<string, unknown> }[];
}

describe("/mcp handshake and tool list", () => {
  let tenant: TestTenant;
  let tools: Tool[];
  let document: { paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    tenant = await createTenant();
    tools = (await rpc(tenant.ownerKey, "tools/list")).result?.tools as Tool[];
    document = await json(await call("/openapi.json"));
  });

  it("initializes on the protocol's current revision, without a session", async () => {
    const res = await postMcp(
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "t", version: "1" } },
      },
      { token: tenant.ownerKey },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Mcp-Session-Id"), "stateless").toBeNull();
    const { result } = (await res.json()) as { result: Record<string, unknown> };
    expect(LATEST_PROTOCOL_VERSION).toBe("2025-11-25");
    expect(result).toMatchObject({
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: { tools: {} },
      serverInfo: { name: "dify-agent" },
    });
    expect(Object.keys(result.capabilities as object), "tools only: no prompts, resources or logging").toEqual([
      "tools",
    ]);
    expect(result.instructions).toMatch(/audit/);
    // An older revision a client asks for is answered in kind.
    const older = await rpc(tenant.ownerKey, "initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "t", version: "1" },
    });
    expect(older.result?.protocolVersion).toBe("2025-06-18");
    const notified = await postMcp({ jsonrpc: "2.0", method: "notifications/initialized" }, { token: tenant.ownerKey });
    expect(notified.status).toBe(202);
    expect((await rpc(tenant.ownerKey, "ping")).result).toEqual({});
  });

  it("lists the eleven tools, each with its operation's name, annotations and object schemas", () => {
    expect(tools.map((t) => t.name)).toEqual(TOOLS);
    for (const tool of tools) {
      const expected = EXPECTED[tool.name];
      if (!expected) throw new Error(`unexpected tool ${tool.name}`);
      const [method, path] = expected.operation.split(" ") as [string, string];
      expect(document.paths[path]?.[method]?.operationId, `${tool.name}'s operation`).toBe(expected.operationId);
      expect(tool.description, tool.name).toContain(`${method.toUpperCase()} ${path}`);
      expect(tool.title, tool.name).toBeTruthy();
      const { readOnlyHint, destructiveHint, idempotentHint, openWorldHint } = tool.annotations;
      expect([readOnlyHint, destructiveHint, idempotentHint, openWorldHint], `${tool.name}'s annotations`).toEqual(
        expected.hints,
      );
      expect(tool.inputSchema.type, tool.name).toBe("object");
      expect((tool.inputSchema as Record<string, unknown>).additionalProperties, tool.name).toBe(false);
      expect(tool.outputSchema.type, tool.name).toBe("object");
    }
    // Names an MCP client accepts: 1 to 64 of [A-Za-z0-9_.-].
    for (const tool of tools) expect(tool.name, tool.name).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
  });

  it("takes each tool's arguments from its operation's parameters and body, as the API documents them", () => {
    const byName = new Map(tools.map((t) => [t.name, t]));
    const listPosts = byName.get("list_posts");
    const statusParameter = document.paths["/v1/posts"]?.get?.parameters?.find((p) => p.name === "status");
    expect(listPosts?.inputSchema.properties.status?.enum).toEqual(statusParameter?.schema.enum);
    expect(listPosts?.inputSchema.properties.limit).toMatchObject({ type: "integer", minimum: 1, maximum: 100 });

    const draft = byName.get("draft_post");
    expect(Object.keys(draft?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining([
        "account_id",
        "platform",
        "text",
        "image_url",
        "video_url",
        "scheduled_at",
        "campaign_id",
      ]),
    );
    expect(draft?.inputSchema.properties.idempotency_key, "the Idempotency-Key header").toMatchObject({
      type: "string",
    });
    expect(draft?.inputSchema.required).toEqual(["text"]);
    expect(JSON.stringify(draft?.inputSchema.properties.scheduled_at)).toContain('"best"');
    expect(draft?.outputSchema.properties.status).toBeDefined();

    const getPost = byName.get("get_post");
    expect(getPost?.inputSchema.required).toEqual(["id"]);
    const search = byName.get("search_knowledge");
    expect(search?.inputSchema.properties.vector).toMatchObject({ type: "array", items: { type: "number" } });
    expect(search?.inputSchema.properties.vector?.description).toContain("1536");
    // References resolve inside each schema.
    for (const tool of tools) {
      for (const schema of [tool.inputSchema, tool.outputSchema]) {
        const text = JSON.stringify(schema);
        for (const [, name] of text.matchAll(/"\$ref":"#\/\$defs\/([^"]+)"/g)) {
          expect(
            (schema as { $defs?: Record<string, unknown> }).$defs?.[name as string],
            `${tool.name}: ${name}`,
          ).toBeDefined();
        }
        expect(text, tool.name).not.toContain("#/components/");
      }
    }
  });

  it("refuses a request without a valid API key: 401 with a Bearer challenge", async () => {
    const member = await login(tenant.tenantId, tenant.ownerEmail);
    const revoked = await revokedKey(tenant);
    const cases: [string, Record<string, string>][] = [
      ["no credential", {}],
      ["not bearer", { Authorization: "Basic abc" }],
      ["unknown key", { Authorization: "Bearer dify_aaaaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }],
      ["malformed key", { Authorization: "Bearer dify_short" }],
      ["revoked key", { Authorization: `Bearer ${revoked}` }],
      ["a session token", { Authorization: `Bearer ${member}` }],
    ];
    for (const [label, headers] of cases) {
      const res = await postMcp({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { headers });
      expect(res.status, label).toBe(401);
      expect(res.headers.get("WWW-Authenticate"), label).toMatch(/^Bearer realm="dify-agent"/);
    }
  });

  it("answers 405 to GET and DELETE (no stream, no session), and 403 to another origin's browser", async () => {
    for (const method of ["GET", "DELETE"]) {
      const res = await call("/mcp", { method, token: tenant.ownerKey, headers: { Accept: "text/event-stream" } });
      expect(res.status, method).toBe(405);
      expect(res.headers.get("Allow"), method).toBe("POST");
    }
    const message = { jsonrpc: "2.0", id: 1, method: "tools/list" };
    const foreign = await postMcp(message, { token: tenant.ownerKey, headers: { Origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    const own = await postMcp(message, { token: tenant.ownerKey, headers: { Origin: ORIGIN } });
    expect(own.status).toBe(200);
  });

  it("leaves the protocol's own refusals to the transport", async () => {
    const list = { jsonrpc: "2.0", id: 1, method: "tools/list" };
    const jsonOnly = await postMcp(list, { token: tenant.ownerKey, headers: { Accept: "application/json" } });
    expect(jsonOnly.status, "a client must accept both answer types").toBe(406);
    const garbled = await call("/mcp", {
      method: "POST",
      token: tenant.ownerKey,
      body: "{not json",
      headers: { Accept: "application/json, text/event-stream", "Content-Type": "application/json" },
    });
    expect(garbled.status).toBe(400);
    expect(((await garbled.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const unknownVersion = await postMcp(list, {
      token: tenant.ownerKey,
      headers: { "MCP-Protocol-Version": "1999-01-01" },
    });
    expect(unknownVersion.status).toBe(400);
    const method = await rpc(tenant.ownerKey, "prompts/list");
    expect(method.error?.code, "no prompts").toBe(-32601);
  });

  it("answers a key limited to other scopes too: tools/list is the same for every key", async () => {
    const narrow = await createKey(tenant.ownerKey, { scopes: ["read:posts"] });
    const listed = (await rpc(narrow.key, "tools/list")).result?.tools as Tool[];
    expect(listed.map((t) => t.name)).toEqual(TOOLS);
  });
});
