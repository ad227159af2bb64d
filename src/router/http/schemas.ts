// Shared zod schemas for responses and parameters, registered once in OpenAPI.
import { z } from "@hono/zod-openapi";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "/problems/validation" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    request_id: z.string().optional(),
    errors: z.array(z.object({ in: z.string(), field: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

/** The response entry for a problem status, for a route's `responses`. */
export function problemResponseSpec(description: string) {
  return {
    description,
    content: { "application/problem+json": { schema: ProblemSchema } },
  };
}

/** The Idempotency-Key request header: a request repeated with the same key counts once. */
export function idempotencyHeader(description: string) {
  return z.object({
    "idempotency-key": z
      .string()
      .min(1)
      .max(255)
      .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
      .optional()
      .openapi({ description }),
  });
}
