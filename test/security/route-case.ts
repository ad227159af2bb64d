// How the security matrix describes a route: who may call it, how to call it well,
// badly, and across tenants. Each area lists its routes in catalogue/<area>.ts, written
// out by hand rather than read from the permission table under test.
import { call } from "../support/http";
import { createTenant, login } from "../support/tenants";
import type { Actor, Role, World } from "./world";

export interface RouteCase {
  name: string;
  method: string;
  /** A path the actor may legitimately address in its own tenant. */
  path: (world: World, actor: Actor) => Promise<string> | string;
  /** A value, or a function of the world that makes one. */
  body?: unknown;
  /** Roles allowed by the product's rules. */
  roles: readonly Role[];
  /** The scope an API key needs. */
  scope: string;
  /** Only a session token may call it. */
  sessionOnly?: boolean;
  /** A mutation: failures are audited. */
  mutation: boolean;
  /** Status of an allowed call. */
  ok: number;
  /** A call that fails validation, and the field the 400 must name. */
  invalid?: { path?: (world: World, actor: Actor) => Promise<string> | string; body?: unknown; field: string };
  /** The same route addressing another tenant's resource. */
  foreign?: (world: World) => Promise<string> | string;
  /** Build a fresh world for the allowed call (the call destroys something). */
  destructive?: boolean;
}

/** The route's body: a value, or made for the world (a function of it). */
export async function bodyOf(route: RouteCase, world: World): Promise<unknown> {
  return typeof route.body === "function" ? await (route.body as (world: World) => unknown)(world) : route.body;
}

/** A world in which a destructive call may succeed without spoiling the shared one. */
export async function freshOwnerSession(): Promise<string> {
  const tenant = await createTenant();
  return login(tenant.tenantId, tenant.ownerEmail);
}

export async function send(
  route: RouteCase,
  world: World,
  path: string,
  token?: string,
  body?: unknown,
): Promise<Response> {
  return call(path, { method: route.method, token, body: body ?? (await bodyOf(route, world)) });
}
