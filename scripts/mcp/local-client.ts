// `npm start`'s MCP lines: an agent's key for the demo tenant (kept in
// .wrangler/state/mcp.json beside the demo, made again when the demo is), and how to add
// the local server to a client (docs/mcp.md, Client configuration). The key may read and
// draft, not publish: its drafts wait in the demo's approval queue.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** What the demo's agent may do: read the tenant and draft posts that wait for approval. */
export const AGENT_SCOPES = [
  "read:accounts",
  "read:posts",
  "draft:posts",
  "read:analytics",
  "read:content",
  "read:brand",
];

async function works(origin: string, key: string): Promise<boolean> {
  const res = await fetch(`${origin}/v1/social-accounts?limit=1`, { headers: { Authorization: `Bearer ${key}` } });
  return res.ok;
}

/** The recorded agent key while it still answers, otherwise a new one made with the owner's key. */
export async function localAgentKey(options: { origin: string; ownerKey: string; statePath: string }): Promise<string> {
  const { origin, ownerKey, statePath } = options;
  if (existsSync(statePath)) {
    const { key } = JSON.parse(readFileSync(statePath, "utf8")) as { key?: string };
    if (key && (await works(origin, key))) return key;
  }
  const res = await fetch(`${origin}/v1/api-keys`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ownerKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ scopes: AGENT_SCOPES, kind: "agent" }),
  });
  if (res.status !== 201) throw new Error(`POST /v1/api-keys answered ${res.status}: ${await res.text()}`);
  const { key } = (await res.json()) as { key: string };
  mkdirSync(dirname(statePath), { recursive: true });
  writeFileSync(statePath, `${JSON.stringify({ key, scopes: AGENT_SCOPES }, null, 2)}\n`, { mode: 0o600 });
  return key;
}

/** The lines `npm start` prints: the endpoint, a Claude Code command and a client's JSON. */
export function clientConfigLines(origin: string, key: string): string {
  const url = `${origin}/mcp`;
  const json = JSON.stringify({
    mcpServers: { "dify-agent": { type: "http", url, headers: { Authorization: `Bearer ${key}` } } },
  });
  return `
  AI agents (MCP)  ${url}   (docs/mcp.md; an agent key that reads and drafts: its drafts wait for approval)
    Claude Code    claude mcp add --transport http dify-agent ${url} --header "Authorization: Bearer ${key}"
    mcp.json       ${json}
    conformance    npm run mcp:conformance -- --url ${url}`;
}
