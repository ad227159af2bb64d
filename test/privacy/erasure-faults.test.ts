// An erasure that meets trouble (docs/privacy.md, "A tenant's erasure"): a platform that
// refuses to revoke (the sandbox's fault switch) is recorded and the erasure completes;
// a crash between a unit's work and its checkpoint (the erasure's fault points) leaves
// a checkpoint the next run resumes from, to the same end; and a run's call allowance
// stops it part way, each later run going on, until the tenant is gone.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { ErasureStep } from "../../src/core/db/tenant-erasures";
import { setErasureFaultHook } from "../../src/core/erasure/fault-points";
import { runErasureJob } from "../../src/core/erasure/job";
import { OBJECT_DRAIN_MS } from "../../src/core/erasure/object";
import { erasureDeps } from "../../src/router/erasure-object";
import { connectAccount, sandbox, sandboxUserOf } from "../support/accounts";
import { call, json } from "../support/http";
import { callAt } from "../support/router-clock";
import { ADMIN, createTenant, login } from "../support/tenants";
import { populatedTenant } from "./erasure-world";
import { footprint } from "./footprint";
import { d1Traces } from "./traces";

interface ErasureView {
  state: string;
  step: string | null;
  last_error: string | null;
  counts: Record<string, Record<string, number>>;
  revocations: Record<string, { revoked: number; failed: number; failures: { kind: string; status: number | null }[] }>;
}

async function erasureOf(tenantId: string): Promise<ErasureView> {
  const res = await call(`/v1/admin/tenants/${tenantId}/erasure`, { token: ADMIN });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<ErasureView>(res);
}

/** The operator erases the tenant at `atMs`: as far as the route's run goes (up to the object's drain). */
async function eraseAt(tenantId: string, atMs: number): Promise<ErasureView> {
  const res = await callAt(atMs, `/v1/admin/tenants/${tenantId}/erase`, { method: "POST", token: ADMIN });
  expect(res.status, await res.clone().text()).toBe(202);
  return json<ErasureView>(res);
}

/** Everything of the tenant, in every store: zero everywhere once it is erased. */
async function whatIsLeft(tenantId: string): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await footprint(tenantId)).filter(([, n]) => n > 0));
}

afterEach(() => setErasureFaultHook(null));

