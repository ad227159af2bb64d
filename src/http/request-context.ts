// Typed access to what the guards put in the context. A route that reads these
// without a guard is a bug, and fails loudly.
import type { Context } from "hono";
import type { UserPrincipal } from "../auth/principal";
import type { TenantScope } from "../db/tenant-scope";
import type { AppEnv } from "./app-env";

export function caller(c: Context<AppEnv>): { user: UserPrincipal; scope: TenantScope } {
  const user = c.var.user;
  const scope = c.var.scope;
  if (!user || !scope) throw new Error("route reached without authenticateUser()");
  return { user, scope };
}
