// Live access ends with access (ARCHITECTURE.md, Stopped tenants): suspending or deleting the tenant,
// or suspending or deleting a user, voids their unspent tickets and closes their
// sockets, which then receive nothing more.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ACCESS_ENDED, liveUserTag } from "../../objects/analytics/live-access";
import { LIVE_USER_HEADER } from "../../objects/tenant-object/contract";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { type AnalyticsWorld, ingest, publishedPosts } from "../support/analytics";
import { call } from "../support/http";
import { type OpenSocket, open, ticketFor, until, upgrade } from "../support/live";
import { tenantObjectOf } from "../support/objects";
import { ADMIN, addUser, login, type TestUser } from "../support/tenants";

/** A socket that has had its snapshot. */
async function watching(token: string): Promise<OpenSocket> {
  const opened = await open((await ticketFor(token)).url);
  await until(() => opened.messages.length >= 1, "the snapshot");
  return opened;
}

async function closedForEndedAccess(opened: OpenSocket): Promise<void> {
  await until(() => opened.closed !== null, "the socket to close");
  expect(opened.closed).toEqual({ code: ACCESS_ENDED.code, reason: ACCESS_ENDED.reason });
}

/** Adds likes through the API and waits until `watcher` has seen the post reach `likes`. */
async function likesReach(world: AnalyticsWorld, watcher: OpenSocket, likes: number): Promise<void> {
  const res = await ingest(world.key, [{ post_id: world.posts[0], type: "snapshot", metrics: { likes } }]);
  expect(res.status).toBe(200);
  await until(
    () => watcher.messages.some((m) => m.type === "update" && m.posts.some((p) => p.likes === likes)),
    `an update with ${likes} likes`,
  );
}

/**
 * The operator suspends or reactivates the tenant: by PATCH /v1/tenants/{id}, or by
 * PATCH /v1/admin/tenants/{id} (docs/billing.md), which must stop it exactly as well.
 */
function setTenantStatus(
  tenantId: string,
  status: "active" | "suspended",
  route = "/v1/tenants/{id}",
): Promise<Response> {
  return call(route.replace("{id}", tenantId), { method: "PATCH", token: ADMIN, body: { status } });
}

async function memberWatching(world: AnalyticsWorld): Promise<{ member: TestUser; session: string }> {
  const member = await addUser(world.tenant, "member");
  return { member, session: await login(world.tenant.tenantId, member.email) };
}

