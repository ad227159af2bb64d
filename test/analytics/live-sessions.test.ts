// Live dashboards end with their session (objects/analytics/live-access.ts): a socket
// opened with a session's ticket closes (4401) the moment that session ends (signing
// out, a password change, a reset link redeemed, MFA turned on, a sign-in beyond the
// limit), and that session's unspent tickets are void. The same user's other sessions'
// sockets, and sockets opened with an API key's ticket, stay open and keep streaming.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { liveSessionTag, liveUserTag, SESSION_ENDED } from "../../objects/analytics/live-access";
import { MAX_SESSIONS_PER_USER } from "../../objects/identity/sessions";
import { LIVE_SESSION_HEADER } from "../../objects/tenant-object/contract";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { totpAt } from "../../src/core/auth/totp";
import { fromBase64Url } from "../../src/core/crypto/encoding";
import { type AnalyticsWorld, ingest, publishedPosts } from "../support/analytics";
import { call, json } from "../support/http";
import { type OpenSocket, open, type Ticket, ticketFor, until, upgrade } from "../support/live";
import { objectRows } from "../support/object-time";
import { tenantObjectOf } from "../support/objects";
import { addUser, createKey, login, PASSWORD } from "../support/tenants";

/** The session a session token names: its JWT's jti. */
function sessionIdOf(token: string): string {
  const payload = token.split(".")[1] ?? "";
  return (JSON.parse(new TextDecoder().decode(fromBase64Url(payload))) as { jti: string }).jti;
}

/** A socket that has had its snapshot. */
async function watching(token: string): Promise<OpenSocket> {
  const opened = await open((await ticketFor(token)).url);
  await until(() => opened.messages.length >= 1, "the snapshot");
  return opened;
}

async function closedForEndedSession(opened: OpenSocket, label: string): Promise<void> {
  await until(() => opened.closed !== null, `${label}: the socket to close`);
  expect(opened.closed, label).toEqual({ code: SESSION_ENDED.code, reason: SESSION_ENDED.reason });
}

/** The object's sockets with `tag`, and whether each is still open. */
function socketsTagged(tenantId: string, tag: string): Promise<boolean[]> {
  return runInDurableObject(tenantObjectOf(tenantId), (_o: TenantObject, state) =>
    state.getWebSockets(tag).map((ws) => ws.readyState === WebSocket.OPEN),
  );
}

/**
 * Adds likes through the API and waits until every one of `watchers` has seen the post
 * reach `likes`: they are open and streaming.
 */
async function streaming(world: AnalyticsWorld, watchers: Record<string, OpenSocket>, likes: number): Promise<void> {
  const res = await ingest(world.key, [{ post_id: world.posts[0], type: "snapshot", metrics: { likes } }]);
  expect(res.status).toBe(200);
  for (const [label, watcher] of Object.entries(watchers)) {
    await until(
      () => watcher.messages.some((m) => m.type === "update" && m.posts.some((p) => p.likes === likes)),
      `${label}: an update with ${likes} likes`,
    );
    expect(watcher.closed, label).toBeNull();
  }
}

function closeAll(watchers: Record<string, OpenSocket>): void {
  for (const watcher of Object.values(watchers)) if (watcher.closed === null) watcher.socket.close();
}

const logout = (token: string) => call("/v1/auth/logout", { method: "POST", token });

