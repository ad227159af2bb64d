// Route guards: authenticate, record what the route is about to do (so a refusal
// or failure is audited), then check the permission table.
import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { explainDenial } from "../../core/auth/explain-denial";
import { denial, type Permission } from "../../core/auth/permissions";
import type { AppEnv } from "../http/app-env";
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
      mutation: !["GET", "HEAD", "OPTIONS"].includes(c.req.method),
    });
    await next();
  });
}

function authorize(permission: Permission): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const user = c.var.user;
    if (!user) throw new Error("authorize() needs authenticateUser() before it");
    const reason = denial(permission, user.role, user.credential);
    if (reason) throw new ProblemError("forbidden", explainDenial(permission, reason, user.role), { permission });
    await next();
  });
}

/**
 * Middleware for a tenant route: who, what is about to happen, and may they.
 * `inObject`: the route's own TenantObject call authenticates, charges the key and
 * checks the permission (c.var.deferredAuth), saving a round trip on a hot path.
 */
export function guard(
  permission: Permission,
  audit: AuditDescriptor,
  options: { inObject?: boolean } = {},
): MiddlewareHandler<AppEnv>[] {
  if (options.inObject) {
    return [
      authenticateUser({ deferTo: { permission, action: audit.action, resourceType: audit.resource } }),
      pendingAudit(audit),
    ];
  }
  return [authenticateUser(), pendingAudit(audit), authorize(permission)];
}

/** Middleware for an operator route (ADMIN_TOKEN). */
export function operatorGuard(audit: AuditDescriptor): MiddlewareHandler<AppEnv>[] {
  return [authenticateOperator(), pendingAudit(audit)];
}
