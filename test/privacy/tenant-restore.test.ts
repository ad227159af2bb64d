// A deleted tenant's 30-day grace (docs/privacy.md, "A tenant's erasure"): its owner
// restores it with their e-mail and password (a deleted tenant accepts no credential),
// nobody else can, and once its erasure has started nobody can. The deletion and the
// restore are both in the tenant's own audit trail.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { callAt } from "../support/router-clock";
import { ADMIN, addUser, createTenant, login, PASSWORD, type TestTenant } from "../support/tenants";

const DAY = 86_400_000;

function restore(tenant: TestTenant, email: string, password = PASSWORD): Promise<Response> {
  return call("/v1/tenant/restore", { body: { tenant_id: tenant.tenantId, email, password } });
}

async function deleteAt(tenant: TestTenant, atMs: number): Promise<{ status: string; erase_after: string }> {
  const session = await login(tenant.tenantId, tenant.ownerEmail);
  const res = await callAt(atMs, "/v1/tenant", { method: "DELETE", token: session });
  expect(res.status, await res.clone().text()).toBe(200);
  return json(res);
}

async function trail(tenantId: string): Promise<{ action: string; user_id: string | null; metadata: string | null }[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare(
      "SELECT action, user_id, metadata FROM audit_logs WHERE tenant_id = ? AND action IN ('tenant.delete', 'tenant.restore') ORDER BY timestamp, log_id",
    )
    .bind(tenantId)
    .all<{ action: string; user_id: string | null; metadata: string | null }>();
  return results;
}

describe("a deleted tenant's grace", () => {
  it("lets its owner restore it with e-mail and password, and only its owner", async () => {
    const tenant = await createTenant();
    const member = await addUser(tenant, "admin");
    const atMs = Date.now();
    const deleted = await deleteAt(tenant, atMs);
    expect(deleted).toMatchObject({ status: "deleted", erase_after: new Date(atMs + 30 * DAY).toISOString() });
    expect((await call("/v1/tenant", { token: tenant.ownerKey })).status).toBe(401);

    expect((await restore(tenant, tenant.ownerEmail, "not the password at all")).status).toBe(401);
    expect((await restore(tenant, "nobody@example.com")).status).toBe(401);
    const byAdmin = await restore(tenant, member.email);
    expect(byAdmin.status, await byAdmin.clone().text()).toBe(403);
    // Still deleted, still in its grace.
    expect(
      (await env.DB.prepare("SELECT status FROM tenants WHERE tenant_id = ?").bind(tenant.tenantId).first())?.status,
    ).toBe("deleted");

    const restored = await restore(tenant, tenant.ownerEmail);
    expect(restored.status, await restored.clone().text()).toBe(200);
    expect((await json<{ status: string }>(restored)).status).toBe("active");
    expect((await call(`/v1/admin/tenants/${tenant.tenantId}/erasure`, { token: ADMIN })).status).toBe(404);
    // Signed in again; the key revoked at deletion stays revoked.
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    expect((await call("/v1/tenant", { token: session })).status).toBe(200);
    expect((await call("/v1/tenant", { token: tenant.ownerKey })).status).toBe(401);
    // A second restore finds no grace to cancel.
    expect((await restore(tenant, tenant.ownerEmail)).status).toBe(401);

    const rows = await trail(tenant.tenantId);
    expect(rows.map((row) => [row.action, row.user_id])).toEqual([
      ["tenant.delete", tenant.ownerId],
      ["tenant.restore", tenant.ownerId],
    ]);
    expect(JSON.parse(rows[0]?.metadata ?? "{}")).toEqual({ erase_after: deleted.erase_after });
  });

  it("refuses every restore once the operator has started the erasure", async () => {
    const tenant = await createTenant();
    await deleteAt(tenant, Date.now());
    const erase = await call(`/v1/admin/tenants/${tenant.tenantId}/erase`, { method: "POST", token: ADMIN });
    expect(erase.status, await erase.clone().text()).toBe(202);
    expect(await json(erase)).toMatchObject({ state: "erasing", step: "object", started_by: "operator" });
    expect((await restore(tenant, tenant.ownerEmail)).status).toBe(401);
    expect(
      (
        await call("/v1/auth/login", {
          body: { tenant_id: tenant.tenantId, email: tenant.ownerEmail, password: PASSWORD },
        })
      ).status,
    ).toBe(401);
  });
});
