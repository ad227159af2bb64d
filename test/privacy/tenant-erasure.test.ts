// A tenant's erasure after its grace (docs/privacy.md, "A tenant's erasure"): the owner
// deletes the tenant, the daily job (run here at chosen times, never the machine's
// date) leaves it alone for 30 days and then erases it, and afterwards its id and its
// values (names, e-mails, post texts, titles) are found nowhere: not in any table of
// any D1 database, its TenantObject's storage, the vector indexes or any R2 bucket, but
// in the directory's tombstone and the erasure's record, which holds no personal value.
// Its platform grants are revoked where the platform offers it, nothing reaches its
// object afterwards, its id is never reused, and another tenant keeps every row.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { insertTenant } from "../../src/core/db/tenants";
import { runErasureJob } from "../../src/core/erasure/job";
import { OBJECT_DRAIN_MS } from "../../src/core/erasure/object";
import { runRetentionJob } from "../../src/core/retention/job";
import { dayOf } from "../../src/core/skills/calendar";
import { erasureDeps } from "../../src/router/erasure-object";
import { type ConnectedAccount, sandbox, sandboxUserOf } from "../support/accounts";
import { call, json } from "../support/http";
import { callAt } from "../support/router-clock";
import { ADMIN } from "../support/tenants";
import { type PopulatedTenant, populatedTenant } from "./erasure-world";
import { footprint } from "./footprint";
import { d1Traces, objectStorage, objectTraces, r2Traces, type Trace, vectorTraces } from "./traces";

const DAY = 86_400_000;

interface ErasureView {
  id: string;
  tenant_id: string;
  state: string;
  requested_by: string;
  started_by: string | null;
  step: string | null;
  erased_at: string | null;
  counts: Record<string, Record<string, number>>;
  revocations: Record<string, { revoked: number; failed: number; unsupported: number }>;
}

async function erasureOf(tenantId: string): Promise<ErasureView> {
  const res = await call(`/v1/admin/tenants/${tenantId}/erasure`, { token: ADMIN });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<ErasureView>(res);
}

async function everyTrace(tenantId: string, values: readonly string[]): Promise<Trace[]> {
  return [
    ...(await d1Traces(values)),
    ...(await objectTraces(tenantId, values)),
    ...(await vectorTraces(values)),
    ...(await r2Traces(values)),
  ];
}

