// For every route that exists: no credential, bad credentials, the role and scope
// matrix, another tenant's resource and invalid input, each with the right status,
// a problem+json body, and nothing written but (where due) the audit row.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../support/http";
import { ADMIN, auditCount, snapshotExceptAudit } from "../support/tenants";
import { ROUTES } from "./catalogue";
import { freshOwnerSession, type RouteCase, send } from "./route-case";
import { type Actor, buildWorld, expiredKey, expiredSession, ROLES, revokedKey, type World } from "./world";

/**
 * The deeper mode (DEEP=1, docs/testing.md) checks that each refused request (a bad
 * credential, a role or credential the route does not allow), one at a time, writes
 * nothing but its audit row. By default every such request is still sent to every route,
 * and a route's bad credentials together, and its refused roles together, must have
 * written nothing but their audit rows: one pair of snapshots each instead of one per request.
 */
const DEEP = env.DEEP === "1";

let world: World;
/** Credentials that are not good (none, malformed, unknown, revoked, expired, tampered, the operator's). */
let bad: (string | undefined)[];
/** Owner's keys of one scope each: read:analytics alone, and read:posts alone. */
let narrowKeys: { analytics: string; posts: string };

beforeAll(async () => {
  world = await buildWorld();
  bad = [
    undefined,
    "not-a-key",
    "dify_short_bad",
    "dify_abcdefghijkl_abcdefghijklmnopqrstuvwxyz234567",
    await revokedKey(world.tenant),
    await expiredKey(world.tenant),
    await expiredSession(world.tenant.tenantId, world.tenant.ownerId),
    `${world.actors.owner.session.slice(0, -4)}AAAA`,
    ADMIN,
  ];
  const narrow = async (scope: string) => {
    const res = await call("/v1/api-keys", { token: world.actors.owner.session, body: { scopes: [scope] } });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { key: string }).key;
  };
  narrowKeys = { analytics: await narrow("read:analytics"), posts: await narrow("read:posts") };
});

async function expectProblem(res: Response, status: number, label = ""): Promise<Record<string, unknown>> {
  expect(res.status, `${label} ${res.status} ${await res.clone().text()}`).toBe(status);
  expect(res.headers.get("Content-Type"), label).toBe("application/problem+json");
  return (await res.json()) as Record<string, unknown>;
}

/** Runs `request`, and checks it changed nothing but `audits` new audit rows. */
async function withoutSideEffects(audits: number, request: () => Promise<void>): Promise<void> {
  const before = await snapshotExceptAudit();
  const auditBefore = await auditCount(world.tenant.tenantId);
  await request();
  expect(await snapshotExceptAudit()).toBe(before);
  expect(await auditCount(world.tenant.tenantId)).toBe(auditBefore + audits);
}

type Via = "session" | "key";

function allowed(route: RouteCase, role: Actor["role"], via: Via): boolean {
  return route.roles.includes(role) && !(via === "key" && route.sessionOnly);
}

/** Every role with a session and with a key. */
const CALLERS = ROLES.flatMap((role) => (["session", "key"] as const).map((via) => ({ role, via })));

