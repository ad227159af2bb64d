// The Hono environment every route shares: bindings plus per-request variables.
// Per-request state lives here and only here (ARCHITECTURE.md, Request state).

import { OpenAPIHono } from "@hono/zod-openapi";
import type { RequestIdVariables } from "hono/request-id";
import type { DeferredAuth } from "../../../objects/tenant-object/contract";
import type { OperatorPrincipal, UserPrincipal } from "../../core/auth/principal";
import type { Clock } from "../../core/clock";
import type { TenantScope } from "../../core/db/tenant-scope";
import type { TenantObjectClient } from "../objects";
import { documentPaymentRequired } from "./payment-responses";
import { validationHook } from "./validation";

/** What the route is about to do, so that a refusal or failure is audited too. */
export interface PendingAudit {
  action: string;
  resourceType: string;
  resourceId: string | null;
  /** Mutations are audited when they fail; reads only when access is denied. */
  mutation: boolean;
}

export type AppVariables = RequestIdVariables & {
  /** The router's clock (src/core/clock.ts), given to createApp: routes read time from it. */
  clock: Clock;
  /** A tenant's user (session or API key), once authenticated. */
  user?: UserPrincipal;
  /** The platform operator (ADMIN_TOKEN), once authenticated. */
  operator?: OperatorPrincipal;
  /** The caller's tenant: the only tenant this request may touch. */
  scope?: TenantScope;
  pendingAudit?: PendingAudit;
  /** Authentication left to the route's own TenantObject call (see authenticateUser). */
  deferredAuth?: DeferredAuth;
  /** The caller's TenantObject, once reached in this request. */
  tenantObject?: TenantObjectClient;
};

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}

/** A sub-app for one route group, validating with the shared problem hook. */
export function createRouter(): OpenAPIHono<AppEnv> {
  const router = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // Each route documents the 402 its subscription gate may answer (payment-responses.ts),
  // read from its guard while the route still carries it: registration drops it.
  const register = router.openapi;
  router.openapi = ((route, ...rest) => {
    documentPaymentRequired(route);
    return register(route, ...rest);
  }) as typeof register;
  return router;
}
