// Sessions that end (objects/identity/sessions.ts, docs/identity.md, "Sessions"):
// signing out, a password change, removal, suspension and MFA on or off each end
// sessions, and the very next request with an ended session's token answers 401.

import { describe, expect, it } from "vitest";
import { MAX_SESSIONS_PER_USER } from "../../objects/identity/sessions";
import { totpAt } from "../../src/core/auth/totp";
import { call, json } from "../support/http";
import { objectRows, passObjectTime } from "../support/object-time";
import { callAt } from "../support/router-clock";
import { atLastSignInFailure } from "../support/sign-in-time";
import { addUser, createKey, createTenant, login, PASSWORD, type TestTenant } from "../support/tenants";

const NEW_PASSWORD = "a brand new passphrase";

const me = (token: string) => call("/v1/me", { token });

async function expectLive(token: string, label: string): Promise<void> {
  const res = await me(token);
  expect(res.status, `${label}: ${await res.clone().text()}`).toBe(200);
}

async function expectEnded(token: string, label: string): Promise<void> {
  const res = await me(token);
  expect(res.status, label).toBe(401);
  expect(res.headers.get("Content-Type"), label).toBe("application/problem+json");
  expect(res.headers.get("WWW-Authenticate"), label).toContain("Bearer");
}

async function auditActions(tenant: TestTenant, action: string) {
  const page = await json<{ data: { action: string; user_id: string; resource_id: string; success: boolean }[] }>(
    await call(`/v1/audit-logs?action=${action}`, { token: tenant.ownerKey }),
  );
  return page.data;
}

async function liveSessionsOf(tenantId: string, userId: string): Promise<number> {
  const rows = await objectRows<{ n: number }>(
    tenantId,
    "SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?",
    userId,
  );
  return rows[0]?.n ?? 0;
}

function changePassword(token: string, body: Record<string, unknown>, address = "198.51.100.40") {
  return call("/v1/me/password", { token, body, headers: { "CF-Connecting-IP": address } });
}

describe("POST /v1/auth/logout", () => {
  it("ends the session: the very next request with its token answers 401, other sessions stay", async () => {
    const tenant = await createTenant();
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    const other = await login(tenant.tenantId, tenant.ownerEmail);
    await expectLive(session, "before signing out");
    const out = await call("/v1/auth/logout", { method: "POST", token: session });
    expect(out.status, await out.clone().text()).toBe(204);
    await expectEnded(session, "after signing out");
    await expectLive(other, "another session of the same user");
    const rows = await auditActions(tenant, "auth.logout");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: tenant.ownerId, resource_id: tenant.ownerId, success: true });
  });

  it("answers 401 to an ended session, every one of hundreds of requests in flight after it", async () => {
    const tenant = await createTenant();
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    expect((await call("/v1/auth/logout", { method: "POST", token: session })).status).toBe(204);
    const again = await call("/v1/auth/logout", { method: "POST", token: session });
    expect(again.status).toBe(401);
    const answers = await Promise.all(Array.from({ length: 200 }, () => me(session)));
    for (const [i, res] of answers.entries()) expect(res.status, `request ${i}`).toBe(401);
  });

  it("is refused too by a route that authenticates in its own object call (POST /v1/posts)", async () => {
    const tenant = await createTenant();
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    expect((await call("/v1/auth/logout", { method: "POST", token: session })).status).toBe(204);
    // A body that does not validate, and one that reaches the object's publish call.
    for (const body of [{}, { account_id: "acc_00000000000000000000000000", text: "Hello from an ended session" }]) {
      const res = await call("/v1/posts", { token: session, body });
      expect(res.status, JSON.stringify(body)).toBe(401);
    }
  });

  it("answers 403 to an API key (a key has no session; it is revoked instead), and the key keeps working", async () => {
    const tenant = await createTenant();
    const res = await call("/v1/auth/logout", { method: "POST", token: tenant.ownerKey });
    expect(res.status).toBe(403);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    await expectLive(tenant.ownerKey, "the key");
  });

  it("ends a session also when its 12 hours are over on the object's clock", async () => {
    const tenant = await createTenant();
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    await passObjectTime(tenant.tenantId, 12 * 3_600_000 - 60_000);
    await expectLive(session, "a minute before the end");
    await passObjectTime(tenant.tenantId, 60_000);
    await expectEnded(session, "at 12 hours");
  });

  it(`keeps at most ${MAX_SESSIONS_PER_USER} sessions a user: a sign-in beyond ends the oldest`, async () => {
    const tenant = await createTenant();
    const first = await login(tenant.tenantId, tenant.ownerEmail);
    for (let i = 1; i < MAX_SESSIONS_PER_USER; i++) await login(tenant.tenantId, tenant.ownerEmail);
    await expectLive(first, "the oldest of the maximum");
    const newest = await login(tenant.tenantId, tenant.ownerEmail);
    await expectEnded(first, "the oldest, one beyond the maximum");
    await expectLive(newest, "the newest");
    expect(await liveSessionsOf(tenant.tenantId, tenant.ownerId)).toBe(MAX_SESSIONS_PER_USER);
  });
});

