// A tool call is its API operation, made inside the Worker: the arguments become the
// operation's path, query, headers and body (./tool-schemas.ts says which is which) and
// the request goes through the whole app (app.fetch) with the caller's own Authorization
// header, marked as drafted through MCP (src/router/http/drafted-via.ts). So the route's validation, guard (role and the key's scopes), subscription gate,
// quotas, the key's hourly limit, its audit rows and its problem answers are exactly the
// API's (docs/mcp.md, Why tools call the routes). Nothing leaves the isolate.
import { type Problem, ProblemError } from "../../core/problem";
import { DRAFTED_VIA_HEADER } from "../http/drafted-via";
import type { ToolShape } from "./tool-schemas";

/** The app's own fetch (src/router/app.ts hands it over when it mounts /mcp). */
export type Dispatch = (request: Request) => Promise<Response>;

/** What the operation answered. */
export interface ApiAnswer {
  status: number;
  /** The JSON body: the resource, or the problem when status is not 2xx. */
  body: unknown;
  /** The API request's own id (its X-Request-Id), which its audit rows carry. */
  requestId: string | null;
  retryAfter: string | null;
}

export interface Caller {
  /** The origin /mcp was called at: the API request goes to the same one. */
  origin: string;
  /** The caller's credential, as /mcp received it. */
  authorization: string;
  /** Headers of the /mcp request the API's audit rows read (User-Agent, CF-Connecting-IP). */
  forwarded: Record<string, string>;
}

/** A 400 problem naming the argument, in the API's shape (src/router/http/validation.ts). */
export function argumentProblem(field: string, message: string, where = "arguments"): Problem {
  return new ProblemError("validation", `${where} field "${field}": ${message}`, {
    errors: [{ in: where, field, message }],
  }).problem;
}

function queryValues(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(queryValues);
  return [typeof value === "object" ? JSON.stringify(value) : String(value)];
}

/** The API request of a tool call, or the problem of an argument that has no place in it. */
export function operationRequest(
  shape: ToolShape,
  args: Record<string, unknown>,
  caller: Caller,
): { request: Request } | { problem: Problem } {
  for (const name of Object.keys(args)) {
    if (!shape.places[name]) return { problem: argumentProblem(name, "not an argument of this tool") };
  }
  let path = shape.spec.operation.path;
  const query = new URLSearchParams();
  const headers = new Headers({ ...caller.forwarded, Authorization: caller.authorization, Accept: "application/json" });
  // Whatever it drafts, it drafts as an agent (src/core/auth/approvals.ts: the tenant's
  // approval rules decide whether its post waits).
  headers.set(DRAFTED_VIA_HEADER, "mcp");
  const body: Record<string, unknown> = {};
  for (const [name, place] of Object.entries(shape.places)) {
    const value = args[name];
    if (place.in === "path") {
      if (value === undefined || value === null || value === "") {
        return { problem: argumentProblem(name, "Required", "param") };
      }
      path = path.replace(`{${place.name}}`, encodeURIComponent(String(value)));
    } else if (value === undefined) {
    } else if (place.in === "query") for (const item of queryValues(value)) query.append(place.name, item);
    else if (place.in === "header") {
      if (value !== null) headers.set(place.name, String(value));
    } else body[place.name] = value;
  }
  const url = new URL(path, caller.origin);
  url.search = query.toString();
  if (!shape.hasBody)
    return { request: new Request(url, { method: shape.spec.operation.method.toUpperCase(), headers }) };
  headers.set("Content-Type", "application/json");
  return {
    request: new Request(url, {
      method: shape.spec.operation.method.toUpperCase(),
      headers,
      body: JSON.stringify(body),
    }),
  };
}

/** Sends the API request through the app and reads its answer. */
export async function callOperation(dispatch: Dispatch, request: Request): Promise<ApiAnswer> {
  const response = await dispatch(request);
  const text = await response.text();
  let body: unknown = null;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { detail: text.slice(0, 1000) };
    }
  }
  return {
    status: response.status,
    body,
    requestId: response.headers.get("X-Request-Id"),
    retryAfter: response.headers.get("Retry-After"),
  };
}
