// The report routes (README, "Reports": benchmarks, viral posts, ROI, top posts and
// anomalies, conversions, A/B tests), with who may call them. A post of another tenant named in
// a body (404 as for a missing one) is checked in test/reports/, since the matrix's
// foreign case addresses paths.
import { connectAccount, publishBody } from "../../support/accounts";
import { call } from "../../support/http";
import type { TestTenant } from "../../support/tenants";
import type { RouteCase } from "../route-case";
import type { World } from "../world";
import { ALL, WRITERS } from "./identity";

interface Fixtures {
  posts: [string, string];
  conversion: string;
  abTest: string;
  otherConversion: string;
  otherAbTest: string;
}

async function created(token: string, path: string, body: unknown): Promise<string> {
  const res = await call(path, { token, body });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

async function reportsOf(tenant: TestTenant) {
  const account = await connectAccount(tenant.ownerKey, "linkedin");
  const posts: [string, string] = [
    await created(tenant.ownerKey, "/v1/posts", publishBody(account)),
    await created(tenant.ownerKey, "/v1/posts", publishBody(account)),
  ];
  const conversion = await created(tenant.ownerKey, "/v1/conversions", { post_id: posts[0], type: "purchase" });
  const abTest = await created(tenant.ownerKey, "/v1/ab-tests", { name: "Matrix", variants: posts });
  return { posts, conversion, abTest };
}

const SOME_POST = "post_00000000000000000000000000";

const fixtures = new WeakMap<World, Promise<Fixtures>>();

/** Posts, a conversion and an A/B test in each tenant, made once per world. */
function of(world: World): Promise<Fixtures> {
  let pending = fixtures.get(world);
  if (!pending) {
    pending = (async () => {
      const own = await reportsOf(world.tenant);
      const other = await reportsOf(world.other);
      return { ...own, otherConversion: other.conversion, otherAbTest: other.abTest };
    })();
    fixtures.set(world, pending);
  }
  return pending;
}

/**
 * The path of a route whose body needs the fixtures: made here, since the matrix
 * resolves paths before it snapshots the database and bodies after.
 */
function primed(path: string) {
  return async (world: World) => {
    await of(world);
    return path;
  };
}

export const REPORT_ROUTES: RouteCase[] = [
  {
    name: "GET /v1/analytics/benchmarks",
    method: "GET",
    path: () => "/v1/analytics/benchmarks",
    roles: ALL,
    scope: "read:analytics",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/analytics/benchmarks?platform=myspace", field: "platform" },
  },
  {
    name: "GET /v1/analytics/viral",
    method: "GET",
    path: () => "/v1/analytics/viral?days=7",
    roles: ALL,
    scope: "read:analytics",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/analytics/viral?days=0", field: "days" },
  },
  {
    name: "GET /v1/analytics/roi",
    method: "GET",
    path: () => "/v1/analytics/roi?cost_per_post=80",
    roles: ALL,
    scope: "read:analytics",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/analytics/roi?cost_per_post=0", field: "cost_per_post" },
  },
  {
    name: "GET /v1/analytics/top-posts",
    method: "GET",
    path: () => "/v1/analytics/top-posts?days=7",
    roles: ALL,
    scope: "read:analytics",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/analytics/top-posts?days=91", field: "days" },
  },
  {
    name: "GET /v1/analytics/anomalies",
    method: "GET",
    path: () => "/v1/analytics/anomalies?platform=linkedin",
    roles: ALL,
    scope: "read:analytics",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/analytics/anomalies?limit=51", field: "limit" },
  },
  {
    name: "POST /v1/conversions",
    method: "POST",
    path: primed("/v1/conversions"),
    body: async (world: World) => ({ post_id: (await of(world)).posts[1], type: "form_submit", session_id: "matrix" }),
    roles: WRITERS,
    scope: "write:analytics",
    mutation: true,
    ok: 201,
    invalid: { body: { post_id: "post_1", type: "purchase" }, field: "post_id" },
  },
  {
    name: "GET /v1/conversions",
    method: "GET",
    path: () => "/v1/conversions",
    roles: ALL,
    scope: "read:analytics",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/conversions?type=refund", field: "type" },
  },
  {
    name: "GET /v1/conversions/{id}",
    method: "GET",
    path: async (world) => `/v1/conversions/${(await of(world)).conversion}`,
    roles: ALL,
    scope: "read:analytics",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/conversions/cnv_1", field: "id" },
    foreign: async (world) => `/v1/conversions/${(await of(world)).otherConversion}`,
  },
  {
    name: "POST /v1/ab-tests",
    method: "POST",
    path: primed("/v1/ab-tests"),
    body: async (world: World) => ({ name: "Matrix run", variants: (await of(world)).posts }),
    roles: WRITERS,
    scope: "write:analytics",
    mutation: true,
    ok: 201,
    // The same post twice is refused before any post is looked up.
    invalid: { body: { name: "Twice", variants: [SOME_POST, SOME_POST] }, field: "variants.1" },
  },
  {
    name: "GET /v1/ab-tests",
    method: "GET",
    path: () => "/v1/ab-tests",
    roles: ALL,
    scope: "read:analytics",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/ab-tests?status=paused", field: "status" },
  },
  {
    name: "GET /v1/ab-tests/{id}",
    method: "GET",
    path: async (world) => `/v1/ab-tests/${(await of(world)).abTest}`,
    roles: ALL,
    scope: "read:analytics",
    mutation: false,
    ok: 200,
    invalid: { path: () => "/v1/ab-tests/abt_nope", field: "id" },
    foreign: async (world) => `/v1/ab-tests/${(await of(world)).otherAbTest}`,
  },
];
