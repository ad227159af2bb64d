// One tools/call: the tool's arguments become its API operation's request, made with the
// caller's credential (./dispatch.ts), the answer becomes the tool's result
// (./results.ts), and the call is audited (./tool-audit.ts), whatever its outcome. A call
// that never reaches an operation (an unknown tool, an argument with no place) is
// charged to the key here, as the operation would have charged it (./principal.ts).
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { Context } from "hono";
import { type Problem, ProblemError } from "../../core/problem";
import type { AppEnv } from "../http/app-env";
import { type ApiAnswer, type Caller, callOperation, type Dispatch, operationRequest } from "./dispatch";
import { withAccountOfPlatform } from "./draft-account";
import { type McpCaller, mcpCaller } from "./principal";
import { toolAnswer, toolError } from "./results";
import { auditToolCall, type ToolCallOutcome } from "./tool-audit";
import type { ToolShape } from "./tool-schemas";

export interface ToolCallDeps {
  dispatch: Dispatch;
  shapes: ReadonlyMap<string, ToolShape>;
}

function forwardedHeaders(c: Context<AppEnv>): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const name of ["User-Agent", "CF-Connecting-IP"]) {
    const value = c.req.header(name);
    if (value) forwarded[name] = value;
  }
  return forwarded;
}

/** Charges the key for a call that reached no operation; over its limit, the call is refused. */
async function charge(c: Context<AppEnv>): Promise<Problem | null> {
  try {
    await mcpCaller(c, { admit: true });
    return null;
  } catch (error) {
    if (error instanceof ProblemError) return error.problem;
    throw error;
  }
}

export async function callTool(
  c: Context<AppEnv>,
  deps: ToolCallDeps,
  caller: McpCaller,
  name: string,
  given: unknown,
): Promise<CallToolResult> {
  const shape = deps.shapes.get(name);
  const record = (outcome: Omit<ToolCallOutcome, "tool" | "arguments">) =>
    auditToolCall(c, caller, { tool: name, arguments: given, ...outcome });
  const refused = async (problem: Problem, operation: string | null = null, answer?: ApiAnswer) => {
    await record({
      operation,
      status: problem.status,
      ok: false,
      problem: { type: problem.type, detail: problem.detail ?? null },
      apiRequestId: answer?.requestId ?? null,
    });
    return toolError(problem, answer?.retryAfter ?? null);
  };

  // The protocol's answers to a tool it does not list and to arguments that are not an
  // object (MCP, Tools: error handling), each charged and audited as a call.
  const malformed = !shape
    ? `Unknown tool: ${name}`
    : typeof given !== "object" || given === null || Array.isArray(given)
      ? `The arguments of ${name} must be an object`
      : null;
  if (!shape || malformed) {
    const limited = await charge(c);
    await record({
      operation: null,
      status: shape ? 400 : 404,
      ok: false,
      problem: { type: shape ? "invalid_arguments" : "unknown_tool", detail: malformed },
      apiRequestId: null,
    });
    if (limited) return toolError(limited);
    throw new McpError(ErrorCode.InvalidParams, malformed ?? "");
  }
  const args = given as Record<string, unknown>;
  const operation = `${shape.spec.operation.method.toUpperCase()} ${shape.spec.operation.path}`;
  const target: Caller = {
    origin: new URL(c.req.url).origin,
    authorization: caller.authorization,
    forwarded: forwardedHeaders(c),
  };
  try {
    let callArgs = args;
    if (shape.spec.accountByPlatform) {
      const resolved = await withAccountOfPlatform(deps.dispatch, target, args);
      if ("refused" in resolved) {
        const answer = resolved.refused;
        const result = toolAnswer(shape.spec, answer);
        await record({
          operation: "GET /v1/social-accounts",
          status: answer.status,
          ok: false,
          problem: problemSummary(answer),
          apiRequestId: answer.requestId,
        });
        return result;
      }
      if ("problem" in resolved) return await refused((await charge(c)) ?? resolved.problem);
      callArgs = resolved.args;
    }
    const built = operationRequest(shape, callArgs, target);
    if ("problem" in built) return await refused((await charge(c)) ?? built.problem);
    const answer = await callOperation(deps.dispatch, built.request);
    const ok = answer.status >= 200 && answer.status < 300;
    await record({
      operation,
      status: answer.status,
      ok,
      ...(ok ? {} : { problem: problemSummary(answer) }),
      apiRequestId: answer.requestId,
    });
    return toolAnswer(shape.spec, answer);
  } catch (error) {
    // A failure of this server, not the caller's: said as a tool error, never a broken session.
    console.error(
      `[${c.var.requestId}] MCP tool ${name} failed: ${error instanceof Error ? error.stack : String(error)}`,
    );
    return await refused(
      new ProblemError("internal", "The tool failed inside the server (its log says why)").problem,
      operation,
    );
  }
}

function problemSummary(answer: ApiAnswer): { type: string; detail: string | null } {
  const body = answer.body as { type?: unknown; detail?: unknown } | null;
  return {
    type: typeof body?.type === "string" ? body.type : `status_${answer.status}`,
    detail: typeof body?.detail === "string" ? body.detail : null,
  };
}
