// The privacy routes (docs/privacy.md), with who may call them: a tenant's export (its
// owner), and a person's data (the person, an owner or an admin) and erasure (an owner
// or admin; the person themselves too, which test/privacy checks).
import { runExport, startExport } from "../../privacy/export-support";
import { addUser, type TestTenant } from "../../support/tenants";
import type { RouteCase } from "../route-case";
import type { World } from "../world";
import { ADMINS, ALL } from "./identity";

/** One ready export per tenant, made on first use. */
const ready = new Map<string, Promise<string>>();
function readyExport(tenant: TestTenant, token: string): Promise<string> {
  let made = ready.get(tenant.tenantId);
  if (!made) {
    made = (async () => {
      const started = await startExport(token);
      await runExport(tenant.tenantId, started.id);
      return started.id;
    })();
    ready.set(tenant.tenantId, made);
  }
  return made;
}
const ownExport = (world: World) => readyExport(world.tenant, world.actors.owner.session);
const otherExport = (world: World) => readyExport(world.other, world.other.ownerKey);

export const PRIVACY_ROUTES: RouteCase[] = [
  // Starts an export: a fresh tenant's each time it is allowed (one runs at a time).
  {
    name: "POST /v1/tenant/exports",
    method: "POST",
    path: () => "/v1/tenant/exports",
    roles: ["owner"],
    scope: "manage:tenant",
    mutation: true,
    ok: 202,
    destructive: true,
  },
  {
    name: "GET /v1/tenant/exports/{id}",
    method: "GET",
    path: async (world) => `/v1/tenant/exports/${await ownExport(world)}`,
    roles: ["owner"],
    scope: "manage:tenant",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/tenant/exports/exp_lowercase", field: "id" },
    foreign: async (world) => `/v1/tenant/exports/${await otherExport(world)}`,
  },
  {
    name: "GET /v1/tenant/exports/{id}/download",
    method: "GET",
    path: async (world) => `/v1/tenant/exports/${await ownExport(world)}/download`,
    roles: ["owner"],
    scope: "manage:tenant",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/tenant/exports/nope/download", field: "id" },
    foreign: async (world) => `/v1/tenant/exports/${await otherExport(world)}/download`,
  },
  {
    name: "GET /v1/users/{id}/export",
    method: "GET",
    // Each caller's own data: every role may read its own.
    path: (_world, actor) => `/v1/users/${actor.userId}/export`,
    roles: ALL,
    scope: "read:users",
    mutation: false,
    ok: 200,
    invalid: { path: (_world, actor) => `/v1/users/${actor.userId}/export?limit=0`, field: "limit" },
    foreign: (world) => `/v1/users/${world.otherUserId}/export`,
  },
  // Erases a fresh member each time: owners and admins may; a member or viewer may erase
  // only themselves.
  {
    name: "POST /v1/users/{id}/erase",
    method: "POST",
    path: async (world) => `/v1/users/${(await addUser(world.tenant, "member")).userId}/erase`,
    roles: ADMINS,
    scope: "manage:users",
    sessionOnly: true,
    mutation: true,
    ok: 200,
    invalid: { path: () => "/v1/users/usr_lowercase/erase", field: "id" },
    foreign: (world) => `/v1/users/${world.otherUserId}/erase`,
  },
];