/** The tenant's users, in whichever shard of its region. */
function usersOf(counts: Record<string, number>): number {
  return Object.entries(counts)
    .filter(([place]) => place.endsWith(".users"))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** The tombstone's and the record's tenant_id: the only places the erased id may stay. */
const ALLOWED = new Set(["DB.tenant_tombstones.tenant_id", "DB.tenant_erasures.tenant_id"]);

describe("a tenant's erasure after its grace", () => {
  let erased: PopulatedTenant;
  let kept: PopulatedTenant;
  let keptBefore: Record<string, number>;
  let deletedAtMs: number;
  const reports: Awaited<ReturnType<typeof runErasureJob>>[] = [];

  beforeAll(async () => {
    erased = await populatedTenant("Erased");
    kept = await populatedTenant("Kept");
    // The audit rows past their period go to R2 as <tenant>/<day> objects.
    const retention = await runRetentionJob(env, dayOf(new Date()));
    expect(retention.archived.rows, JSON.stringify(retention)).toBeGreaterThanOrEqual(2);
    keptBefore = await footprint(kept.tenant.tenantId);
    deletedAtMs = Date.now();
    const deleted = await callAt(deletedAtMs, "/v1/tenant", { method: "DELETE", token: erased.ownerSession });
    expect(deleted.status, await deleted.clone().text()).toBe(200);
    expect((await json<{ status: string; erase_after: string }>(deleted)).erase_after).toBe(
      new Date(deletedAtMs + 30 * DAY).toISOString(),
    );
    // The operator's refusal to revive it is in the operator's trail, naming the tenant.
    const revive = await call(`/v1/tenants/${erased.tenant.tenantId}`, {
      method: "PATCH",
      token: ADMIN,
      body: { status: "active" },
    });
    expect(revive.status).toBe(409);
  }, 120_000);

  it("finds every value of the tenant before: the scan can see them", async () => {
    const traces = await everyTrace(erased.tenant.tenantId, erased.values);
    const found = new Set(traces.map((trace) => trace.value));
    for (const value of erased.values) expect(found.has(value), `${value} is somewhere before the erasure`).toBe(true);
    const places = new Set(traces.filter((t) => t.value === erased.tenant.tenantId).map((t) => t.place));
    for (const place of ["DB.tenants.tenant_id", "r2:eu-west", "r2:us-east", "vectors:nds-brand-voice.id"]) {
      expect(places.has(place), `the id is in ${place}`).toBe(true);
    }
  });

  it("leaves the tenant deleted but whole during its 30 days", async () => {
    const report = await runErasureJob(env, deletedAtMs + 30 * DAY - 1, erasureDeps(env));
    expect(report.started).toBe(0);
    const grace = await erasureOf(erased.tenant.tenantId);
    expect(grace.state).toBe("grace");
    expect(grace.requested_by).toBe(`user:${erased.tenant.ownerId}`);
    expect(usersOf(await footprint(erased.tenant.tenantId))).toBe(2);
    // Stopped meanwhile: its owner's key is refused.
    expect((await call("/v1/tenant", { token: erased.tenant.ownerKey })).status).toBe(401);
  });

  it("erases it once the grace is over: the object after its drain, then the record", async () => {
    const over = deletedAtMs + 30 * DAY + 60_000;
    const first = await runErasureJob(env, over, erasureDeps(env));
    reports.push(first);
    expect(first, JSON.stringify(first)).toMatchObject({ started: 1, erased: 0, waiting: 1, failed: 0 });
    expect((await erasureOf(erased.tenant.tenantId)).step).toBe("object");
    const again = await runErasureJob(env, over + OBJECT_DRAIN_MS - 1, erasureDeps(env));
    expect(again, JSON.stringify(again)).toMatchObject({ erased: 0, waiting: 1 });
    const last = await runErasureJob(env, over + OBJECT_DRAIN_MS, erasureDeps(env));
    reports.push(last);
    expect(last, JSON.stringify(last)).toMatchObject({ erased: 1, failed: 0, complete: true });
    const record = await erasureOf(erased.tenant.tenantId);
    expect(record).toMatchObject({
      state: "erased",
      started_by: "grace_expiry",
      step: null,
      erased_at: new Date(over + OBJECT_DRAIN_MS).toISOString(),
    });
    expect(record.counts.shard?.users).toBe(2);
    expect(record.counts.shard?.social_accounts).toBe(4);
    expect(record.counts.shard?.tenant_residency).toBe(1);
    expect(record.counts.global?.tenants).toBe(1);
    expect(record.counts.global?.skills).toBe(2);
    expect(record.counts.vectors?.skills).toBe(2);
    expect(record.counts.vectors?.knowledge).toBe(1);
    expect(record.counts.archive?.audit_archive).toBeGreaterThanOrEqual(1);
    expect(record.counts.archive?.exports).toBe(2);
    expect(record.counts.object?.storage_and_alarm).toBe(1);
    expect(record.counts.global?.operator_audit_logs_renamed).toBeGreaterThanOrEqual(1);
  });

  it("leaves its id and values nowhere but the tombstone and the record's tenant_id", async () => {
    const traces = await everyTrace(erased.tenant.tenantId, erased.values);
    expect(
      traces.filter((trace) => !(ALLOWED.has(trace.place) && trace.value === erased.tenant.tenantId)),
      "traces left",
    ).toEqual([]);
    expect(traces.map((trace) => trace.place).toSorted()).toEqual([...ALLOWED].toSorted());
    const storage = await objectStorage(erased.tenant.tenantId);
    expect(storage).toEqual({ tables: [], keys: [], alarm: null });
  });

  it("revokes its grants at X, Facebook and Instagram, and records LinkedIn's as unsupported", async () => {
    const { revocations } = await erasureOf(erased.tenant.tenantId);
    expect(revocations.twitter).toMatchObject({ revoked: 1, failed: 0 });
    expect(revocations.facebook).toMatchObject({ revoked: 1, failed: 0 });
    expect(revocations.instagram).toMatchObject({ revoked: 1, failed: 0 });
    expect(revocations.linkedin).toMatchObject({ revoked: 0, unsupported: 1, failed: 0 });
    for (const account of erased.accounts as ConnectedAccount[]) {
      const live = await sandbox(account.platform).liveTokens(sandboxUserOf(account));
      if (account.platform === "linkedin") expect(live, "linkedin keeps its tokens").toBeGreaterThan(0);
      else expect(live, `${account.platform}'s tokens`).toBe(0);
    }
  });

  it("reaches the erased tenant's object no more: credentials, sockets and the operator are refused", async () => {
    const id = erased.tenant.tenantId;
    expect((await call("/v1/tenant", { token: erased.tenant.ownerKey })).status).toBe(401);
    expect((await call("/v1/tenant", { token: erased.ownerSession })).status).toBe(401);
    const login = await call("/v1/auth/login", {
      body: { tenant_id: id, email: erased.values[2], password: "correct horse battery staple" },
    });
    expect(login.status).toBe(401);
    const socket = await call(`/parties/tenant-object/${id}?ticket=anything`, { headers: { Upgrade: "websocket" } });
    expect(socket.status).toBe(404);
    expect((await call(`/v1/admin/tenants/${id}/placement`, { token: ADMIN })).status).toBe(404);
    expect((await call(`/v1/admin/tenants/${id}/erase`, { method: "POST", token: ADMIN })).status).toBe(409);
    // None of them made the object apply a fresh schema.
    expect(await objectStorage(id)).toEqual({ tables: [], keys: [], alarm: null });
  });

  it("never gives the erased id to another tenant", async () => {
    const reuse = env.DB.batch([
      insertTenant(env.DB, {
        tenantId: erased.tenant.tenantId,
        name: "Squatter",
        region: "eu-west",
        tier: "standard",
        kmsKeyId: `kms_reuse_${crypto.randomUUID()}`,
        settings: {},
        shard: "SHARD_EU_WEST_1",
        now: new Date().toISOString(),
      }),
    ]);
    await expect(reuse).rejects.toThrow(/tombstoned/);
  });

  it("leaves every row, vector and object of another tenant as it was", async () => {
    expect(await footprint(kept.tenant.tenantId)).toEqual(keptBefore);
    expect(usersOf(keptBefore)).toBe(2);
    expect((await call("/v1/tenant", { token: kept.tenant.ownerKey })).status).toBe(200);
  });

  it("stays within its call allowance on every run", () => {
    for (const report of reports) expect(report.calls, JSON.stringify(report)).toBeLessThanOrEqual(400 + 20);
  });
});
