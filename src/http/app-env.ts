// The Hono environment every route shares: bindings plus per-request variables.
// Per-request state lives here and only here (DESIGN.md invariant 1).
import { OpenAPIHono } from "@hono/zod-openapi";
import type { RequestIdVariables } from "hono/request-id";
import { validationHook } from "./validation";

export type AppVariables = RequestIdVariables;

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}

/** A sub-app for one route group, validating with the shared problem hook. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
