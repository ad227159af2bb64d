// Pieces every tenant route's OpenAPI definition repeats: the bearer requirement, the
// problem responses, a JSON body and a JSON response.
import type { z } from "@hono/zod-openapi";
import { problemResponseSpec } from "./schemas";

export const bearer = [{ bearerAuth: [] }];

/** 400, 401, 403, and 404 when the route addresses a resource. */
export function problems(notFound?: string) {
  return {
    400: problemResponseSpec("Invalid input; `errors` names each field"),
    401: problemResponseSpec("No valid credential"),
    403: problemResponseSpec("Role or scope does not allow it"),
    ...(notFound ? { 404: problemResponseSpec(notFound) } : {}),
  };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { content: { "application/json": { schema } }, required: true } };
}

export function jsonResponse<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { "application/json": { schema } } };
}
