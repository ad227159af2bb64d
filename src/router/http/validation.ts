// Turns a zod failure into a 400 problem naming each bad field.
import type { Hook } from "@hono/zod-openapi";
import type { z } from "zod";
import { type FieldError, ProblemError } from "./problem";

const LOCATION: Record<string, string> = { json: "body", form: "body" };

export function fieldErrors(error: z.ZodError, target: string): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    // An unknown key is named itself ("filter.tenant_id"), not only its parent.
    const keys = issue.code === "unrecognized_keys" ? issue.keys.map((key) => [...path, key]) : [path];
    return keys.map((field) => ({ in: LOCATION[target] ?? target, field: field.join("."), message: issue.message }));
  });
}

/** The OpenAPIHono default hook: every route validates the same way. */
// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routes of every shape
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (result.success) return;
  const errors = fieldErrors(result.error, result.target);
  const first = errors[0];
  const detail = first
    ? `${first.in}${first.field ? ` field "${first.field}"` : ""}: ${first.message}`
    : "The request does not match the schema";
  throw new ProblemError("validation", detail, { errors });
};
