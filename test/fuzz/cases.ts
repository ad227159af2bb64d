// What the fuzzer knows of each documented operation: a valid call (path, body) and
// who may make it, from the one list the security matrix reads too
// (test/security/catalogue: the tenant routes, the operator's and the public ones).
import { OPERATIONS, type Operation } from "../security/catalogue";
import type { RouteCase } from "../security/route-case";
import type { Role } from "../security/world";

export type FuzzCase = Operation;

export const FUZZ_CASES: FuzzCase[] = OPERATIONS;

/** The strongest role the route allows: the deepest code is reached past every permission check. */
export function strongestRole(route: RouteCase): Role {
  return (["owner", "admin", "member", "viewer"] as const).find((role) => route.roles.includes(role)) ?? "owner";
}
