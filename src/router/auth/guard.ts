// Route guards: authenticate, record what the route is about to do (so a refusal
// or failure is audited), then check the permission table and what the tenant's
// subscription stops (402: docs/billing.md, Stripe and subscription states).
import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { explainDenial } from "../../core/auth/explain-denial";
import { denial, type Permission } from "../../core/auth/permissions";
import { paymentRequired, stopsRequest } from "../../core/billing/subscription";
import type { AppEnv } from "../http/app-env";
import { isMutation } from "../http/methods";
import { GUARDED, type GuardMiddleware } from "../http/payment-responses";
import { ProblemError } from "../http/problem";
import { authenticateOperator, authenticateUser } from "./authenticate";

export interface AuditDescriptor {
  /** e.g. "user.update". */
  action: string;
  /** e.g. "user". */
  resource: string;
  /** The path parameter naming the resource, if any. */
  idParam?: string;
}

function pendingAudit(audit: AuditDescriptor): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const id = audit.idParam ? c.req.param(audit.idParam) : undefined;
    c.set("pendingAudit", {
      action: audit.action,
      resourceType: audit.resource,
      resourceId: id ? id.slice(0, 64) : null,
      mutation: isMutation(c.req.method),
    });
    await next();
  });
}

function authorize(permission: Permission, publishes: boolean): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const user = c.var.user;
    if (!user) throw new Error("authorize() needs authenticateUser() before it");
    const reason = denial(permission, user.role, user.credential);
    if (reason) throw new ProblemError("forbidden", explainDenial(permission, reason, user.role), { permission });
    // The object worked the gate out on its clock when it checked the credential; the
    // refusal is audited as every refused mutation is (the error handler's auditFailure).
    if (stopsRequest(user.subscription, { permission, mutation: isMutation(c.req.method), publishes })) {
      throw paymentRequired(user.subscription);
    }
    await next();
  });
}

/**
 * Middleware for a tenant route: who, what is about to happen, and may they.
 * `inObject`: the route's own TenantObject call authenticates, charges the key and
 * checks the permission (c.var.deferredAuth), saving a round trip on a hot path.
 * `publishes`: the route publishes or schedules a post, which a past_due subscription
 * stops after its grace (src/core/billing/subscription.ts).
 */
export function guard(
  permission: Permission,
  audit: AuditDescriptor,
  options: { inObject?: boolean; publishes?: boolean } = {},
): GuardMiddleware {
  const publishes = options.publishes ?? false;
  const list = options.inObject
    ? [
        authenticateUser({ deferTo: { permission, action: audit.action, resourceType: audit.resource, publishes } }),
        pendingAudit(audit),
      ]
    : [authenticateUser(), pendingAudit(audit), authorize(permission, publishes)];
  return Object.assign(list, { [GUARDED]: { permission, publishes } });
}

/** Middleware for an operator route (ADMIN_TOKEN). */
export function operatorGuard(audit: AuditDescriptor): MiddlewareHandler<AppEnv>[] {
  return [authenticateOperator(), pendingAudit(audit)];
}