describe("an erasure meeting trouble", () => {
  it("records a platform's refused revocation and erases the tenant all the same", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "twitter");
    const user = sandboxUserOf(account);
    await sandbox("twitter").addFault({ kind: "error_500", endpoint: "revoke", user_id: user, count: 10 });
    const startMs = Date.now();
    const started = await eraseAt(tenant.tenantId, startMs);
    expect(started).toMatchObject({ state: "erasing", step: "object" });
    expect(started.revocations.twitter).toMatchObject({
      revoked: 0,
      failed: 1,
      failures: [{ kind: "unavailable", status: 500 }],
    });
    // The platform was asked (and refused); the token still works there, as the record says.
    expect((await sandbox("twitter").counters(user)).revoke).toBe(1);
    expect(await sandbox("twitter").liveTokens(user)).toBeGreaterThan(0);
    const done = await eraseAt(tenant.tenantId, startMs + OBJECT_DRAIN_MS);
    expect(done.state).toBe("erased");
    expect(done.revocations.twitter).toMatchObject({ revoked: 0, failed: 1 });
    expect(await whatIsLeft(tenant.tenantId)).toEqual({});
    await sandbox("twitter").clearFaults();
  });

  it.each<ErasureStep>(["directory", "revoke", "shard", "archive", "skills", "object"])(
    "resumes from its checkpoint after a crash in the %s step, to the same end",
    async (step) => {
      const { tenant, values } = await populatedTenant(`Crash-${step}`, { platforms: step === "revoke" });
      const startMs = Date.now();
      let crashed = false;
      setErasureFaultHook((point) => {
        if (crashed || point.step !== step || point.at !== "after") return undefined;
        crashed = true;
        return Promise.reject(new Error(`crash after a unit of ${step} (fault point)`));
      });
      // The route starts it and stops at the crash (the object's step comes on a later
      // run: the job's); the job's next runs go on from the checkpoint.
      const res = await callAt(startMs, `/v1/admin/tenants/${tenant.tenantId}/erase`, {
        method: "POST",
        token: ADMIN,
      });
      let atMs = startMs + OBJECT_DRAIN_MS;
      if (step === "object") {
        expect(res.status).toBe(202);
        expect((await runErasureJob(env, atMs, erasureDeps(env))).failed).toBe(1);
      } else {
        expect(res.status).toBe(500);
      }
      expect(crashed).toBe(true);
      expect(await erasureOf(tenant.tenantId)).toMatchObject({ state: "erasing", step });
      setErasureFaultHook(null);
      for (let run = 0; (await erasureOf(tenant.tenantId)).state !== "erased"; run++) {
        expect(run, "runs after the crash").toBeLessThan(3);
        const report = await runErasureJob(env, atMs, erasureDeps(env));
        expect(report.failed, JSON.stringify(report)).toBe(0);
        atMs += OBJECT_DRAIN_MS;
      }
      expect(await erasureOf(tenant.tenantId)).toMatchObject({ state: "erased", step: null, last_error: null });
      expect(await whatIsLeft(tenant.tenantId)).toEqual({});
      const traces = await d1Traces(values);
      expect(traces.filter((t) => !t.place.startsWith("DB.tenant_"))).toEqual([]);
    },
    60_000,
  );

  it("reports a failing erasure, records why, and goes on with the others", async () => {
    const failing = await createTenant();
    const fine = await createTenant();
    const startMs = Date.now();
    for (const tenant of [failing, fine]) {
      const session = await login(tenant.tenantId, tenant.ownerEmail);
      expect((await callAt(startMs, "/v1/tenant", { method: "DELETE", token: session })).status).toBe(200);
    }
    setErasureFaultHook((point) =>
      point.tenantId === failing.tenantId && point.step === "vectors" && point.at === "before"
        ? Promise.reject(new Error("the index is down (fault point)"))
        : undefined,
    );
    const over = startMs + 30 * 86_400_000 + 1;
    const report = await runErasureJob(env, over, erasureDeps(env));
    expect(report, JSON.stringify(report)).toMatchObject({ started: 2, failed: 1, waiting: 1, complete: false });
    expect(report.failures).toEqual([
      { erasure_id: expect.stringMatching(/^era_/), step: "vectors", reason: "the index is down (fault point)" },
    ]);
    expect(await erasureOf(failing.tenantId)).toMatchObject({
      state: "erasing",
      step: "vectors",
      last_error: "the index is down (fault point)",
    });
    expect((await erasureOf(fine.tenantId)).step).toBe("object");
    setErasureFaultHook(null);
    // The failed one goes on from its vectors; both directories were forgotten a drain ago.
    const next = await runErasureJob(env, over + OBJECT_DRAIN_MS, erasureDeps(env));
    expect(next, JSON.stringify(next)).toMatchObject({ erased: 2, waiting: 0, failed: 0, complete: true });
    for (const tenant of [failing, fine]) expect(await whatIsLeft(tenant.tenantId), tenant.tenantId).toEqual({});
  });

  it("settles restores racing the erasure's start one way each: restored whole, or erased", async () => {
    const tenants = await Promise.all(Array.from({ length: 30 }, () => createTenant()));
    const startMs = Date.now();
    await Promise.all(
      tenants.map(async (tenant) => {
        const session = await login(tenant.tenantId, tenant.ownerEmail);
        expect((await callAt(startMs, "/v1/tenant", { method: "DELETE", token: session })).status).toBe(200);
      }),
    );
    const over = startMs + 30 * 86_400_000 + 1;
    // The job and thirty restores in flight at once; each restore also races its own
    // tenant's fence and directory steps, which the job runs right after starting it.
    const [report, ...restores] = await Promise.all([
      runErasureJob(env, over, erasureDeps(env)),
      ...tenants.map((tenant) =>
        call("/v1/tenant/restore", {
          body: { tenant_id: tenant.tenantId, email: tenant.ownerEmail, password: "correct horse battery staple" },
        }),
      ),
    ]);
    let erasing = 0;
    for (const [i, tenant] of tenants.entries()) {
      const restored = restores[i] as Response;
      const row = await env.DB.prepare("SELECT state FROM tenant_erasures WHERE tenant_id = ?")
        .bind(tenant.tenantId)
        .first<{ state: string }>();
      if (restored.status === 200) {
        expect(row, `${tenant.tenantId}: restored, no erasure`).toBeNull();
        expect((await footprint(tenant.tenantId))["DB.tenants"], tenant.tenantId).toBe(1);
      } else {
        expect([401, 409], `${tenant.tenantId}: ${restored.status}`).toContain(restored.status);
        expect(row?.state, tenant.tenantId).toBe("erasing");
        erasing += 1;
      }
    }
    expect(report.started, JSON.stringify(report)).toBe(erasing);
  });

  it("stops at its call allowance and goes on run after run until the tenant is gone", async () => {
    const { tenant, ownerSession } = await populatedTenant("Bounded", { platforms: false });
    const startMs = Date.now();
    expect((await callAt(startMs, "/v1/tenant", { method: "DELETE", token: ownerSession })).status).toBe(200);
    const seen: string[] = [];
    let atMs = startMs + 30 * 86_400_000 + 1;
    for (let run = 1; ; run++) {
      const report = await runErasureJob(env, atMs, erasureDeps(env), { calls: 6 });
      // The allowance, overrun by one unit at most (a shard unit: 8 statements and its checkpoint).
      expect(report.calls, JSON.stringify(report)).toBeLessThanOrEqual(6 + 10);
      const { state, step } = await erasureOf(tenant.tenantId);
      if (state === "erased") break;
      seen.push(step as string);
      expect(run, "runs").toBeLessThan(200);
      atMs += OBJECT_DRAIN_MS;
    }
    expect(seen.length, seen.join(" ")).toBeGreaterThan(5);
    // Every step was reached, in order.
    expect([...new Set(seen)]).toEqual(
      ["fence", "directory", "revoke", "vectors", "shard", "archive", "skills", "object", "sweep", "done"].filter(
        (step) => seen.includes(step),
      ),
    );
    expect(seen).toContain("shard");
    expect(await whatIsLeft(tenant.tenantId)).toEqual({});
  });
});
