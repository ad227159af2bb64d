// Talking to /mcp as an MCP client does over Streamable HTTP (JSON-RPC 2.0 in a POST,
// both answer types accepted, the protocol version in a header after initialize).
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";
import { call } from "../support/http";

export const ACCEPT = "application/json, text/event-stream";

let sequence = 0;

/** POSTs `message` (one JSON-RPC message or several) to /mcp. */
export function postMcp(message: unknown, options: { token?: string; headers?: Record<string, string> } = {}) {
  return call("/mcp", {
    method: "POST",
    token: options.token,
    body: message,
    headers: { Accept: ACCEPT, "MCP-Protocol-Version": LATEST_PROTOCOL_VERSION, ...options.headers },
  });
}

export interface RpcAnswer {
  jsonrpc: "2.0";
  id: number;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/** One JSON-RPC request; its answer (expected 200 with a JSON body). */
export async function rpc(token: string, method: string, params: Record<string, unknown> = {}): Promise<RpcAnswer> {
  sequence += 1;
  const id = sequence;
  const res = await postMcp({ jsonrpc: "2.0", id, method, params }, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const answer = (await res.json()) as RpcAnswer;
  expect(answer.id).toBe(id);
  return answer;
}

export interface ToolResult {
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** tools/call: the tool's result (a protocol error fails the test). */
export async function callTool(token: string, name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  const answer = await rpc(token, "tools/call", { name, arguments: args });
  expect(answer.error, JSON.stringify(answer.error)).toBeUndefined();
  return answer.result as unknown as ToolResult;
}

/** The problem a tool error carries (its second text block). */
export function problemOf(result: ToolResult): {
  status: number;
  type: string;
  detail?: string;
  errors?: { field: string }[];
} {
  expect(result.isError, JSON.stringify(result)).toBe(true);
  return JSON.parse(result.content[1]?.text ?? "null");
}
