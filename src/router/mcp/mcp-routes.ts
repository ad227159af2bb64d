// /mcp: the MCP server, on the official TypeScript SDK's Web-standard Streamable HTTP
// transport (protocol revision LATEST_PROTOCOL_VERSION), stateless: each POST gets its own
// SDK server and transport, answered as JSON, with no session to keep (the tools are
// single API calls, so a session would hold nothing; any isolate answers any request).
// docs/mcp.md says why and what each refusal means.
//
// In order: a browser's request from another origin is refused (403: DNS rebinding and
// cross-site calls, as the transport specification requires); GET and DELETE answer 405
// (no server-initiated stream, no session to end); the caller is authenticated
// (./principal.ts: 401 with a challenge, 429 over the key's hourly limit); then the SDK
// answers the JSON-RPC messages.
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import type { Context } from "hono";
import type { ContentfulStatusCode, StatusCode } from "hono/utils/http-status";
import { type AppEnv, createRouter } from "../http/app-env";
import { ProblemError } from "../http/problem";
import { TOOLS } from "./catalogue";
import type { Dispatch } from "./dispatch";
import { foreignOrigin } from "./origin";
import { mcpCaller } from "./principal";
import { callTool, type ToolCallDeps } from "./tool-call";
import { type OpenApiDocument, type ToolShape, toolShape } from "./tool-schemas";

export const MCP_PATH = "/mcp";

const SERVER_INFO = { name: "dify-agent", title: "DIFY-AGENT", version: "1.0.0" };

const INSTRUCTIONS =
  "Tools of one DIFY-AGENT tenant, acting with the rights of the API key you were given: each tool is one operation of the tenant's HTTP API, and a refusal (a missing scope, a quota, a bad argument) comes back as a tool error naming its cause. Read list_accounts first: a post is made on one of them. draft_post may publish at once, schedule, or wait for a person's approval; its answer's status says which. Every call is recorded in the tenant's audit log.";

/**
 * The SDK validates what a client answers to a server's own requests (elicitation); this
 * server makes none, so it needs no validator (the SDK's default compiles schemas with
 * code generation, which workerd refuses). Any schema it would be handed is refused.
 */
const NO_CLIENT_ANSWERS: jsonSchemaValidator = {
  getValidator: () => () => ({ valid: false, data: undefined, errorMessage: "this server asks clients nothing" }),
};

/**
 * tools/call with arguments of any shape: one that is not an object is answered by
 * ./tool-call.ts as invalid params (-32602, and audited), where the SDK's own parse would
 * answer an internal error.
 */
const ToolCallRequest = CallToolRequestSchema.extend({
  params: CallToolRequestSchema.shape.params.extend({ arguments: z.unknown().optional() }),
});

function toolOf(shape: ToolShape): Tool {
  const { spec } = shape;
  const operation = `${spec.operation.method.toUpperCase()} ${spec.operation.path}`;
  return {
    name: spec.name,
    title: spec.title,
    description: `${spec.description} (API: ${operation}${shape.operationId ? `, ${shape.operationId}` : ""}${shape.summary ? `: ${shape.summary}` : ""})`,
    inputSchema: shape.inputSchema,
    outputSchema: shape.outputSchema,
    annotations: { title: spec.title, ...spec.annotations },
  };
}

/** True when every message of the POST is a tools/call: its operation charges the key, not /mcp. */
function onlyToolCalls(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return (
    messages.length > 0 &&
    messages.every((m) => typeof m === "object" && m !== null && (m as { method?: unknown }).method === "tools/call")
  );
}

function methodNotAllowed(c: Context<AppEnv>): Response {
  return c.json({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: POST only" }, id: null }, 405, {
    Allow: "POST",
  });
}

/**
 * The /mcp route of `app`, whose operations the tools call (through `app.fetch`) and whose
 * OpenAPI document gives their schemas (read once per isolate, on the first request).
 */
export function mcpRoutes(app: OpenAPIHono<AppEnv>) {
  let shapes: Map<string, ToolShape> | null = null;
  const toolShapes = () => {
    if (!shapes) {
      const document = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "tools", version: "1" } });
      shapes = new Map(TOOLS.map((spec) => [spec.name, toolShape(spec, document as unknown as OpenApiDocument)]));
    }
    return shapes;
  };

  return createRouter().all(MCP_PATH, async (c) => {
    const origin = foreignOrigin(c);
    if (origin !== null) throw new ProblemError("forbidden", `Requests from the origin ${origin} may not call /mcp`);
    if (c.req.method !== "POST") return methodNotAllowed(c);

    const text = await c.req.text();
    let parsed: { body: unknown } | null = null;
    try {
      parsed = { body: JSON.parse(text) };
    } catch {
      // Not JSON: the transport answers it (a JSON-RPC parse error), once the caller is known.
    }
    const caller = await mcpCaller(c, { admit: !(parsed && onlyToolCalls(parsed.body)) });
    const deps: ToolCallDeps = {
      dispatch: ((request) => app.fetch(request, c.env, executionContextOf(c))) as Dispatch,
      shapes: toolShapes(),
    };

    const server = new Server(SERVER_INFO, {
      capabilities: { tools: {} },
      instructions: INSTRUCTIONS,
      jsonSchemaValidator: NO_CLIENT_ANSWERS,
    });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [...deps.shapes.values()].map(toolOf) }));
    server.setRequestHandler(ToolCallRequest, (request) =>
      callTool(c, deps, caller, request.params.name, request.params.arguments ?? {}),
    );
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    const request = new Request(c.req.raw.url, { method: "POST", headers: c.req.raw.headers, body: text });
    const response = await transport.handleRequest(request, parsed ? { parsedBody: parsed.body } : undefined);
    const body = response.body ? await response.text() : null;
    await server.close();
    const headers = Object.fromEntries(response.headers);
    if (body === null) return c.body(null, response.status as StatusCode, headers);
    return c.body(body, response.status as ContentfulStatusCode, headers);
  });
}

function executionContextOf(c: Context<AppEnv>): Context<AppEnv>["executionCtx"] | undefined {
  try {
    return c.executionCtx;
  } catch {
    // Hono's app.request in a test has none.
    return undefined;
  }
}
