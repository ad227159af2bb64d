// Keys made with keys (docs/identity.md, "A key made with a key"): a child never exceeds its parent's scopes,
// hourly limit or expiry, and revoking a key revokes every key made with it.
import { describe, expect, it } from "vitest";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { insertRow, uniqueId } from "../support/rows";
import { createKey, createTenant, login } from "../support/tenants";

interface KeyView {
  id: string;
  key: string;
  rate_limit_per_hour: number;
  expires_at: string | null;
  parent_key_id: string | null;
  status: string;
}

interface Refusal {
  status: number;
  errors: { field: string; message: string }[];
}

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const inADay = () => new Date(Date.now() + 86_400_000).toISOString();
const MANAGE = ["manage:api_keys", "read:users"];

async function keyCount(tenantId: string): Promise<number> {
  const row = await (await tenantDb(tenantId))
    .prepare("SELECT COUNT(*) AS n FROM api_keys WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function make(token: string, body: Record<string, unknown>): Promise<KeyView> {
  return (await createKey(token, body)) as unknown as KeyView;
}

describe("a key made with a key", () => {
  it("a key of 5/h expiring in an hour cannot make 1,000,000/h or a later expiry", async () => {
    const tenant = await createTenant();
    const expiresAt = inAnHour();
    const parent = await make(tenant.ownerKey, { scopes: MANAGE, rate_limit_per_hour: 5, expires_at: expiresAt });
    const before = await keyCount(tenant.tenantId);

    const stronger = await call("/v1/api-keys", {
      token: parent.key,
      body: { scopes: ["read:users"], rate_limit_per_hour: 1_000_000, expires_at: inADay() },
    });
    expect(stronger.status).toBe(403);
    expect(stronger.headers.get("Content-Type")).toContain("application/problem+json");
    const refusal = await json<Refusal>(stronger);
    expect(refusal.errors.map((e) => e.field).sort()).toEqual(["expires_at", "rate_limit_per_hour"]);

    const louder = await call("/v1/api-keys", {
      token: parent.key,
      body: { scopes: ["read:users"], rate_limit_per_hour: 6 },
    });
    expect(louder.status).toBe(403);
    expect((await json<Refusal>(louder)).errors.map((e) => e.field)).toEqual(["rate_limit_per_hour"]);
    expect(await keyCount(tenant.tenantId)).toBe(before);

    // Omitted bounds are the parent's: the child cannot outlive it.
    const child = await make(parent.key, { scopes: ["read:users"] });
    expect(child).toMatchObject({ rate_limit_per_hour: 5, expires_at: expiresAt, parent_key_id: parent.id });
    expect((await call("/v1/me", { token: child.key })).status).toBe(200);
  });

  it("within its parent's bounds works, and its own lower limit is enforced", async () => {
    const tenant = await createTenant();
    const parent = await make(tenant.ownerKey, { scopes: MANAGE, rate_limit_per_hour: 50, expires_at: inADay() });
    const child = await make(parent.key, { scopes: ["read:users"], rate_limit_per_hour: 2, expires_at: inAnHour() });
    expect(child.parent_key_id).toBe(parent.id);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call("/v1/me", { token: child.key })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it("made by a signed-in user has no parent and is bounded by the role only", async () => {
    const tenant = await createTenant();
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    const key = await make(session, { scopes: ["read:users"], rate_limit_per_hour: 1_000_000 });
    expect(key).toMatchObject({ parent_key_id: null, expires_at: null, rate_limit_per_hour: 1_000_000 });
    const defaulted = await make(session, { scopes: ["read:users"] });
    expect(defaulted.rate_limit_per_hour).toBe(1000);
  });
});

describe("revoking a key", () => {
  it("revokes its children and grandchildren on the very next request, and nothing else", async () => {
    const tenant = await createTenant();
    const parent = await make(tenant.ownerKey, { scopes: MANAGE });
    const child = await make(parent.key, { scopes: MANAGE });
    const grandchild = await make(child.key, { scopes: ["read:users"] });
    const sibling = await make(tenant.ownerKey, { scopes: ["read:users"] });
    // Each is known (cached) by the TenantObject before the revocation.
    for (const k of [parent, child, grandchild, sibling])
      expect((await call("/v1/me", { token: k.key })).status).toBe(200);

    const res = await call(`/v1/api-keys/${parent.id}`, { method: "DELETE", token: tenant.ownerKey });
    expect(res.status).toBe(200);
    for (const k of [parent, child, grandchild]) expect((await call("/v1/me", { token: k.key })).status).toBe(401);
    expect((await call("/v1/me", { token: sibling.key })).status).toBe(200);
    expect((await call("/v1/me", { token: tenant.ownerKey })).status).toBe(200);

    const listed = await json<{ data: KeyView[] }>(await call("/v1/api-keys", { token: tenant.ownerKey }));
    const statusOf = new Map(listed.data.map((k) => [k.id, k.status]));
    expect([parent, child, grandchild].map((k) => statusOf.get(k.id))).toEqual(["revoked", "revoked", "revoked"]);
    expect(statusOf.get(sibling.id)).toBe("active");

    // One audit row for the one change, naming what went with it.
    const audit = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT metadata FROM audit_logs WHERE tenant_id = ? AND action = 'api_key.revoke' AND resource_id = ?")
      .bind(tenant.tenantId, parent.id)
      .all<{ metadata: string }>();
    expect(audit.results).toHaveLength(1);
    expect(JSON.parse(audit.results[0]?.metadata ?? "{}").descendants).toEqual([child.id, grandchild.id].sort());
  });

  it("revoking a child leaves its parent working", async () => {
    const tenant = await createTenant();
    const parent = await make(tenant.ownerKey, { scopes: MANAGE });
    const child = await make(parent.key, { scopes: ["read:users"] });
    expect((await call(`/v1/api-keys/${child.id}`, { method: "DELETE", token: parent.key })).status).toBe(200);
    expect((await call("/v1/me", { token: child.key })).status).toBe(401);
    expect((await call("/v1/me", { token: parent.key })).status).toBe(200);
  });

  it("leaves no child working when children are made while the parent is revoked", async () => {
    const tenant = await createTenant();
    const parent = await make(tenant.ownerKey, { scopes: MANAGE });
    // Creations keep arriving before, during and after the revocation: ten answered
    // before it, a hundred sent with it, ten more once it has answered.
    const create = () => call("/v1/api-keys", { token: parent.key, body: { scopes: ["read:users"] } });
    const before = await Promise.all(Array.from({ length: 10 }, create));
    for (const res of before) expect(res.status, "made before the revocation").toBe(201);
    const revocation = call(`/v1/api-keys/${parent.id}`, { method: "DELETE", token: tenant.ownerKey });
    const during = await Promise.all(Array.from({ length: 100 }, create));
    expect((await revocation).status).toBe(200);
    const after = await Promise.all(Array.from({ length: 10 }, create));
    for (const res of after) expect(res.status, "made after the revocation").toBe(401);
    const answers = [...before, ...during, ...after];
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s !== 201 && s !== 401)).toEqual([]);
    const made = await Promise.all(answers.filter((r) => r.status === 201).map((r) => json<KeyView>(r)));
    expect(made.length).toBeGreaterThanOrEqual(10);
    for (const k of made) expect((await call("/v1/me", { token: k.key })).status).toBe(401);
    const active = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT COUNT(*) AS n FROM api_keys WHERE tenant_id = ? AND parent_key_id = ? AND status = 'active'")
      .bind(tenant.tenantId, parent.id)
      .first<{ n: number }>();
    expect(active?.n).toBe(0);
  });
});

describe("the database", () => {
  async function parentRow() {
    const tenant = await createTenant();
    const parent = await make(tenant.ownerKey, { scopes: MANAGE, rate_limit_per_hour: 10, expires_at: inAnHour() });
    const row = (extra: Record<string, unknown>) => ({
      key_id: uniqueId("key"),
      tenant_id: tenant.tenantId,
      user_id: tenant.ownerId,
      key_prefix: uniqueId("pfx"),
      key_hash: "c".repeat(64),
      scopes: '["read:users"]',
      parent_key_id: parent.id,
      rate_limit_per_hour: 10,
      expires_at: parent.expires_at,
      ...extra,
    });
    return { tenant, parent, row };
  }

  it("refuses a child above its parent's limit or expiry, or of a revoked parent", async () => {
    const { tenant, parent, row } = await parentRow();
    const db = await tenantDb(tenant.tenantId);
    await expect(insertRow(db, "api_keys", row({ rate_limit_per_hour: 11 }))).rejects.toThrow(/parent/);
    await expect(insertRow(db, "api_keys", row({ expires_at: null }))).rejects.toThrow(/parent/);
    await expect(insertRow(db, "api_keys", row({ expires_at: inADay() }))).rejects.toThrow(/parent/);
    await expect(insertRow(db, "api_keys", row({}))).resolves.toBeUndefined();
    await call(`/v1/api-keys/${parent.id}`, { method: "DELETE", token: tenant.ownerKey });
    await expect(insertRow(db, "api_keys", row({}))).rejects.toThrow(/parent/);
  });
});
