// Password reset links (src/router/routes/password-reset.ts, objects/identity/password-resets.ts):
// issued by an owner or admin signed in (only an owner for an owner), shown once, kept
// as a digest, good once and for an hour (the object's clock moved, never slept), and
// redeeming one ends every session of the user.
import { describe, expect, it } from "vitest";
import { digestResetToken } from "../../src/core/auth/reset-token";
import { call, json } from "../support/http";
import { objectRows, passObjectTime } from "../support/object-time";
import { addUser, createTenant, login, PASSWORD, type TestTenant } from "../support/tenants";

const NEW_PASSWORD = "reset to something new";

interface Link {
  token: string;
  user_id: string;
  expires_at: string;
}

async function issue(session: string, userId: string): Promise<Link> {
  const res = await call(`/v1/users/${userId}/password-reset`, { method: "POST", token: session });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<Link>(res);
}

const redeem = (token: string, password = NEW_PASSWORD) =>
  call("/v1/auth/password-reset", { body: { token, new_password: password } });

const signIn = (tenant: TestTenant, email: string, password: string) =>
  call("/v1/auth/login", { body: { tenant_id: tenant.tenantId, email, password } });

/** A 400 that names the token, as for every token that is not a live link. */
async function expectRefusedToken(res: Response, label: string): Promise<void> {
  expect(res.status, label).toBe(400);
  const problem = await json<{ type: string; errors: { field: string }[] }>(res);
  expect(problem.type, label).toBe("/problems/validation");
  expect(
    problem.errors.map((e) => e.field),
    label,
  ).toEqual(["token"]);
}

describe("password reset links", () => {
  it("set the new password once, and end every session of the user", async () => {
    const tenant = await createTenant();
    const owner = await login(tenant.tenantId, tenant.ownerEmail);
    const member = await addUser(tenant, "member");
    const sessions = [await login(tenant.tenantId, member.email), await login(tenant.tenantId, member.email)];

    const link = await issue(owner, member.userId);
    expect(link.token).toMatch(new RegExp(`^reset\\.${tenant.tenantId}\\.[A-Za-z0-9_-]{43}$`));
    expect(link.user_id).toBe(member.userId);
    // Issuing ends nothing yet.
    for (const [i, token] of sessions.entries())
      expect((await call("/v1/me", { token })).status, `session ${i}`).toBe(200);

    const res = await redeem(link.token);
    expect(res.status, await res.clone().text()).toBe(204);
    for (const [i, token] of sessions.entries()) {
      expect((await call("/v1/me", { token })).status, `session ${i} after the reset`).toBe(401);
    }
    expect((await signIn(tenant, member.email, PASSWORD)).status, "the old password").toBe(401);
    expect((await signIn(tenant, member.email, NEW_PASSWORD)).status, "the new password").toBe(200);

    await expectRefusedToken(await redeem(link.token, "and another one again"), "a second redemption");
    expect((await signIn(tenant, member.email, NEW_PASSWORD)).status, "still the first new password").toBe(200);

    const audit = await json<{ data: { action: string; user_id: string; resource_id: string }[] }>(
      await call(`/v1/audit-logs?resource_id=${member.userId}`, { token: tenant.ownerKey }),
    );
    const actions = audit.data.map((r) => `${r.action} by ${r.user_id === tenant.ownerId ? "owner" : "member"}`);
    expect(actions).toContain("user.password_reset_issue by owner");
    expect(actions).toContain("user.password_reset by member");
  });

  it("expire after an hour on the object's clock", async () => {
    const tenant = await createTenant();
    const owner = await login(tenant.tenantId, tenant.ownerEmail);
    const member = await addUser(tenant, "member");
    const early = await issue(owner, member.userId);
    await passObjectTime(tenant.tenantId, 59 * 60_000);
    expect((await redeem(early.token)).status, "at 59 minutes").toBe(204);

    const late = await issue(owner, member.userId);
    await passObjectTime(tenant.tenantId, 60 * 60_000);
    await expectRefusedToken(await redeem(late.token, "too late for this one"), "at 60 minutes");
    expect((await signIn(tenant, member.email, NEW_PASSWORD)).status, "the password set at 59 minutes").toBe(200);
  });

  it("are kept as a SHA-256 digest only, one per user: a new link voids the one before", async () => {
    const tenant = await createTenant();
    const owner = await login(tenant.tenantId, tenant.ownerEmail);
    const member = await addUser(tenant, "member");
    const first = await issue(owner, member.userId);
    const second = await issue(owner, member.userId);
    const rows = await objectRows<{ token_digest: string; user_id: string }>(
      tenant.tenantId,
      "SELECT token_digest, user_id FROM password_resets",
    );
    expect(rows).toEqual([{ token_digest: await digestResetToken(second.token), user_id: member.userId }]);
    const secret = second.token.split(".")[2] as string;
    expect(JSON.stringify(rows)).not.toContain(secret);
    await expectRefusedToken(await redeem(first.token), "the earlier link");
    expect((await redeem(second.token)).status).toBe(204);
  });

  it("are spent once by a hundred concurrent redemptions", async () => {
    const tenant = await createTenant();
    const owner = await login(tenant.tenantId, tenant.ownerEmail);
    const member = await addUser(tenant, "member");
    const link = await issue(owner, member.userId);
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => redeem(link.token, `concurrent password ${i}`)),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(99);
    const winner = statuses.indexOf(204);
    expect((await signIn(tenant, member.email, `concurrent password ${winner}`)).status).toBe(200);
  });

  it("refuse a malformed, unknown or foreign token the same way, and a weak new password by its field", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const owner = await login(tenant.tenantId, tenant.ownerEmail);
    const member = await addUser(tenant, "member");
    const link = await issue(owner, member.userId);
    // The same secret under another tenant's id: its digest is another.
    const foreign = link.token.replace(tenant.tenantId, other.tenantId);
    await expectRefusedToken(await redeem(foreign), "another tenant's id");
    await expectRefusedToken(await redeem(`${link.token.slice(0, -4)}AAAA`), "an unknown secret");
    await expectRefusedToken(await redeem("reset.nonsense"), "malformed");
    const weak = await redeem(link.token, "short");
    expect(weak.status).toBe(400);
    expect((await json<{ errors: { field: string }[] }>(weak)).errors.map((e) => e.field)).toEqual(["new_password"]);
    // None of these spent the link.
    expect((await redeem(link.token)).status).toBe(204);
  });

  it("are issued by an owner or admin; only an owner issues one for an owner; never with an API key", async () => {
    const tenant = await createTenant();
    const owner = await login(tenant.tenantId, tenant.ownerEmail);
    const admin = await addUser(tenant, "admin");
    const adminSession = await login(tenant.tenantId, admin.email);
    const member = await addUser(tenant, "member");
    const memberSession = await login(tenant.tenantId, member.email);
    const secondOwner = await addUser(tenant, "owner");

    const ask = (token: string, userId: string) =>
      call(`/v1/users/${userId}/password-reset`, { method: "POST", token });
    expect((await ask(adminSession, member.userId)).status, "admin for a member").toBe(201);
    expect((await ask(adminSession, tenant.ownerId)).status, "admin for an owner").toBe(403);
    expect((await ask(owner, secondOwner.userId)).status, "owner for an owner").toBe(201);
    expect((await ask(memberSession, admin.userId)).status, "member").toBe(403);
    expect((await ask(tenant.ownerKey, member.userId)).status, "an API key").toBe(403);
    expect((await ask(owner, "usr_00000000000000000000000000")).status, "no such user").toBe(404);
  });
});