describe("signing out", () => {
  it("closes that session's socket before it answers; the user's other session's and API key's stay", async () => {
    const world = await publishedPosts(1);
    const { tenantId, ownerEmail, ownerId } = { ...world.tenant };
    const leaving = await login(tenantId, ownerEmail);
    const staying = await login(tenantId, ownerEmail);
    const leavingSocket = await watching(leaving);
    const stays = {
      "the other session's socket": await watching(staying),
      "the API key's socket": await watching(world.key),
    };

    // Tagged by the gate's word: the user's three sockets, one for each session.
    expect(await socketsTagged(tenantId, liveUserTag(ownerId))).toEqual([true, true, true]);
    expect(await socketsTagged(tenantId, liveSessionTag(sessionIdOf(leaving)))).toEqual([true]);
    expect(await socketsTagged(tenantId, liveSessionTag(sessionIdOf(staying)))).toEqual([true]);

    expect((await logout(leaving)).status).toBe(204);
    // Closed by the object within the sign-out itself, not at some later sweep.
    expect(
      await socketsTagged(tenantId, liveSessionTag(sessionIdOf(leaving))),
      "the signed-out session's socket, as the sign-out answers",
    ).not.toContain(true);
    await closedForEndedSession(leavingSocket, "the signed-out session's socket");

    const seenAtClose = leavingSocket.messages.length;
    await streaming(world, stays, 7);
    expect(leavingSocket.messages).toHaveLength(seenAtClose);
    closeAll(stays);
  });

  it("voids the session's unspent tickets (issued before, redeemed after); another session's ticket opens", async () => {
    const world = await publishedPosts(1);
    const leaving = await login(world.tenant.tenantId, world.tenant.ownerEmail);
    const staying = await login(world.tenant.tenantId, world.tenant.ownerEmail);
    const unspent = await ticketFor(leaving);
    const othersTicket = await ticketFor(staying);

    const ticketsOf = async (token: string) =>
      (
        await objectRows<{ ticket: string }>(
          world.tenant.tenantId,
          "SELECT ticket FROM live_tickets WHERE session_id = ?",
          sessionIdOf(token),
        )
      ).map((row) => row.ticket);
    expect(await ticketsOf(leaving), "the leaving session's ticket, kept with its session").toEqual([unspent.ticket]);

    expect((await logout(leaving)).status).toBe(204);
    // Voided with the session, not merely refused when redeemed.
    expect(await ticketsOf(leaving), "the signed-out session's tickets").toEqual([]);
    expect(await ticketsOf(staying), "the other session's ticket").toEqual([othersTicket.ticket]);
    const refused = await upgrade(unspent.url);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("Content-Type")).toContain("application/problem+json");
    const other = await open(othersTicket.url);
    await until(() => other.messages.length >= 1, "the other session's snapshot");
    other.socket.close();
  });

  it("refuses a ticket to the ended session itself (401), every one of hundreds asked in flight", async () => {
    const world = await publishedPosts(1);
    const session = await login(world.tenant.tenantId, world.tenant.ownerEmail);
    expect((await logout(session)).status).toBe(204);
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => call("/v1/live/ticket", { method: "POST", token: session })),
    );
    for (const [i, res] of answers.entries()) expect(res.status, `ticket request ${i}`).toBe(401);
  });

  it("racing a hundred upgrades with its session's tickets: every socket that opened is closed", async () => {
    const world = await publishedPosts(1);
    const session = await login(world.tenant.tenantId, world.tenant.ownerEmail);
    const tickets = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const res = await call("/v1/live/ticket", { method: "POST", token: session });
        expect(res.status).toBe(201);
        return json<Ticket>(res);
      }),
    );
    const sockets: OpenSocket[] = [];
    let settled = 0;
    const upgrades = tickets.map(async (ticket, i) => {
      const res = await upgrade(ticket.url);
      settled += 1;
      expect([101, 401], `upgrade ${i}`).toContain(res.status);
      if (res.status !== 101) return res.status;
      const socket = res.webSocket as WebSocket;
      const opened: OpenSocket = { socket, messages: [], closed: null };
      socket.addEventListener("close", (event) => {
        opened.closed = { code: event.code, reason: event.reason };
      });
      socket.accept();
      sockets.push(opened);
      return res.status;
    });
    // Signing out once some sockets are open, with the rest of the upgrades in flight.
    await until(() => sockets.length >= 10 || settled === tickets.length, "ten sockets open");
    expect(sockets.length, "sockets open before signing out").toBeGreaterThanOrEqual(10);
    expect((await logout(session)).status).toBe(204);
    expect(await Promise.all(upgrades)).toHaveLength(100);
    for (const [i, opened] of sockets.entries()) await closedForEndedSession(opened, `socket ${i}`);
    expect(
      await socketsTagged(world.tenant.tenantId, liveSessionTag(sessionIdOf(session))),
      "the ended session's sockets",
    ).not.toContain(true);
    // Every ticket is spent or void: none opens now.
    const again = await Promise.all(tickets.map((ticket) => upgrade(ticket.url)));
    for (const [i, res] of again.entries()) expect(res.status, `ticket ${i} again`).toBe(401);
  });
});

describe("a password change", () => {
  it("closes the user's other sessions' sockets and voids their tickets; the changing session's stays", async () => {
    const world = await publishedPosts(1);
    const { tenantId, ownerEmail } = world.tenant;
    const here = await login(tenantId, ownerEmail);
    const elsewhere = await login(tenantId, ownerEmail);
    const elsewhereSocket = await watching(elsewhere);
    const elsewhereTicket = await ticketFor(elsewhere);
    const hereTicket = await ticketFor(here);
    const stays = {
      "the changing session's socket": await watching(here),
      "the API key's socket": await watching(world.key),
    };

    const res = await call("/v1/me/password", {
      token: here,
      body: { current_password: PASSWORD, new_password: "a brand new passphrase" },
      headers: { "CF-Connecting-IP": "198.51.100.41" },
    });
    expect(res.status, await res.clone().text()).toBe(204);
    await closedForEndedSession(elsewhereSocket, "the other session's socket");
    expect((await upgrade(elsewhereTicket.url)).status, "the other session's unspent ticket").toBe(401);

    const hereAgain = await open(hereTicket.url);
    await streaming(world, { ...stays, "the changing session's new socket": hereAgain }, 9);
    closeAll({ ...stays, hereAgain });
  });
});