describe.each(ROUTES.map((r) => [r.name, r] as const))("%s", (_name, route) => {
  it("answers 401 without a credential, or with a malformed, unknown, revoked or expired one", async () => {
    const path = await route.path(world, world.actors.owner);
    // A known but revoked or expired key is a security event of its tenant: audited.
    const audited = (token: string | undefined) =>
      token !== undefined && /^dify_[a-z2-7]{12}_/.test(token) && !token.startsWith("dify_abcdefghijkl") ? 1 : 0;
    const refused = async (token: string | undefined, label: string) => {
      const res = await send(route, world, path, token);
      expect(res.status, `${label}: ${await res.clone().text()}`).toBe(401);
      const problem = await expectProblem(res, 401);
      expect(problem.type, label).toBe("/problems/unauthenticated");
      expect(res.headers.get("WWW-Authenticate"), label).toContain("Bearer");
    };
    const label = (i: number) => `bad credential ${i} (${String(bad[i]).slice(0, 24)})`;
    if (DEEP) {
      for (const [i, token] of bad.entries()) await withoutSideEffects(audited(token), () => refused(token, label(i)));
      return;
    }
    const audits = bad.reduce((sum, token) => sum + audited(token), 0);
    await withoutSideEffects(audits, async () => {
      for (const [i, token] of bad.entries()) await refused(token, label(i));
    });
  });

  for (const { role, via } of CALLERS.filter((caller) => allowed(route, caller.role, caller.via))) {
    it(`${role} with a ${via}: allowed`, async () => {
      const actor = world.actors[role];
      const token = via === "session" ? actor.session : actor.key;
      const fresh = route.destructive ? await freshOwnerSession() : undefined;
      const res = await send(route, world, await route.path(world, actor), fresh ?? token);
      if (route.ok === -1) expect([400, 409]).toContain(res.status);
      else expect(res.status, await res.clone().text()).toBe(route.ok);
    });
  }

  const refusedCallers = CALLERS.filter((caller) => !allowed(route, caller.role, caller.via));
  if (refusedCallers.length > 0) {
    const names = refusedCallers.map(({ role, via }) => `${role} with a ${via}`).join(", ");
    it(`403 to ${names}, each audited, nothing else written`, async () => {
      const path = await route.path(world, world.actors.owner);
      const forbidden = async ({ role, via }: { role: Actor["role"]; via: Via }) => {
        const actor = world.actors[role];
        const label = `${role} with a ${via}`;
        const problem = await expectProblem(await send(route, world, path, actor[via]), 403, label);
        expect(problem.type, label).toBe("/problems/forbidden");
      };
      // One pair of snapshots around all of them; DEEP=1, a pair around each.
      if (DEEP) {
        for (const caller of refusedCallers) await withoutSideEffects(1, () => forbidden(caller));
        return;
      }
      await withoutSideEffects(refusedCallers.length, async () => {
        for (const caller of refusedCallers) await forbidden(caller);
      });
    });
  }

  if (!route.sessionOnly) {
    it("answers 403 to an owner's key without the route's scope", async () => {
      const key = route.scope === "read:posts" ? narrowKeys.analytics : narrowKeys.posts;
      const path = await route.path(world, world.actors.owner);
      await withoutSideEffects(1, async () => {
        const problem = await expectProblem(await send(route, world, path, key), 403);
        expect(String(problem.detail)).toContain(route.scope);
      });
    });
  }

  if (route.foreign) {
    it("answers 404 for another tenant's resource, exactly as for one that does not exist", async () => {
      const actor = world.actors.owner;
      const foreign = (await route.foreign?.(world)) as string;
      await withoutSideEffects(route.mutation ? 1 : 0, async () => {
        const problem = await expectProblem(await send(route, world, foreign, actor.session), 404);
        expect(problem.type).toBe("/problems/not-found");
      });
      const missing = foreign.replace(/_[0-9A-Z]{26}$/, "_00000000000000000000000000");
      const absent = await expectProblem(await send(route, world, missing, actor.session), 404);
      expect(absent.detail).toBe((await expectProblem(await send(route, world, foreign, actor.session), 404)).detail);
    });
  }

  if (route.invalid) {
    it(`answers 400 naming "${route.invalid.field}" for invalid input`, async () => {
      const actor = world.actors.owner;
      const invalid = route.invalid as NonNullable<RouteCase["invalid"]>;
      const path = invalid.path ? await invalid.path(world, actor) : await route.path(world, actor);
      await withoutSideEffects(route.mutation ? 1 : 0, async () => {
        const problem = await expectProblem(await send(route, world, path, actor.session, invalid.body), 400);
        expect(problem.type).toBe("/problems/validation");
        const fields = (problem.errors as { field: string }[]).map((e) => e.field);
        expect(fields).toContain(invalid.field);
      });
    });
  }
});

describe("the operator route POST /v1/tenants", () => {
  const body = { name: "Acme", region: "us-east", owner: { email: "a@example.com", password: "long enough password" } };

  it("refuses every tenant credential and no credential with 401", async () => {
    for (const token of [undefined, world.actors.owner.key, world.actors.owner.session]) {
      await withoutSideEffects(0, async () => {
        await expectProblem(await call("/v1/tenants", { token, body }), 401);
      });
    }
  });

  it("answers 400 naming the field, and creates nothing", async () => {
    const before = await snapshotExceptAudit();
    const problem = await expectProblem(
      await call("/v1/tenants", { token: ADMIN, body: { ...body, region: "mars-north" } }),
      400,
    );
    expect((problem.errors as { field: string }[]).map((e) => e.field)).toEqual(["region"]);
    expect(await snapshotExceptAudit()).toBe(before);
  });
});
