// A route that left authentication to its TenantObject call can fail before making
// that call (a body that does not validate, say). The answer must still put the
// credential first: a bad credential is a 401 and a missing permission a 403,
// whatever else is wrong with the request. This settles the credential on that path.
import type { Context } from "hono";
import { explainDenial } from "../../core/auth/explain-denial";
import { denial } from "../../core/auth/permissions";
import type { UserPrincipal } from "../../core/auth/principal";
import type { AppEnv } from "../http/app-env";
import { auditActor } from "../http/audit";
import { ProblemError } from "../http/problem";
import { acceptAuth } from "./authenticate";

/** The error that must replace the route's own (401, 403, 429), or null when the credential is fine. */
export async function settleDeferredAuth(c: Context<AppEnv>): Promise<ProblemError | null> {
  const deferred = c.var.deferredAuth;
  const stub = c.var.tenantObject;
  if (!deferred || c.var.user || !stub) return null;
  try {
    acceptAuth(c, await stub.authenticate(deferred.presented, { admit: false, actor: auditActor(c) }));
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  // acceptAuth set it (the narrowing above does not know).
  const user = c.get("user") as UserPrincipal | undefined;
  if (!user) return null;
  const why = denial(deferred.permission, user.role, user.credential);
  return why
    ? new ProblemError("forbidden", explainDenial(deferred.permission, why, user.role), {
        permission: deferred.permission,
      })
    : null;
}
