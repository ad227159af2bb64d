// The operator's operations (ADMIN_TOKEN): tenants, shards, moves, the skill registry
// and the daily jobs. Described as the matrix describes a route (a valid call), for the
// fuzzer and the coverage check.
import { skillBody } from "../../skills/helpers";
import { call } from "../../support/http";
import { createTenant, login, PASSWORD } from "../../support/tenants";
import { fresh, shared } from "../own-content";
import type { RouteCase } from "../route-case";
import type { World } from "../world";
import { unmatrixed } from "./public";
import { publishingFixtures, scheduledPost } from "./publishing";

const globalSkillPath = async (world: World) =>
  `/v1/admin/skills/${(await shared(world, "global-skill", fresh.globalSkill)).id}`;

/** A tenant its owner deleted: in its grace. */
async function deletedTenant() {
  const tenant = await createTenant();
  const res = await call("/v1/tenant", { method: "DELETE", token: await login(tenant.tenantId, tenant.ownerEmail) });
  if (res.status !== 200) throw new Error(`tenant not deleted: ${res.status} ${await res.text()}`);
  return tenant;
}

export const OPERATOR_ROUTES: RouteCase[] = [
  unmatrixed({
    name: "POST /v1/tenants",
    method: "POST",
    path: () => "/v1/tenants",
    body: () => ({
      name: "Fuzzed Ltd",
      region: "eu-west",
      owner: { email: `fuzz-${crypto.randomUUID()}@example.com`, password: PASSWORD },
    }),
  }),
  unmatrixed({
    name: "POST /v1/admin/skills",
    method: "POST",
    path: () => "/v1/admin/skills",
    body: () => skillBody(),
  }),
  unmatrixed({
    name: "POST /v1/admin/skills/{id}/promote",
    method: "POST",
    path: async (world) => `${await globalSkillPath(world)}/promote`,
    body: { reason: "strong results" },
  }),
  unmatrixed({
    name: "POST /v1/admin/skills/{id}/retire",
    method: "POST",
    path: async (world) => `${await globalSkillPath(world)}/retire`,
    body: { reason: "obsolete" },
  }),
  unmatrixed({ name: "GET /v1/admin/sharing-events", method: "GET", path: () => "/v1/admin/sharing-events" }),
  unmatrixed({
    name: "POST /v1/admin/jobs/daily-skills",
    method: "POST",
    path: () => "/v1/admin/jobs/daily-skills",
    body: {},
  }),
  unmatrixed({
    name: "POST /v1/admin/jobs/retention",
    method: "POST",
    path: () => "/v1/admin/jobs/retention",
    body: {},
  }),
  // A tenant of its own: a suspension or a move must not touch the fuzzer's world.
  unmatrixed({
    name: "PATCH /v1/tenants/{id}",
    method: "PATCH",
    path: async () => `/v1/tenants/${(await createTenant()).tenantId}`,
    body: { status: "active" },
  }),
  // A tenant of its own too: its plan and subscription are the operator's to override.
  unmatrixed({
    name: "PATCH /v1/admin/tenants/{id}",
    method: "PATCH",
    path: async () => `/v1/admin/tenants/${(await createTenant()).tenantId}`,
    body: { tier: "free", settings: { past_due_grace_days: 14 } },
  }),
  unmatrixed({ name: "GET /v1/admin/shards", method: "GET", path: () => "/v1/admin/shards" }),
  // The Asia-Pacific shard: closing it cannot stop the world's tenants (eu-west) being made.
  unmatrixed({
    name: "PATCH /v1/admin/shards/{shard}",
    method: "PATCH",
    path: () => "/v1/admin/shards/SHARD_AP_SOUTHEAST_1",
    body: { accepts_new_tenants: true },
  }),
  unmatrixed({
    name: "GET /v1/admin/tenants/{id}/placement",
    method: "GET",
    path: (world) => `/v1/admin/tenants/${world.tenant.tenantId}/placement`,
  }),
  unmatrixed({
    name: "POST /v1/admin/tenants/{id}/move",
    method: "POST",
    path: async () => `/v1/admin/tenants/${(await createTenant({ region: "ap-southeast" })).tenantId}/move`,
    body: { to_shard: "SHARD_AP_SOUTHEAST_1" },
  }),
  // A tenant of its own each time: an erasure must not touch the fuzzer's world.
  unmatrixed({
    name: "POST /v1/admin/tenants/{id}/erase",
    method: "POST",
    path: async () => `/v1/admin/tenants/${(await createTenant()).tenantId}/erase`,
  }),
  // A tenant deleted by its owner: its grace is the erasure to read.
  unmatrixed({
    name: "GET /v1/admin/tenants/{id}/erasure",
    method: "GET",
    path: async () => `/v1/admin/tenants/${(await deletedTenant()).tenantId}/erasure`,
  }),
  unmatrixed({
    name: "GET /v1/admin/tenants/{id}/posts",
    method: "GET",
    path: (world) => `/v1/admin/tenants/${world.tenant.tenantId}/posts?status=scheduled`,
  }),
  // A fresh scheduled post of the world's tenant each time: a valid call cancels it.
  unmatrixed({
    name: "POST /v1/admin/tenants/{id}/posts/{post_id}/cancel",
    method: "POST",
    path: async (world) =>
      `/v1/admin/tenants/${world.tenant.tenantId}/posts/${await scheduledPost(world.tenant.ownerKey, (await publishingFixtures(world)).account)}/cancel`,
  }),
];
