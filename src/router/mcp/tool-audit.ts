// Every tool call leaves one row in the tenant's audit trail (docs/mcp.md, Audit): action
// mcp.tool_call, the tool as its resource, and in its metadata the agent (the API key),
// the SHA-256 of the call's arguments (never the arguments: a post's text or a vector is
// the tenant's content, not the trail's), the operation it called and its outcome. The
// operation's own rows (a post published, a refusal) are written by its route as for any
// client, under the API request id the row names.
import type { Context } from "hono";
import { isoNow } from "../../core/clock";
import { sha256, toHex, utf8 } from "../../core/crypto/encoding";
import { pendingAuditRow } from "../../core/db/audit-logs";
import type { AppEnv } from "../http/app-env";
import { auditActor, auditInTenantShard } from "../http/audit";
import type { McpCaller } from "./principal";

export const TOOL_CALL_ACTION = "mcp.tool_call";

export interface ToolCallOutcome {
  tool: string;
  arguments: unknown;
  /** "GET /v1/posts": the operation called, or null when none was (an unknown tool, a bad argument). */
  operation: string | null;
  /** The operation's HTTP status, or the problem's when the call stopped before it. */
  status: number;
  ok: boolean;
  /** The problem's type and detail of a refusal. */
  problem?: { type: string; detail: string | null };
  apiRequestId: string | null;
}

/** JSON with every object's keys sorted, so equal arguments have one digest. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export async function argumentsDigest(args: unknown): Promise<string> {
  return toHex(await sha256(utf8(canonical(args ?? {}))));
}

/**
 * Writes the call's row to the tenant's shard (kept by the tenant's object when the shard
 * refuses it: src/router/http/audit.ts). A row that cannot be written at all is logged
 * loudly; the tool's answer still goes back, since what the call did is done.
 */
export async function auditToolCall(c: Context<AppEnv>, caller: McpCaller, call: ToolCallOutcome): Promise<void> {
  const row = pendingAuditRow(
    auditActor(c),
    {
      action: TOOL_CALL_ACTION,
      resourceType: "mcp_tool",
      resourceId: call.tool.slice(0, 64),
      success: call.ok,
      errorMessage: call.ok ? null : `${call.status}: ${call.problem?.detail ?? call.problem?.type ?? "refused"}`,
      metadata: {
        tool: call.tool,
        agent: caller.agent,
        arguments_sha256: await argumentsDigest(call.arguments),
        operation: call.operation,
        status: call.status,
        outcome: call.ok ? "ok" : "error",
        ...(call.problem ? { problem_type: call.problem.type } : {}),
        api_request_id: call.apiRequestId,
      },
    },
    isoNow(c.var.clock),
  );
  try {
    await auditInTenantShard(c.env, caller.principal.tenantId, [row]);
  } catch (error) {
    console.error(`[${c.var.requestId}] audit row of MCP tool call ${call.tool} was not written: ${String(error)}`);
  }
}