describe("every other path that ends sessions closes their sockets", () => {
  it("a reset link redeemed: every session's socket of the user; the user's API key's socket stays", async () => {
    const world = await publishedPosts(1);
    const member = await addUser(world.tenant, "member");
    const sessions = [
      await login(world.tenant.tenantId, member.email),
      await login(world.tenant.tenantId, member.email),
    ];
    const key = await createKey(sessions[0] as string, { scopes: ["read:analytics"] });
    const closing = await Promise.all(sessions.map((session) => watching(session)));
    const stays = { "the member's API key's socket": await watching(key.key) };

    const owner = await login(world.tenant.tenantId, world.tenant.ownerEmail);
    const link = await call(`/v1/users/${member.userId}/password-reset`, { method: "POST", token: owner });
    expect(link.status).toBe(201);
    const { token } = await json<{ token: string }>(link);
    const redeemed = await call("/v1/auth/password-reset", { body: { token, new_password: "reset to something new" } });
    expect(redeemed.status, await redeemed.clone().text()).toBe(204);
    for (const [i, socket] of closing.entries()) await closedForEndedSession(socket, `session ${i}'s socket`);
    await streaming(world, stays, 5);
    closeAll(stays);
  });

  it("MFA turned on: the sockets of the sessions begun before close; the session that turned it on keeps its", async () => {
    const world = await publishedPosts(1);
    const { tenantId, ownerEmail } = world.tenant;
    const here = await login(tenantId, ownerEmail);
    const before = await login(tenantId, ownerEmail);
    const beforeSocket = await watching(before);
    const stays = { "the session that turned MFA on": await watching(here) };
    const enrolled = await call("/v1/me/mfa/enroll", { method: "POST", token: here });
    expect(enrolled.status).toBe(201);
    const { secret } = await json<{ secret: string }>(enrolled);
    // The router's clock is the system's in tests (src/core/clock.ts); the previous step's code.
    const code = await totpAt(secret, Math.floor(Date.now() / 1000) - 30);
    const on = await call("/v1/me/mfa/verify", { token: here, body: { code } });
    expect(on.status, await on.clone().text()).toBe(200);
    await closedForEndedSession(beforeSocket, "a session begun before MFA");
    await streaming(world, stays, 4);
    closeAll(stays);
  });

  it(`a sign-in beyond ${MAX_SESSIONS_PER_USER} sessions: the oldest session's socket closes with it`, async () => {
    const world = await publishedPosts(1);
    const { tenantId, ownerEmail } = world.tenant;
    const oldest = await login(tenantId, ownerEmail);
    const next = await login(tenantId, ownerEmail);
    const oldestSocket = await watching(oldest);
    const stays = { "the next oldest session's socket": await watching(next) };
    for (let i = 2; i < MAX_SESSIONS_PER_USER; i++) await login(tenantId, ownerEmail);
    await streaming(world, { ...stays, "the oldest, at the maximum": oldestSocket }, 2);
    await login(tenantId, ownerEmail);
    await closedForEndedSession(oldestSocket, "the oldest session's socket, one beyond the maximum");
    await streaming(world, stays, 3);
    closeAll(stays);
  });
});

describe("the socket's session", () => {
  it("is the ticket's, never one the client names", async () => {
    const world = await publishedPosts(1);
    const { tenantId, ownerEmail } = world.tenant;
    const leaving = await login(tenantId, ownerEmail);
    const staying = await login(tenantId, ownerEmail);
    const forged = { [LIVE_SESSION_HEADER]: sessionIdOf(leaving) };
    // An API key's ticket, and another session's, each with the leaving session named.
    const keys = await open((await ticketFor(world.key)).url, forged);
    const others = await open((await ticketFor(staying)).url, forged);
    await until(() => keys.messages.length >= 1 && others.messages.length >= 1, "the snapshots");
    expect(await socketsTagged(tenantId, liveSessionTag(sessionIdOf(leaving)))).toEqual([]);
    expect(await socketsTagged(tenantId, liveSessionTag(sessionIdOf(staying)))).toEqual([true]);

    expect((await logout(leaving)).status).toBe(204);
    const stays = { "the API key's socket": keys, "the other session's socket": others };
    await streaming(world, stays, 6);
    closeAll(stays);
  });
});
