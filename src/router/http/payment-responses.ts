// The 402 in the OpenAPI document: every route a subscription may stop says so
// (docs/billing.md, Stripe and subscription states). Which routes those are is what the
// guard itself checks (stopsRequest over the route's permission), read from the guard
// on each route's middleware as the route is registered (createRouter in app-env.ts),
// so the document and the gate cannot disagree.

import type { MiddlewareHandler } from "hono";
import type { Permission } from "../../core/auth/permissions";
import { stopsRequest } from "../../core/billing/subscription";
import { isMutation } from "./methods";
import { problemResponseSpec } from "./schemas";

/**
 * What a tenant route's guard checks (src/router/auth/guard.ts), kept on its list of
 * middleware so that the route's 402 can be documented from it.
 */
export const GUARDED: unique symbol = Symbol("guarded");

// biome-ignore lint/suspicious/noExplicitAny: any route's environment
export type GuardMiddleware = MiddlewareHandler<any>[] & {
  [GUARDED]?: { permission: Permission; publishes: boolean };
};

const PAYMENT_REQUIRED = problemResponseSpec(
  "The tenant's subscription stops this request (payment-required): canceled, every write but a few; past_due after its grace, publishing and scheduling",
);

/** Adds the 402 to `route`'s responses when its guard's subscription gate may refuse it. */
export function documentPaymentRequired(route: {
  method: string;
  middleware?: unknown;
  responses: Record<string | number, unknown>;
}): void {
  const guarded = (route.middleware as GuardMiddleware | undefined)?.[GUARDED];
  if (!guarded) return;
  const request = { ...guarded, mutation: isMutation(route.method.toUpperCase()) };
  const stoppable = stopsRequest({ stops: "writes" }, request) || stopsRequest({ stops: "publishing" }, request);
  if (stoppable && !route.responses[402]) route.responses[402] = PAYMENT_REQUIRED;
}
