// The fuzzer (ARCHITECTURE.md, Bounded inputs): for every operation of the OpenAPI
// document, hostile requests made from a valid one (test/fuzz/requests.ts), sent with a
// valid credential of a role the operation allows. Properties: never a 5xx; every
// error is problem+json, a 400 naming the field; a refused request writes nothing.
//
// A fixed seed and a few runs per operation in `npm test`; longer runs on demand
// (docs/testing.md): `DEEP=1 npm test` makes 100 per operation, and
//   FUZZ_RUNS=2000 npx vitest run --project workerd-isolated test/fuzz
// any number (FUZZ_SEED=<n> tries another seed; the same FUZZ_SEED and FUZZ_RUNS repeat a run).
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { publishingFixtures } from "../security/catalogue/publishing";
import { bodyOf, freshOwnerSession } from "../security/route-case";
import { buildWorld, ROLE_SCOPES, type World } from "../security/world";
import { ADMIN, createKey, login, type TestTenant } from "../support/tenants";
import { brokenRule } from "./answers";
import { FUZZ_CASES, type FuzzCase, strongestRole } from "./cases";
import { mutations } from "./mutations";
import { type DocumentedOperation, documentedOperations } from "./openapi";
import { type FuzzRequest, hostileRequest } from "./requests";
import { changes, isTimerWrite, snapshot } from "./snapshot";

/** Runs per operation: FUZZ_RUNS, else 100 in the deeper mode (DEEP=1), else a few. */
const RUNS = Number(env.FUZZ_RUNS) || (env.DEEP === "1" ? 100 : 3);
const SEED = Number(env.FUZZ_SEED) || 20_261_129;

let world: World;
let operations: Map<string, DocumentedOperation>;
/** Real ids of every kind, of this tenant and the other: path parameters that exist. */
let ids: string[];

/**
 * The catalogue's fixtures call the API with each tenant's first owner key, limited to
 * 1,000 requests an hour; a long run makes more (every DELETE of an account connects a
 * new one). Owner keys without that limit, made by each owner's session, stand in.
 */
async function withUnthrottledOwnerKeys(built: World): Promise<World> {
  const keyOf = async (tenant: TestTenant) => {
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    const made = await createKey(session, { scopes: ROLE_SCOPES.owner, rate_limit_per_hour: 1_000_000 });
    return { ...tenant, ownerKey: made.key, ownerKeyId: made.id };
  };
  return { ...built, tenant: await keyOf(built.tenant), other: await keyOf(built.other) };
}

beforeAll(async () => {
  world = await withUnthrottledOwnerKeys(await buildWorld());
  operations = await documentedOperations();
  const published = await publishingFixtures(world);
  ids = [
    ...Object.values(world.otherContent),
    world.otherUserId,
    world.otherKeyId,
    world.other.tenantId,
    world.tenant.tenantId,
    world.actors.viewer.userId,
    published.otherAccount,
    published.otherPost,
    published.post,
  ];
}, 120_000);

/** One seed per operation, fixed by the base seed and the operation's name. */
function seedOf(name: string): number {
  let hash = SEED;
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

async function tokenFor(fuzzCase: FuzzCase): Promise<string | undefined> {
  if (fuzzCase.credential === "operator") return ADMIN;
  if (fuzzCase.credential === "none") return undefined;
  // A destructive call (deleting the tenant) gets a tenant of its own each time.
  if (fuzzCase.route.destructive) return freshOwnerSession();
  return world.actors[strongestRole(fuzzCase.route)].session;
}

function send(request: FuzzRequest): Promise<Response> {
  return exports.default.fetch(
    new Request(`https://api.test${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    }),
  );
}

function described(request: FuzzRequest): string {
  const body = typeof request.body === "string" ? request.body : request.body ? `<${request.body.length} bytes>` : "";
  return `${request.method} ${request.path.slice(0, 300)} ${JSON.stringify(request.headers).slice(0, 200)} ${body.slice(0, 400)}`;
}

it("has a fuzz case for every documented operation", async () => {
  const documented = [...(await documentedOperations()).keys()].sort();
  expect(FUZZ_CASES.map((c) => c.route.name).sort()).toEqual(documented);
});

describe.each(FUZZ_CASES.map((c) => [c.route.name, c] as const))("%s", (name, fuzzCase) => {
  it(
    "never answers 5xx; every refusal is problem+json, a 400 names its field, and nothing is written",
    async () => {
      const operation = operations.get(name) as DocumentedOperation;
      const { route } = fuzzCase;
      const actor = world.actors[strongestRole(route)];
      const property = fc.asyncProperty(
        fc.array(mutations(operation, ids), { minLength: 1, maxLength: 3 }),
        async (applied) => {
          const token = await tokenFor(fuzzCase);
          const path = await route.path(world, actor);
          const body = await bodyOf(route, world);
          const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
          const request = hostileRequest(operation, route.method, path, body, applied, headers);
          const before = await snapshot();
          const since = Date.now();
          const res = await send(request);
          const status = res.status;
          const broken = await brokenRule(res);
          if (broken) throw new Error(`${broken}\n  request: ${described(request)}`);
          if (status < 400) return;
          const written = changes(before, await snapshot()).filter((change) => !isTimerWrite(change, since));
          if (written.length > 0) {
            throw new Error(
              `a ${status} wrote ${written.length} rows, e.g. ${JSON.stringify(written.slice(0, 3)).slice(0, 600)}\n  request: ${described(request)}`,
            );
          }
        },
      );
      await fc.assert(property, { seed: seedOf(name), numRuns: RUNS });
    },
    RUNS * 3000 + 30_000,
  );
});