describe("POST /v1/me/password", () => {
  it("changes the password and ends the user's other sessions, not this one", async () => {
    const tenant = await createTenant();
    const here = await login(tenant.tenantId, tenant.ownerEmail);
    const elsewhere = [
      await login(tenant.tenantId, tenant.ownerEmail),
      await login(tenant.tenantId, tenant.ownerEmail),
    ];
    const member = await addUser(tenant, "member");
    const memberSession = await login(tenant.tenantId, member.email);

    const res = await changePassword(here, { current_password: PASSWORD, new_password: NEW_PASSWORD });
    expect(res.status, await res.clone().text()).toBe(204);
    await expectLive(here, "the session that changed it");
    for (const [i, token] of elsewhere.entries()) await expectEnded(token, `other session ${i}`);
    await expectLive(memberSession, "another user's session");
    await expectLive(tenant.ownerKey, "the user's API key");

    const signIn = (password: string) =>
      call("/v1/auth/login", { body: { tenant_id: tenant.tenantId, email: tenant.ownerEmail, password } });
    expect((await signIn(PASSWORD)).status, "the old password").toBe(401);
    expect((await signIn(NEW_PASSWORD)).status, "the new password").toBe(200);
    const rows = await auditActions(tenant, "user.password_change");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: tenant.ownerId, resource_id: tenant.ownerId, success: true });
  });

  it("refuses a wrong current password (400 naming it, audited), counted by the sign-in throttle", async () => {
    const tenant = await createTenant();
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    const other = await login(tenant.tenantId, tenant.ownerEmail);
    for (let i = 0; i < 3; i++) {
      const res = await changePassword(session, { current_password: `not it ${i}`, new_password: NEW_PASSWORD });
      expect(res.status, `wrong ${i}`).toBe(400);
      const problem = await json<{ errors: { field: string }[] }>(res);
      expect(problem.errors.map((e) => e.field)).toEqual(["current_password"]);
    }
    // A fourth try from that address waits, even with the right password, at sign-in too.
    await atLastSignInFailure(tenant.tenantId, tenant.ownerEmail, "198.51.100.40");
    const waits = await changePassword(session, { current_password: PASSWORD, new_password: NEW_PASSWORD });
    expect(waits.status).toBe(429);
    expect(waits.headers.get("Retry-After")).toBe("2");
    await atLastSignInFailure(tenant.tenantId, tenant.ownerEmail, "198.51.100.40");
    const signIn = await call("/v1/auth/login", {
      body: { tenant_id: tenant.tenantId, email: tenant.ownerEmail, password: PASSWORD },
      headers: { "CF-Connecting-IP": "198.51.100.40" },
    });
    expect(signIn.status).toBe(429);
    // Nothing changed: the old password signs in (elsewhere), the other session lives.
    await login(tenant.tenantId, tenant.ownerEmail);
    await expectLive(other, "the other session");
    const failures = (await auditActions(tenant, "user.password_change")).filter((r) => !r.success);
    expect(failures).toHaveLength(4);
  });

  it("holds the new password to the policy of POST /v1/users, and changes nothing", async () => {
    const tenant = await createTenant();
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    const res = await changePassword(session, { current_password: PASSWORD, new_password: "short" });
    expect(res.status).toBe(400);
    const problem = await json<{ errors: { field: string }[] }>(res);
    expect(problem.errors.map((e) => e.field)).toEqual(["new_password"]);
    await login(tenant.tenantId, tenant.ownerEmail);
  });

  it("is refused to an API key (403)", async () => {
    const tenant = await createTenant();
    const res = await changePassword(tenant.ownerKey, { current_password: PASSWORD, new_password: NEW_PASSWORD });
    expect(res.status).toBe(403);
    await login(tenant.tenantId, tenant.ownerEmail);
  });
});

