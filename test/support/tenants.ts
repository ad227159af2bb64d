// Tenants, users and credentials made through the API, as a client would.
import { expect } from "vitest";
import { TENANT_TABLES } from "../../src/core/placement/move/tenant-tables";
import { everyDatabase, tenantDb } from "./databases";
import { call } from "./http";
import { TEST_SECRETS } from "./test-secrets";

export const ADMIN = TEST_SECRETS.ADMIN_TOKEN;
export const PASSWORD = "correct horse battery staple";

let sequence = 0;
function unique(label: string): string {
  sequence += 1;
  return `${label}-${Date.now().toString(36)}-${sequence}-${Math.random().toString(36).slice(2, 6)}`;
}

export interface TestTenant {
  tenantId: string;
  ownerId: string;
  ownerEmail: string;
  /** The owner's first API key, with every scope an owner may grant. */
  ownerKey: string;
  ownerKeyId: string;
}

export async function createTenant(overrides: Record<string, unknown> = {}): Promise<TestTenant> {
  const ownerEmail = `${unique("owner")}@example.com`;
  const res = await call("/v1/tenants", {
    token: ADMIN,
    body: {
      name: "Next Day Steel Ltd",
      region: "eu-west",
      owner: { email: ownerEmail, password: PASSWORD, full_name: "Olive Owner" },
      ...overrides,
    },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const body = (await res.json()) as {
    tenant: { id: string };
    owner: { id: string };
    api_key: { id: string; key: string };
  };
  return {
    tenantId: body.tenant.id,
    ownerId: body.owner.id,
    ownerEmail,
    ownerKey: body.api_key.key,
    ownerKeyId: body.api_key.id,
  };
}

export interface TestUser {
  userId: string;
  email: string;
  role: string;
}

export async function addUser(tenant: TestTenant, role: string): Promise<TestUser> {
  const email = `${unique(role)}@example.com`;
  const res = await call("/v1/users", { token: tenant.ownerKey, body: { email, password: PASSWORD, role } });
  expect(res.status, await res.clone().text()).toBe(201);
  const body = (await res.json()) as { id: string };
  return { userId: body.id, email, role };
}

export async function login(tenantId: string, email: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call("/v1/auth/login", { body: { tenant_id: tenantId, email, password: PASSWORD, ...extra } });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

export async function createKey(
  token: string,
  body: Record<string, unknown>,
): Promise<{ id: string; key: string; scopes: string[] }> {
  const res = await call("/v1/api-keys", { token, body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; key: string; scopes: string[] };
}

/**
 * A key made by the tenant's owner signed in, so bounded by the role only: a key made
 * with the owner's first key could not exceed that key's hourly limit (1000) or expiry.
 */
export async function createOwnerKey(
  tenant: TestTenant,
  body: Record<string, unknown>,
): Promise<{ id: string; key: string; scopes: string[] }> {
  return createKey(await login(tenant.tenantId, tenant.ownerEmail), body);
}

/**
 * Every row of every table of every database (the global one and each shard) but the
 * audit trails, to prove a request wrote nothing else anywhere. Left out: the usage
 * counters TenantObjects flush on their own timers (api_keys.use_count and
 * last_used_at, rate_limits), which may land at any moment.
 */
export async function snapshotExceptAudit(): Promise<string> {
  const parts = await Promise.all(everyDatabase().map(({ name, db }) => snapshotOf(name, db)));
  return parts.flat().join("\n");
}

/** One database's part of the snapshot, its tables read in one batch (one transaction). */
async function snapshotOf(database: string, db: D1Database): Promise<string[]> {
  const { results: tables } = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_logs', 'operator_audit_logs', 'd1_migrations', 'rate_limits') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
    )
    .all<{ name: string }>();
  const read = await db.batch<Record<string, unknown>>(
    // A shard's WITHOUT ROWID tables have no rowid: their rows are in key order (TENANT_TABLES).
    tables.map(({ name }) =>
      db.prepare(`SELECT * FROM ${name} ORDER BY ${TENANT_TABLES.find((t) => t.name === name)?.key ?? "rowid"}`),
    ),
  );
  return tables.map(({ name }, i) => {
    const results = read[i]?.results ?? [];
    const rows = name === "api_keys" ? results.map(({ use_count: _u, last_used_at: _l, ...rest }) => rest) : results;
    return `${database}.${name}:${JSON.stringify(rows)}`;
  });
}

/** How many audit rows the tenant's trail (in its shard) holds. */
export async function auditCount(tenantId: string): Promise<number> {
  const row = await (await tenantDb(tenantId))
    .prepare("SELECT COUNT(*) AS n FROM audit_logs WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
