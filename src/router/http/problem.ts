// RFC 9457 problem details: the one error shape of the API.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export type { FieldError, Problem, ProblemKind } from "../../core/problem";
export { PROBLEM_TYPES, ProblemError, problemTypeUri } from "../../core/problem";

import type { Problem } from "../../core/problem";

/** A problem as the body of `c`'s response: the request's path as `instance`, and its id. */
export function problemBody(c: Context, problem: Problem): Problem {
  const body: Problem = { ...problem, instance: problem.instance ?? new URL(c.req.url).pathname };
  const requestId = c.get("requestId" as never) as string | undefined;
  if (requestId) body.request_id = requestId;
  return body;
}

/** Render a problem as the response of `c`, with the request's path as `instance`. */
export function problemResponse(c: Context, problem: Problem, headers: Record<string, string> = {}): Response {
  const body = problemBody(c, problem);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.body(JSON.stringify(body), problem.status as ContentfulStatusCode, {
    "Content-Type": PROBLEM_CONTENT_TYPE,
  });
}
