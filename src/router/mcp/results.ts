// What a tool answers: a short line a model reads first, the API's JSON (as text too, for
// clients that show only text) and the same JSON as structuredContent, which the tool's
// outputSchema describes. A refusal is a tool error (isError) carrying the API's problem:
// its title, detail and each named field, never a JSON-RPC error that would end the call.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type Problem, ProblemError } from "../../core/problem";
import type { ToolSpec } from "./catalogue";
import type { ApiAnswer } from "./dispatch";

/** Items listed in the first line's summary; the JSON has them all. */
const LISTED = 20;

function valueAt(item: unknown, path: string): unknown {
  let value = item;
  for (const key of path.split(".")) value = (value as Record<string, unknown> | null)?.[key];
  return value;
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return value.map(shown).join(" ");
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function fieldsOf(item: unknown, fields: readonly string[]): string {
  return fields
    .map((field) => [field, valueAt(item, field)] as const)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([field, value]) => `${field}: ${shown(value)}`)
    .join(", ");
}

/** The first line: a page's count and items, or one resource's named fields. */
export function summaryOf(spec: ToolSpec, body: unknown): string {
  const record = (body ?? {}) as Record<string, unknown>;
  const list = Object.values(record).find(Array.isArray) as unknown[] | undefined;
  if (list && ("data" in record || "matches" in record)) {
    const count = `${list.length} ${spec.noun}${list.length === 1 ? "" : "s"}`;
    const more = typeof record.next_cursor === "string" ? " (more: call again with cursor = next_cursor)" : "";
    const lines = list.slice(0, LISTED).map((item) => `- ${fieldsOf(item, spec.brief)}`);
    return [`${count}${more}`, ...lines].join("\n");
  }
  return `The ${spec.noun}: ${fieldsOf(body, spec.brief)}`;
}

/** A tool error of `problem`: its status, title, detail and fields, then the problem as JSON. */
export function toolError(problem: Problem, retryAfter: string | null = null): CallToolResult {
  const lines = [`${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`];
  for (const error of problem.errors ?? []) lines.push(`- ${error.in} field "${error.field}": ${error.message}`);
  if (retryAfter) lines.push(`Retry after ${retryAfter} seconds.`);
  return {
    isError: true,
    content: [
      { type: "text", text: lines.join("\n") },
      { type: "text", text: JSON.stringify(problem) },
    ],
  };
}

function problemOf(answer: ApiAnswer): Problem {
  const body = answer.body as Partial<Problem> | null;
  if (body && typeof body.status === "number" && typeof body.title === "string") return body as Problem;
  // Every API answer but a success is problem+json; anything else is reported as it came.
  return {
    ...new ProblemError(answer.status >= 500 ? "internal" : "validation").problem,
    status: answer.status,
    detail: JSON.stringify(answer.body).slice(0, 1000),
  };
}

/** The tool's answer of the operation's answer. */
export function toolAnswer(spec: ToolSpec, answer: ApiAnswer): CallToolResult {
  if (answer.status < 200 || answer.status >= 300) return toolError(problemOf(answer), answer.retryAfter);
  const body = (answer.body ?? {}) as Record<string, unknown>;
  return {
    content: [
      { type: "text", text: summaryOf(spec, body) },
      { type: "text", text: JSON.stringify(body) },
    ],
    structuredContent: body,
  };
}
