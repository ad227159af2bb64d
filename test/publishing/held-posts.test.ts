// Held posts (docs/publishing.md, Held posts): a scheduled post that comes due while its
// tenant is suspended or deleted, or while the member who answers for it is suspended
// or removed, is never sent; it is held until an owner or admin releases it with a new
// time or it is cancelled, and the operator can list and cancel a stopped tenant's
// posts. Time passes on the TenantObject's own clock (objects/storage/object-clock.ts),
// and its alarm is run by hand when that time has come.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { objectClock, setObjectClock } from "../../objects/storage/object-clock";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { type ConnectedAccount, connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { publishedPosts } from "../support/analytics";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { runTimersNow, tenantObjectOf } from "../support/objects";
import { ADMIN, addUser, createTenant, login, type TestTenant } from "../support/tenants";

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

interface Post {
  id: string;
  status: string;
  text: string;
  held_reason: string | null;
  scheduled_at: string | null;
  requested_by: string | null;
}

interface Problem {
  type: string;
  detail: string;
  errors?: { field: string }[];
}

/** Schedules a post on `account` at `atMs` (a time on the router's clock, ahead of now). */
async function schedule(token: string, account: ConnectedAccount, atMs: number): Promise<Post> {
  const res = await call("/v1/posts", {
    token,
    body: publishBody(account, {
      text: `Held or not ${crypto.randomUUID()}`,
      scheduled_at: new Date(atMs).toISOString(),
    }),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return json<Post>(res);
}

/**
 * The operator suspends or reactivates the tenant: by PATCH /v1/tenants/{id}, or by
 * PATCH /v1/admin/tenants/{id} (docs/billing.md), which must hold its posts exactly as well.
 */
async function setTenantStatus(
  tenantId: string,
  status: "active" | "suspended",
  route = "/v1/tenants/{id}",
): Promise<void> {
  const res = await call(route.replace("{id}", tenantId), { method: "PATCH", token: ADMIN, body: { status } });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** Sets the tenant's object clock to read `atMs` (never back: time the object saw stays seen). */
async function objectTimeIs(tenantId: string, atMs: number): Promise<void> {
  await runInDurableObject(tenantObjectOf(tenantId), (_instance: TenantObject, state) => {
    if (atMs > objectClock(state.storage.sql, env)()) setObjectClock(state.storage.sql, env, atMs);
  });
}

/** Runs the object's alarm now: whatever is due on its clock runs, and nothing else. */
async function runAlarm(tenantId: string): Promise<void> {
  const stub = tenantObjectOf(tenantId);
  await runInDurableObject(stub, async (_instance: TenantObject, state) => {
    await state.storage.setAlarm(Date.now());
  });
  await runDurableObjectAlarm(stub);
}

/**
 * Lets the object's time reach `atMs` (a minute past it) and runs its scheduled posts'
 * timer, as when that time comes: it fires what is due by then, and nothing later.
 */
async function timeComes(tenantId: string, atMs: number): Promise<void> {
  await objectTimeIs(tenantId, atMs + MINUTE_MS);
  await runTimersNow(tenantId, ["publish-due"]);
}

/** A post as the operator reads it from the tenant's scheduled or held list. */
async function operatorList(tenantId: string, status: "held" | "scheduled"): Promise<Post[]> {
  const res = await call(`/v1/admin/tenants/${tenantId}/posts?status=${status}&limit=100`, { token: ADMIN });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await json<{ data: Post[] }>(res)).data;
}

async function readPost(token: string, id: string): Promise<Post> {
  const res = await call(`/v1/posts/${id}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Post>(res);
}

function release(token: string, id: string, atMs: number, extra: Record<string, unknown> = {}): Promise<Response> {
  return call(`/v1/posts/${id}/release`, { token, body: { scheduled_at: new Date(atMs).toISOString(), ...extra } });
}

interface AuditRow {
  user_id: string | null;
  action: string;
  metadata: string | null;
  success: number;
}

/** The post's audit rows of `action`, oldest first. */
async function auditOf(tenantId: string, postId: string, action: string): Promise<AuditRow[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare(
      `SELECT user_id, action, metadata, success FROM audit_logs
       WHERE tenant_id = ? AND resource_type = 'post' AND resource_id = ? AND action = ? ORDER BY timestamp, log_id`,
    )
    .bind(tenantId, postId, action)
    .all<AuditRow>();
  return results;
}

async function sentTexts(account: ConnectedAccount): Promise<string[]> {
  return (await sandbox(account.platform).posts(sandboxUserOf(account))).map((post) => post.text);
}

describe("held posts", () => {
  it.each(["/v1/tenants/{id}", "/v1/admin/tenants/{id}"])(
    "a post due while its tenant is suspended is held and never sent; reactivated, a later one goes out on time and the held one only once released (PATCH %s)",
    async (route) => {
      const tenant = await createTenant();
      const account = await connectAccount(tenant.ownerKey, "linkedin");
      const start = Date.now();
      const early = await schedule(tenant.ownerKey, account, start + HOUR_MS);
      const later = await schedule(tenant.ownerKey, account, start + 3 * HOUR_MS);

      await setTenantStatus(tenant.tenantId, "suspended", route);
      await timeComes(tenant.tenantId, start + HOUR_MS);
      // Nothing reached the platform; the tenant's own credentials are refused.
      expect(await sentTexts(account)).toEqual([]);
      expect((await sandbox("linkedin").counters(sandboxUserOf(account))).publish ?? 0).toBe(0);
      expect((await call("/v1/posts", { token: tenant.ownerKey })).status).toBe(401);
      const held = await operatorList(tenant.tenantId, "held");
      expect(held.map((p) => [p.id, p.status, p.held_reason])).toEqual([[early.id, "held", "tenant_suspended"]]);
      expect((await operatorList(tenant.tenantId, "scheduled")).map((p) => p.id)).toEqual([later.id]);
      const hold = await auditOf(tenant.tenantId, early.id, "post.hold");
      expect(hold).toHaveLength(1);
      expect(hold[0]).toMatchObject({ user_id: "system", success: 1 });
      expect(JSON.parse(hold[0]?.metadata ?? "{}")).toMatchObject({ reason: "tenant_suspended" });

      // Running the alarm again while suspended changes nothing.
      await runAlarm(tenant.tenantId);
      expect(await auditOf(tenant.tenantId, early.id, "post.hold")).toHaveLength(1);

      await setTenantStatus(tenant.tenantId, "active", route);
      const list = await json<{ data: Post[] }>(await call("/v1/posts?status=held", { token: tenant.ownerKey }));
      expect(list.data.map((p) => [p.id, p.held_reason])).toEqual([[early.id, "tenant_suspended"]]);

      // The later post's time comes after the reactivation: it goes out on time.
      await timeComes(tenant.tenantId, start + 3 * HOUR_MS);
      expect(await sentTexts(account)).toEqual([later.text]);
      expect((await readPost(tenant.ownerKey, later.id)).status).toBe("published");
      expect(await readPost(tenant.ownerKey, early.id)).toMatchObject({
        status: "held",
        held_reason: "tenant_suspended",
      });

      // Released at a new time (on the router's clock, ahead of the object's too): scheduled, then sent then.
      const releaseAt = start + 5 * HOUR_MS;
      const released = await release(tenant.ownerKey, early.id, releaseAt);
      expect(released.status, await released.clone().text()).toBe(200);
      expect(await json<Post>(released)).toMatchObject({
        id: early.id,
        status: "scheduled",
        held_reason: null,
        scheduled_at: new Date(releaseAt).toISOString(),
      });
      const releaseRows = await auditOf(tenant.tenantId, early.id, "post.release");
      expect(releaseRows).toHaveLength(1);
      expect(releaseRows[0]?.user_id).toBe(tenant.ownerId);
      expect(JSON.parse(releaseRows[0]?.metadata ?? "{}")).toMatchObject({ held_reason: "tenant_suspended" });

      await runAlarm(tenant.tenantId);
      expect(await sentTexts(account), "not before its new time").toEqual([later.text]);
      await timeComes(tenant.tenantId, releaseAt);
      expect((await sentTexts(account)).toSorted()).toEqual([early.text, later.text].toSorted());
      expect((await readPost(tenant.ownerKey, early.id)).status).toBe("published");
    },
  );

  it("a deleted tenant's due post is held with tenant_deleted, and the operator cancels it", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "facebook");
    const at = Date.now() + HOUR_MS;
    const post = await schedule(tenant.ownerKey, account, at);
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    expect((await call("/v1/tenant", { method: "DELETE", token: session })).status).toBe(200);

    await timeComes(tenant.tenantId, at);
    expect(await sentTexts(account)).toEqual([]);
    expect((await operatorList(tenant.tenantId, "held")).map((p) => [p.id, p.held_reason])).toEqual([
      [post.id, "tenant_deleted"],
    ]);

    const cancelled = await call(`/v1/admin/tenants/${tenant.tenantId}/posts/${post.id}/cancel`, {
      method: "POST",
      token: ADMIN,
    });
    expect(cancelled.status, await cancelled.clone().text()).toBe(200);
    expect(await json<Post>(cancelled)).toMatchObject({ status: "cancelled", held_reason: null });
    expect(await operatorList(tenant.tenantId, "held")).toEqual([]);
    const rows = await auditOf(tenant.tenantId, post.id, "post.cancel");
    expect(rows.map((r) => r.user_id)).toEqual(["operator"]);
    expect(JSON.parse(rows[0]?.metadata ?? "{}")).toEqual({ held_reason: "tenant_deleted" });
    // Cancelled once: a second cancel is a conflict, and nothing ever goes out.
    const again = await call(`/v1/admin/tenants/${tenant.tenantId}/posts/${post.id}/cancel`, {
      method: "POST",
      token: ADMIN,
    });
    expect(again.status).toBe(409);
    await timeComes(tenant.tenantId, at + 10 * HOUR_MS);
    expect(await sentTexts(account)).toEqual([]);
  });

  it("a suspended or removed author's due posts are held with author_removed; a release needs them back or an owner answering for it", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "facebook");
    const suspended = await addUser(tenant, "member");
    const removed = await addUser(tenant, "member");
    const at = Date.now() + HOUR_MS;
    const bySuspended = await schedule(await login(tenant.tenantId, suspended.email), account, at);
    const byRemoved = await schedule(await login(tenant.tenantId, removed.email), account, at);
    const byOwner = await schedule(tenant.ownerKey, account, at);

    const patched = await call(`/v1/users/${suspended.userId}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { status: "suspended" },
    });
    expect(patched.status).toBe(200);
    expect((await call(`/v1/users/${removed.userId}`, { method: "DELETE", token: tenant.ownerKey })).status).toBe(204);

    await timeComes(tenant.tenantId, at);
    expect(await sentTexts(account), "only the owner's post went out").toEqual([byOwner.text]);
    for (const post of [bySuspended, byRemoved]) {
      expect(await readPost(tenant.ownerKey, post.id), post.id).toMatchObject({
        status: "held",
        held_reason: "author_removed",
      });
    }

    // While its author is still suspended or removed, a release is refused...
    const later = Date.now() + 2 * HOUR_MS;
    const refused = await release(tenant.ownerKey, byRemoved.id, later);
    expect(refused.status).toBe(409);
    expect(refused.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await json<Problem>(refused)).toMatchObject({ type: "/problems/author-removed" });
    expect(await readPost(tenant.ownerKey, byRemoved.id)).toMatchObject({ status: "held" });

    // ...unless the owner answers for it: it keeps its author, the release is the owner's.
    const takenOver = await release(tenant.ownerKey, byRemoved.id, later, { override_author_removed: true });
    expect(takenOver.status, await takenOver.clone().text()).toBe(200);
    expect(await json<Post>(takenOver)).toMatchObject({ status: "scheduled", requested_by: removed.userId });
    // The refusal is in the trail too, as a failure.
    const rows = await auditOf(tenant.tenantId, byRemoved.id, "post.release");
    expect(rows.map((r) => [r.user_id, r.success])).toEqual([
      [tenant.ownerId, 0],
      [tenant.ownerId, 1],
    ]);
    expect(JSON.parse(rows[1]?.metadata ?? "{}")).toMatchObject({
      held_reason: "author_removed",
      author_id: removed.userId,
      override_author_removed: true,
    });

    // The suspended author is reactivated: their post is released without taking it over.
    await call(`/v1/users/${suspended.userId}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { status: "active" },
    });
    const back = await release(tenant.ownerKey, bySuspended.id, later);
    expect(back.status, await back.clone().text()).toBe(200);

    await timeComes(tenant.tenantId, later);
    expect((await sentTexts(account)).toSorted()).toEqual([byOwner.text, bySuspended.text, byRemoved.text].toSorted());
    for (const post of [bySuspended, byRemoved]) {
      expect((await readPost(tenant.ownerKey, post.id)).status, post.id).toBe("published");
      expect(await auditOf(tenant.tenantId, post.id, "post.hold"), post.id).toHaveLength(1);
    }
  });

  it.each([
    ["the tenant is suspended", "status"],
    ["the tenant's subscription is canceled", "subscription_status"],
  ] as const)(
    "token upkeep and insight pulls do nothing while %s, and resume when it is active again",
    async (_label, field) => {
      // The operator stops and restarts the tenant: its status, or its subscription (docs/billing.md).
      const stop = async (tenantId: string, active: boolean) => {
        if (field === "status") return setTenantStatus(tenantId, active ? "active" : "suspended");
        const body = { subscription_status: active ? "active" : "canceled" };
        const res = await call(`/v1/admin/tenants/${tenantId}`, { method: "PATCH", token: ADMIN, body });
        expect(res.status, await res.clone().text()).toBe(200);
      };
      // Insight pulls: a published post's figures are not pulled while suspended.
      const world = await publishedPosts(1, "linkedin");
      const user = sandboxUserOf(world.account);
      await stop(world.tenant.tenantId, false);
      await runTimersNow(world.tenant.tenantId, ["sync-insights"]);
      expect((await sandbox("linkedin").counters(user)).insights ?? 0).toBe(0);
      await stop(world.tenant.tenantId, true);
      // Reactivated: the pull is due at once, without waiting for its paused timer.
      const due = await runInDurableObject(tenantObjectOf(world.tenant.tenantId), (_o: TenantObject, state) => {
        const row = state.storage.sql
          .exec<{ due_at_ms: number }>("SELECT due_at_ms FROM timers WHERE name = 'sync-insights'")
          .toArray()[0];
        return { dueAtMs: row?.due_at_ms ?? null, nowMs: objectClock(state.storage.sql, env)() };
      });
      expect(due.dueAtMs).not.toBeNull();
      expect(due.dueAtMs as number).toBeLessThanOrEqual(due.nowMs);
      await runTimersNow(world.tenant.tenantId, ["sync-insights"]);
      expect((await sandbox("linkedin").counters(user)).insights ?? 0).toBeGreaterThan(0);

      // Token upkeep: an Instagram token five days from expiry and two days old is due for renewal.
      const tenant = await createTenant();
      const account = await connectAccount(tenant.ownerKey, "instagram", { tokenTtlSeconds: 5 * 86_400 });
      const igUser = sandboxUserOf(account);
      await sandbox("instagram").setTokenTtl(igUser, null);
      await stop(tenant.tenantId, false);
      await objectTimeIs(tenant.tenantId, Date.now() + 2 * 24 * HOUR_MS);
      await runTimersNow(tenant.tenantId, ["token-upkeep"]);
      expect((await sandbox("instagram").counters(igUser)).refresh ?? 0).toBe(0);
      await stop(tenant.tenantId, true);
      await runTimersNow(tenant.tenantId, ["token-upkeep"]);
      expect((await sandbox("instagram").counters(igUser)).refresh).toBe(1);
    },
  );

  it("the operator lists a suspended tenant's scheduled and held posts by cursor and cancels them; nothing cancelled is ever sent", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const otherAccount = await connectAccount(other.ownerKey, "linkedin");
    const start = Date.now();
    const posts = [];
    for (let i = 0; i < 5; i++) posts.push(await schedule(tenant.ownerKey, account, start + (i + 1) * HOUR_MS));
    const foreign = await schedule(other.ownerKey, otherAccount, start + HOUR_MS);
    await setTenantStatus(tenant.tenantId, "suspended");
    // The first two come due while suspended: held.
    await timeComes(tenant.tenantId, start + 2 * HOUR_MS);

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const query: string = `status=scheduled&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await call(`/v1/admin/tenants/${tenant.tenantId}/posts?${query}`, { token: ADMIN });
      expect(res.status, await res.clone().text()).toBe(200);
      const page = await json<{ data: Post[]; next_cursor: string | null }>(res);
      pages.push(page.data.map((p) => p.id));
      cursor = page.next_cursor;
    } while (cursor);
    const ids = posts.map((p) => p.id);
    expect(pages).toEqual([[ids[4], ids[3]], [ids[2]]]);
    expect((await operatorList(tenant.tenantId, "held")).map((p) => p.id)).toEqual([ids[1], ids[0]]);

    // Cancel one held and one scheduled post while the tenant is suspended.
    for (const id of [ids[0], ids[2]] as string[]) {
      const res = await call(`/v1/admin/tenants/${tenant.tenantId}/posts/${id}/cancel`, {
        method: "POST",
        token: ADMIN,
      });
      expect(res.status, `${id}: ${await res.clone().text()}`).toBe(200);
      expect((await json<Post>(res)).status, id).toBe("cancelled");
      expect(
        (await auditOf(tenant.tenantId, id, "post.cancel")).map((r) => r.user_id),
        id,
      ).toEqual(["operator"]);
    }
    // Another tenant's post under this tenant, an unknown tenant, a missing status, a tenant's own key.
    const crossed = await call(`/v1/admin/tenants/${tenant.tenantId}/posts/${foreign.id}/cancel`, {
      method: "POST",
      token: ADMIN,
    });
    expect(crossed.status).toBe(404);
    expect((await readPost(other.ownerKey, foreign.id)).status).toBe("scheduled");
    expect(
      (await call("/v1/admin/tenants/ten_00000000000000000000000000/posts?status=held", { token: ADMIN })).status,
    ).toBe(404);
    const missing = await call(`/v1/admin/tenants/${tenant.tenantId}/posts`, { token: ADMIN });
    expect(missing.status).toBe(400);
    expect((await json<Problem>(missing)).errors?.map((e) => e.field)).toContain("status");
    expect(
      (await call(`/v1/admin/tenants/${other.tenantId}/posts?status=held`, { token: other.ownerKey })).status,
    ).toBe(401);

    // Reactivated, the rest go out on time; neither cancelled post ever does.
    await setTenantStatus(tenant.tenantId, "active");
    await timeComes(tenant.tenantId, start + 5 * HOUR_MS);
    const sent = await sentTexts(account);
    expect(sent.toSorted()).toEqual([posts[3]?.text, posts[4]?.text].toSorted());
    expect((await readPost(tenant.ownerKey, ids[1] as string)).status).toBe("held");
  });

  it("only an owner or admin releases, at a time ahead, a held post of their own tenant, once however many ask at once", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const at = Date.now() + HOUR_MS;
    const post = await schedule(tenant.ownerKey, account, at);
    const notHeld = await schedule(tenant.ownerKey, account, at + 10 * HOUR_MS);
    await setTenantStatus(tenant.tenantId, "suspended");
    await timeComes(tenant.tenantId, at);
    await setTenantStatus(tenant.tenantId, "active");
    const later = Date.now() + 3 * HOUR_MS;

    const member = await login(tenant.tenantId, (await addUser(tenant, "member")).email);
    const viewer = await login(tenant.tenantId, (await addUser(tenant, "viewer")).email);
    for (const [who, token] of [
      ["member", member],
      ["viewer", viewer],
    ] as const) {
      const res = await release(token, post.id, later);
      expect(res.status, who).toBe(403);
      expect((await json<Problem>(res)).type, who).toBe("/problems/forbidden");
    }
    expect((await release(other.ownerKey, post.id, later)).status).toBe(404);
    const past = await release(tenant.ownerKey, post.id, Date.now() - MINUTE_MS);
    expect(past.status).toBe(400);
    expect((await json<Problem>(past)).errors?.map((e) => e.field)).toEqual(["scheduled_at"]);
    expect((await release(tenant.ownerKey, notHeld.id, later)).status).toBe(409);
    expect(await readPost(tenant.ownerKey, post.id)).toMatchObject({ status: "held" });

    // While the tenant is stopped a release is refused (its credentials are refused too:
    // the object's own answer is asked here).
    await setTenantStatus(tenant.tenantId, "suspended");
    const stopped = await runInDurableObject(tenantObjectOf(tenant.tenantId), (instance: TenantObject) =>
      instance.releaseHeld(post.id, {
        dueAtMs: later,
        actor: { tenantId: tenant.tenantId, userId: tenant.ownerId, ip: null, userAgent: null, requestId: null },
        overrideAuthorRemoved: true,
      }),
    );
    expect(stopped).toEqual({ kind: "tenant_stopped", heldReason: "tenant_suspended", tenantStatus: "suspended" });
    await setTenantStatus(tenant.tenantId, "active");

    // Fifty owners' releases at once: one is released, every other is a 409.
    const answers = await Promise.all(Array.from({ length: 50 }, () => release(tenant.ownerKey, post.id, later)));
    const statuses = answers.map((res) => res.status);
    expect(
      statuses.filter((s) => s === 200),
      statuses.join(","),
    ).toHaveLength(1);
    expect(
      statuses.filter((s) => s !== 200 && s !== 409),
      statuses.join(","),
    ).toEqual([]);
    const released = (await auditOf(tenant.tenantId, post.id, "post.release")).filter((row) => row.success === 1);
    expect(released).toHaveLength(1);
    expect(await readPost(tenant.ownerKey, post.id)).toMatchObject({
      status: "scheduled",
      scheduled_at: new Date(later).toISOString(),
    });
  });

  it("the tenant's own cancel takes a held post too", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const at = Date.now() + HOUR_MS;
    const post = await schedule(tenant.ownerKey, account, at);
    await setTenantStatus(tenant.tenantId, "suspended");
    await timeComes(tenant.tenantId, at);
    await setTenantStatus(tenant.tenantId, "active");
    const res = await call(`/v1/posts/${post.id}`, { method: "DELETE", token: tenant.ownerKey });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json<Post>(res)).toMatchObject({ status: "cancelled", held_reason: null });
    expect((await auditOf(tenant.tenantId, post.id, "post.cancel")).map((r) => r.user_id)).toEqual([tenant.ownerId]);
    expect((await release(tenant.ownerKey, post.id, Date.now() + HOUR_MS)).status).toBe(409);
  });

  it("many posts due while suspended are all held, each once, across several runs of the alarm", async () => {
    const tenant: TestTenant = await createTenant({ settings: { rate_limits: { linkedin: { limit: 1000 } } } });
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const at = Date.now() + HOUR_MS;
    const posts = await Promise.all(Array.from({ length: 60 }, () => schedule(tenant.ownerKey, account, at)));
    await setTenantStatus(tenant.tenantId, "suspended");
    await objectTimeIs(tenant.tenantId, at + MINUTE_MS);
    // The alarm takes 20 due posts a run.
    for (let run = 0; run < 4; run++) await runTimersNow(tenant.tenantId, ["publish-due"]);
    expect(await sentTexts(account)).toEqual([]);
    const { results } = await (await tenantDb(tenant.tenantId))
      .prepare(
        `SELECT r.request_id, r.status, r.held_reason,
           (SELECT COUNT(*) FROM audit_logs a WHERE a.tenant_id = r.tenant_id AND a.resource_type = 'post'
              AND a.resource_id = r.request_id AND a.action = 'post.hold') AS holds
         FROM publish_requests r WHERE r.tenant_id = ?`,
      )
      .bind(tenant.tenantId)
      .all<{ request_id: string; status: string; held_reason: string; holds: number }>();
    expect(results).toHaveLength(posts.length);
    for (const row of results) {
      expect([row.status, row.held_reason, row.holds], row.request_id).toEqual(["held", "tenant_suspended", 1]);
    }
  });
});
