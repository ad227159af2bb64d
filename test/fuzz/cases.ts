// What the fuzzer knows of each documented operation: a valid call (path, body) and
// who may make it. The security matrix's catalogue already describes every tenant
// route; the operations it does not walk (public and operator ones, see
// test/security/coverage.test.ts) are described here the same way.
import { ROUTES } from "../security/catalogue";
import { publishingFixtures, scheduledPost } from "../security/catalogue/publishing";
import { fresh, shared } from "../security/own-content";
import type { RouteCase } from "../security/route-case";
import type { Role, World } from "../security/world";
import { skillBody } from "../skills/helpers";
import { call } from "../support/http";
import { addUser, createTenant, PASSWORD } from "../support/tenants";

export type Credential = "session" | "operator" | "none";

export interface FuzzCase {
  route: RouteCase;
  credential: Credential;
}

function unmatrixed(route: Omit<RouteCase, "roles" | "scope" | "mutation" | "ok">): RouteCase {
  return { roles: [], scope: "", mutation: route.method !== "GET", ok: 200, ...route };
}

/** A reset link for a new member of the world's tenant, issued by its owner. */
async function resetToken(world: World): Promise<string> {
  const member = await addUser(world.tenant, "member");
  const res = await call(`/v1/users/${member.userId}/password-reset`, {
    method: "POST",
    token: world.actors.owner.session,
  });
  if (res.status !== 201) throw new Error(`reset link not issued: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

const globalSkillPath = async (world: World) =>
  `/v1/admin/skills/${(await shared(world, "global-skill", fresh.globalSkill)).id}`;

const PUBLIC: RouteCase[] = [
  unmatrixed({ name: "GET /v1/health", method: "GET", path: () => "/v1/health" }),
  unmatrixed({
    name: "POST /v1/auth/login",
    method: "POST",
    path: () => "/v1/auth/login",
    body: (world: World) => ({ tenant_id: world.tenant.tenantId, email: world.tenant.ownerEmail, password: PASSWORD }),
  }),
  // A live reset link of a fresh member each time: a valid call spends it.
  unmatrixed({
    name: "POST /v1/auth/password-reset",
    method: "POST",
    path: () => "/v1/auth/password-reset",
    body: async (world: World) => ({ token: await resetToken(world), new_password: "a long enough password" }),
  }),
  // Its single-use state is the credential; an unknown one is refused.
  unmatrixed({
    name: "GET /v1/oauth/{platform}/start",
    method: "GET",
    path: () => "/v1/oauth/linkedin/start?state=unknown-state",
  }),
  // The consent page's form (URL-encoded): without the browser's cookie it is refused.
  unmatrixed({
    name: "POST /v1/oauth/{platform}/start",
    method: "POST",
    path: () => "/v1/oauth/linkedin/start",
    body: () => ({ state: "unknown-state", token: "A".repeat(43) }),
  }),
  unmatrixed({
    name: "GET /v1/oauth/{platform}/callback",
    method: "GET",
    path: () => "/v1/oauth/linkedin/callback?state=unknown-state&code=some-code",
  }),
];

const OPERATOR: RouteCase[] = [
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

export const FUZZ_CASES: FuzzCase[] = [
  ...ROUTES.map((route) => ({ route, credential: "session" as const })),
  ...OPERATOR.map((route) => ({ route, credential: "operator" as const })),
  ...PUBLIC.map((route) => ({ route, credential: "none" as const })),
];

/** The strongest role the route allows: the deepest code is reached past every permission check. */
export function strongestRole(route: RouteCase): Role {
  return (["owner", "admin", "member", "viewer"] as const).find((role) => route.roles.includes(role)) ?? "owner";
}