describe("suspending the tenant", () => {
  it.each(["/v1/tenants/{id}", "/v1/admin/tenants/{id}"])(
    "closes its sockets, which receive no further updates, and voids tickets issued before (PATCH %s)",
    async (route) => {
      const world = await publishedPosts(1);
      const before = await watching(world.key);
      const unspent = await ticketFor(world.key);

      const suspended = await setTenantStatus(world.tenant.tenantId, "suspended", route);
      expect(suspended.status).toBe(200);
      await closedForEndedAccess(before);
      expect((await upgrade(unspent.url)).status).toBe(401);
      expect((await call("/v1/live/ticket", { method: "POST", token: world.key })).status).toBe(401);

      // Reactivated, the tenant's figures flow again: to a new socket, not the closed one,
      // and the ticket issued before the suspension stays void.
      const seenAtClose = before.messages.length;
      expect((await setTenantStatus(world.tenant.tenantId, "active", route)).status).toBe(200);
      expect((await upgrade(unspent.url)).status).toBe(401);
      const after = await watching(world.key);
      await likesReach(world, after, 9);
      expect(before.messages).toHaveLength(seenAtClose);
      after.socket.close();
    },
  );

  it("is the operator's: 401 without the operator's token, 400 naming the field, 404, 409 once deleted", async () => {
    const world = await publishedPosts(1);
    const id = world.tenant.tenantId;
    const asOwner = await call(`/v1/tenants/${id}`, {
      method: "PATCH",
      token: world.tenant.ownerKey,
      body: { status: "suspended" },
    });
    expect(asOwner.status).toBe(401);
    const bad = await call(`/v1/tenants/${id}`, { method: "PATCH", token: ADMIN, body: { status: "deleted" } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("status");
    expect((await setTenantStatus("ten_00000000000000000000000000", "suspended")).status).toBe(404);
    const session = await login(id, world.tenant.ownerEmail);
    expect((await call("/v1/tenant", { method: "DELETE", token: session })).status).toBe(200);
    expect((await setTenantStatus(id, "active")).status).toBe(409);
  });
});

describe("deleting the tenant", () => {
  it("closes every socket of the tenant", async () => {
    const world = await publishedPosts(1);
    const { session } = await memberWatching(world);
    const owners = await watching(world.key);
    const members = await watching(session);
    const ownerSession = await login(world.tenant.tenantId, world.tenant.ownerEmail);
    expect((await call("/v1/tenant", { method: "DELETE", token: ownerSession })).status).toBe(200);
    await closedForEndedAccess(owners);
    await closedForEndedAccess(members);
  });
});

describe("a user's access ending", () => {
  it.each([
    ["suspended", (id: string) => ({ method: "PATCH", body: { status: "suspended" }, path: `/v1/users/${id}` })],
    ["deleted", (id: string) => ({ method: "DELETE", body: undefined, path: `/v1/users/${id}` })],
  ])("%s: closes that user's sockets and voids their tickets; another user's socket stays open", async (_, change) => {
    const world = await publishedPosts(1);
    const { member, session } = await memberWatching(world);
    const members = await watching(session);
    const unspent = await ticketFor(session);
    const owners = await watching(world.key);

    const { method, body, path } = change(member.userId);
    const res = await call(path, { method, body, token: world.tenant.ownerKey });
    expect(res.status).toBeLessThan(300);
    await closedForEndedAccess(members);
    expect((await upgrade(unspent.url)).status).toBe(401);

    const seenAtClose = members.messages.length;
    await likesReach(world, owners, 11);
    expect(owners.closed).toBeNull();
    expect(members.messages).toHaveLength(seenAtClose);
    owners.socket.close();
  });

  it("a suspended user's ticket is refused when redeemed, whatever is in the ticket table", async () => {
    const world = await publishedPosts(1);
    const { member } = await memberWatching(world);
    const suspended = await call(`/v1/users/${member.userId}`, {
      method: "PATCH",
      token: world.tenant.ownerKey,
      body: { status: "suspended" },
    });
    expect(suspended.status).toBe(200);
    // A ticket row the API would never issue now: the check at redemption refuses it.
    await runInDurableObject(tenantObjectOf(world.tenant.tenantId), (_o: TenantObject, state) => {
      state.storage.sql.exec(
        "INSERT INTO live_tickets (ticket, user_id, expires_at_ms) VALUES ('planted', ?, ?)",
        member.userId,
        Date.now() + 60_000,
      );
    });
    expect((await upgrade(`/parties/tenant-object/${world.tenant.tenantId}?ticket=planted`)).status).toBe(401);
  });

  it("is the ticket's user, not a user named by the client", async () => {
    const world = await publishedPosts(1);
    const { member } = await memberWatching(world);
    const { url } = await ticketFor(world.key);
    const owners = await open(url, { [LIVE_USER_HEADER]: member.userId });
    await until(() => owners.messages.length >= 1, "the snapshot");
    await runInDurableObject(tenantObjectOf(world.tenant.tenantId), (_o: TenantObject, state) => {
      expect(state.getWebSockets(liveUserTag(world.tenant.ownerId))).toHaveLength(1);
      expect(state.getWebSockets(liveUserTag(member.userId))).toHaveLength(0);
    });
    await call(`/v1/users/${member.userId}`, { method: "DELETE", token: world.tenant.ownerKey });
    await likesReach(world, owners, 13);
    expect(owners.closed).toBeNull();
    owners.socket.close();
  });
});