describe("a user's sessions end when", () => {
  it("the user is removed", async () => {
    const tenant = await createTenant();
    const member = await addUser(tenant, "member");
    const sessions = [await login(tenant.tenantId, member.email), await login(tenant.tenantId, member.email)];
    expect((await call(`/v1/users/${member.userId}`, { method: "DELETE", token: tenant.ownerKey })).status).toBe(204);
    for (const [i, token] of sessions.entries()) await expectEnded(token, `session ${i}`);
    expect(await liveSessionsOf(tenant.tenantId, member.userId)).toBe(0);
  });

  it("the user is suspended, and they stay ended after reactivation (the user's API key works again)", async () => {
    const tenant = await createTenant();
    const member = await addUser(tenant, "member");
    const session = await login(tenant.tenantId, member.email);
    const key = await createKey(session, { scopes: ["read:users"] });
    const patch = (status: string) =>
      call(`/v1/users/${member.userId}`, { method: "PATCH", token: tenant.ownerKey, body: { status } });
    expect((await patch("suspended")).status).toBe(200);
    await expectEnded(session, "suspended");
    expect((await patch("active")).status).toBe(200);
    await expectEnded(session, "reactivated");
    await expectLive(key.key, "the key after reactivation");
    await expectLive(await login(tenant.tenantId, member.email), "a new sign-in");
  });

  it("MFA is turned on, and again when it is turned off: every other session ends, the one that did it stays", async () => {
    const tenant = await createTenant();
    const now = Math.floor(Date.now() / 1000);
    const here = await login(tenant.tenantId, tenant.ownerEmail);
    const before = await login(tenant.tenantId, tenant.ownerEmail);
    const { secret } = await json<{ secret: string }>(await call("/v1/me/mfa/enroll", { method: "POST", token: here }));
    await expectLive(before, "enrolled, not yet on");
    // The router checks codes on its clock: verify and disable run at chosen times, so a
    // 30-second step ending mid-test cannot turn a code stale or make two codes one.
    const on = await callAt(now * 1000, "/v1/me/mfa/verify", {
      token: here,
      body: { code: await totpAt(secret, now - 30) },
    });
    expect(on.status).toBe(200);
    await expectEnded(before, "a session begun before MFA was on");
    await expectLive(here, "the session that turned MFA on");

    const withCode = await login(tenant.tenantId, tenant.ownerEmail, { totp: await totpAt(secret, now) });
    const off = await callAt((now + 60) * 1000, "/v1/me/mfa/disable", {
      token: here,
      body: { code: await totpAt(secret, now + 60) },
    });
    expect(off.status, await off.clone().text()).toBe(200);
    await expectEnded(withCode, "a session begun with MFA on");
    await expectLive(here, "the session that turned MFA off");
  });
});
