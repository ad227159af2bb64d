// Every tenant route that exists so far, with who may call it, written out by hand
// (not read from the permission table under test), and how to call it well and badly.
import { call } from "../support/http";
import { addUser, createKey, createTenant, login } from "../support/tenants";
import type { Actor, Role, World } from "./matrix-fixtures";

export interface RouteCase {
  name: string;
  method: string;
  /** A path the actor may legitimately address in its own tenant. */
  path: (world: World, actor: Actor) => Promise<string> | string;
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
  foreign?: (world: World) => string;
  /** Build a fresh world for the allowed call (the call destroys something). */
  destructive?: boolean;
}

const ALL: Role[] = ["owner", "admin", "member", "viewer"];
const WRITERS: Role[] = ["owner", "admin", "member"];
const ADMINS: Role[] = ["owner", "admin"];

async function freshMember(world: World): Promise<string> {
  return (await addUser(world.tenant, "member")).userId;
}

export const ROUTES: RouteCase[] = [
  {
    name: "GET /v1/tenant",
    method: "GET",
    path: () => "/v1/tenant",
    roles: ALL,
    scope: "read:tenant",
    mutation: false,
    ok: 200,
  },
  {
    name: "PATCH /v1/tenant",
    method: "PATCH",
    path: () => "/v1/tenant",
    body: { settings: { timezone: "Europe/London" } },
    roles: ADMINS,
    scope: "manage:tenant",
    mutation: true,
    ok: 200,
    invalid: { body: { name: "" }, field: "name" },
  },
  {
    name: "PATCH /v1/tenant/billing",
    method: "PATCH",
    path: () => "/v1/tenant/billing",
    body: { tier: "enterprise" },
    roles: ["owner"],
    scope: "manage:billing",
    mutation: true,
    ok: 200,
    invalid: { body: { stripe_customer_id: "not-a-customer" }, field: "stripe_customer_id" },
  },
  {
    name: "POST /v1/tenant/rotate-key",
    method: "POST",
    path: () => "/v1/tenant/rotate-key",
    roles: ["owner"],
    scope: "manage:tenant",
    mutation: true,
    ok: 200,
  },
  {
    name: "DELETE /v1/tenant",
    method: "DELETE",
    path: () => "/v1/tenant",
    roles: ["owner"],
    scope: "manage:billing",
    sessionOnly: true,
    mutation: true,
    ok: 200,
    destructive: true,
  },
  {
    name: "GET /v1/me",
    method: "GET",
    path: () => "/v1/me",
    roles: ALL,
    scope: "read:users",
    mutation: false,
    ok: 200,
  },
  {
    name: "POST /v1/me/mfa/enroll",
    method: "POST",
    path: () => "/v1/me/mfa/enroll",
    roles: ALL,
    scope: "manage:users",
    sessionOnly: true,
    mutation: true,
    ok: 201,
  },
  {
    name: "POST /v1/me/mfa/verify",
    method: "POST",
    path: () => "/v1/me/mfa/verify",
    body: { code: "000000" },
    roles: ALL,
    scope: "manage:users",
    sessionOnly: true,
    mutation: true,
    // Allowed, but nothing to verify without an enrolment, or the code is wrong.
    ok: -1,
    invalid: { body: { code: "12" }, field: "code" },
  },
  {
    name: "POST /v1/me/mfa/disable",
    method: "POST",
    path: () => "/v1/me/mfa/disable",
    body: { code: "000000" },
    roles: ALL,
    scope: "manage:users",
    sessionOnly: true,
    mutation: true,
    ok: -1,
    invalid: { body: {}, field: "code" },
  },
  {
    name: "GET /v1/users",
    method: "GET",
    path: () => "/v1/users",
    roles: ALL,
    scope: "read:users",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/users?limit=0", field: "limit" },
  },
  {
    name: "GET /v1/users/{id}",
    method: "GET",
    path: (world) => `/v1/users/${world.actors.member.userId}`,
    roles: ALL,
    scope: "read:users",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/users/not-an-id", field: "id" },
    foreign: (world) => `/v1/users/${world.otherUserId}`,
  },
  {
    name: "POST /v1/users",
    method: "POST",
    path: () => "/v1/users",
    body: () => ({
      email: `new-${crypto.randomUUID()}@example.com`,
      password: "a long enough password",
      role: "member",
    }),
    roles: ADMINS,
    scope: "manage:users",
    mutation: true,
    ok: 201,
    invalid: { body: { email: "not an email", password: "a long enough password" }, field: "email" },
  },
  {
    name: "PATCH /v1/users/{id}",
    method: "PATCH",
    path: async (world) => `/v1/users/${await freshMember(world)}`,
    body: { role: "viewer" },
    roles: ADMINS,
    scope: "manage:users",
    mutation: true,
    ok: 200,
    invalid: { body: { role: "superuser" }, field: "role" },
    foreign: (world) => `/v1/users/${world.otherUserId}`,
  },
  {
    name: "DELETE /v1/users/{id}",
    method: "DELETE",
    path: async (world) => `/v1/users/${await freshMember(world)}`,
    roles: ADMINS,
    scope: "manage:users",
    mutation: true,
    ok: 204,
    invalid: { path: () => "/v1/users/usr_lowercase", field: "id" },
    foreign: (world) => `/v1/users/${world.otherUserId}`,
  },
  {
    name: "GET /v1/api-keys",
    method: "GET",
    path: () => "/v1/api-keys",
    roles: ALL,
    scope: "manage:api_keys",
    mutation: false,
    ok: 200,
  },
  {
    name: "POST /v1/api-keys",
    method: "POST",
    path: () => "/v1/api-keys",
    body: { scopes: ["read:posts"] },
    roles: WRITERS,
    scope: "manage:api_keys",
    mutation: true,
    ok: 201,
    invalid: { body: { scopes: ["fly"] }, field: "scopes.0" },
  },
  {
    name: "DELETE /v1/api-keys/{id}",
    method: "DELETE",
    path: async (world, actor) => {
      // A key of the actor's own; viewers have none they made, so use one of the owner's.
      const maker = actor.role === "viewer" ? world.actors.owner.session : actor.session;
      return `/v1/api-keys/${(await createKey(maker, { scopes: ["read:posts"] })).id}`;
    },
    roles: WRITERS,
    scope: "manage:api_keys",
    mutation: true,
    ok: 200,
    invalid: { path: () => "/v1/api-keys/nope", field: "id" },
    foreign: (world) => `/v1/api-keys/${world.otherKeyId}`,
  },
  {
    name: "GET /v1/audit-logs",
    method: "GET",
    path: () => "/v1/audit-logs",
    roles: ADMINS,
    scope: "read:audit",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/audit-logs?from=yesterday", field: "from" },
  },
];

export function bodyOf(route: RouteCase): unknown {
  return typeof route.body === "function" ? (route.body as () => unknown)() : route.body;
}

/** A world in which a destructive call may succeed without spoiling the shared one. */
export async function freshOwnerSession(): Promise<string> {
  const tenant = await createTenant();
  return login(tenant.tenantId, tenant.ownerEmail);
}

export function send(route: RouteCase, path: string, token?: string, body = bodyOf(route)) {
  return call(path, { method: route.method, token, body });
}
