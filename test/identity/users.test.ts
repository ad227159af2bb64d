// User management rules beyond the role matrix.
import { describe, expect, it } from "vitest";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { addUser, createKey, createTenant, login, PASSWORD } from "../support/tenants";

describe("users", () => {
  it("keep an active owner: of two owners demoted at once, exactly one demotion succeeds", async () => {
    const tenant = await createTenant();
    const second = await addUser(tenant, "owner");
    const [a, b] = await Promise.all([
      call(`/v1/users/${tenant.ownerId}`, { method: "PATCH", token: tenant.ownerKey, body: { role: "admin" } }),
      call(`/v1/users/${second.userId}`, { method: "PATCH", token: tenant.ownerKey, body: { role: "admin" } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const owners = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT COUNT(*) AS n FROM users WHERE tenant_id = ? AND role = 'owner' AND status = 'active'")
      .bind(tenant.tenantId)
      .first<{ n: number }>();
    expect(owners?.n).toBe(1);
  });

  it("let only an owner create, change or remove an owner", async () => {
    const tenant = await createTenant();
    const admin = await addUser(tenant, "admin");
    const adminSession = await login(tenant.tenantId, admin.email);
    const make = await call("/v1/users", {
      token: adminSession,
      body: { email: "o2@example.com", password: PASSWORD, role: "owner" },
    });
    expect(make.status).toBe(403);
    const demote = await call(`/v1/users/${tenant.ownerId}`, {
      method: "PATCH",
      token: adminSession,
      body: { role: "member" },
    });
    expect(demote.status).toBe(403);
    const remove = await call(`/v1/users/${tenant.ownerId}`, { method: "DELETE", token: adminSession });
    expect(remove.status).toBe(403);
    const promote = await call(`/v1/users/${admin.userId}`, {
      method: "PATCH",
      token: adminSession,
      body: { role: "owner" },
    });
    expect(promote.status).toBe(403);
  });

  it("refuse a second user with the same e-mail (409), in any letter case", async () => {
    const tenant = await createTenant();
    const res = await call("/v1/users", {
      token: tenant.ownerKey,
      body: { email: tenant.ownerEmail.toUpperCase(), password: PASSWORD },
    });
    expect(res.status).toBe(409);
  });

  it("deleted: keys revoked, e-mail freed, sign-in refused, gone from lists", async () => {
    const tenant = await createTenant();
    const member = await addUser(tenant, "member");
    const session = await login(tenant.tenantId, member.email);
    const key = await createKey(session, { scopes: ["read:users"] });
    expect((await call(`/v1/users/${member.userId}`, { method: "DELETE", token: tenant.ownerKey })).status).toBe(204);

    expect((await call("/v1/me", { token: key.key })).status).toBe(401);
    expect((await call("/v1/me", { token: session })).status).toBe(401);
    const keyRow = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT status FROM api_keys WHERE key_id = ?")
      .bind(key.id)
      .first<{ status: string }>();
    expect(keyRow?.status).toBe("revoked");
    expect((await call(`/v1/users/${member.userId}`, { token: tenant.ownerKey })).status).toBe(404);
    const list = await json<{ data: { id: string }[] }>(await call("/v1/users", { token: tenant.ownerKey }));
    expect(list.data.map((u) => u.id)).not.toContain(member.userId);
    const again = await call("/v1/users", {
      token: tenant.ownerKey,
      body: { email: member.email, password: PASSWORD },
    });
    expect(again.status).toBe(201);
  });

  it("suspended: credentials stop working at once and work again on reactivation", async () => {
    const tenant = await createTenant();
    const member = await addUser(tenant, "member");
    const key = await createKey(await login(tenant.tenantId, member.email), { scopes: ["read:users"] });
    await call(`/v1/users/${member.userId}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { status: "suspended" },
    });
    expect((await call("/v1/me", { token: key.key })).status).toBe(401);
    await call(`/v1/users/${member.userId}`, { method: "PATCH", token: tenant.ownerKey, body: { status: "active" } });
    expect((await call("/v1/me", { token: key.key })).status).toBe(200);
  });

  it("a demotion takes effect on the next request of an existing session", async () => {
    const tenant = await createTenant();
    const admin = await addUser(tenant, "admin");
    const session = await login(tenant.tenantId, admin.email);
    expect((await call("/v1/audit-logs", { token: session })).status).toBe(200);
    await call(`/v1/users/${admin.userId}`, { method: "PATCH", token: tenant.ownerKey, body: { role: "viewer" } });
    expect((await call("/v1/audit-logs", { token: session })).status).toBe(403);
  });

  it("list in pages with role and status filters", async () => {
    const tenant = await createTenant();
    for (let i = 0; i < 3; i++) await addUser(tenant, "viewer");
    const first = await json<{ data: { id: string; role: string }[]; next_cursor: string }>(
      await call("/v1/users?role=viewer&limit=2", { token: tenant.ownerKey }),
    );
    expect(first.data).toHaveLength(2);
    const second = await json<{ data: { id: string }[]; next_cursor: string | null }>(
      await call(`/v1/users?role=viewer&limit=2&cursor=${first.next_cursor}`, { token: tenant.ownerKey }),
    );
    expect(second.data).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    for (const user of first.data) expect(user.role, user.id).toBe("viewer");
  });
});

describe("the tenant", () => {
  it("deleted by its owner: every credential stops working", async () => {
    const tenant = await createTenant();
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    expect((await call("/v1/tenant", { method: "DELETE", token: session })).status).toBe(200);
    expect((await call("/v1/me", { token: tenant.ownerKey })).status).toBe(401);
    expect((await call("/v1/me", { token: session })).status).toBe(401);
    const res = await call("/v1/auth/login", {
      body: { tenant_id: tenant.tenantId, email: tenant.ownerEmail, password: PASSWORD },
    });
    expect(res.status).toBe(401);
  });

  it("settings are replaced by PATCH and returned by GET", async () => {
    const tenant = await createTenant();
    const patch = async (settings: Record<string, unknown>) =>
      (await call("/v1/tenant", { method: "PATCH", token: tenant.ownerKey, body: { settings } })).status;
    expect(await patch({ timezone: "Europe/Paris", week_starts_on: "monday" })).toBe(200);
    expect(await patch({ timezone: "Europe/London" })).toBe(200);
    const got = await json<{ settings: unknown; name: string }>(await call("/v1/tenant", { token: tenant.ownerKey }));
    // (The plan's quota overrides are the operator's: test/billing/quota-settings.test.ts.)
    expect(got.settings).toEqual({ timezone: "Europe/London" });
  });
});
