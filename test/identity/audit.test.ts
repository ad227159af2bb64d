// The audit trail: written with the change in one batch, newest first, cursor pages
// that neither skip nor repeat, and filters.
import { describe, expect, it } from "vitest";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { addUser, createTenant } from "../support/tenants";

interface AuditPage {
  data: {
    id: string;
    action: string;
    user_id: string;
    resource_type: string;
    resource_id: string | null;
    success: boolean;
    request_id: string;
    ip_address: string | null;
    user_agent: string | null;
    metadata: Record<string, unknown> | null;
    timestamp: string;
  }[];
  next_cursor: string | null;
}

describe("audit rows", () => {
  it("record who did what from where, with the request id of the change", async () => {
    const tenant = await createTenant();
    const res = await call("/v1/tenant", {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { name: "Renamed Ltd" },
      headers: { "CF-Connecting-IP": "198.51.100.23", "User-Agent": "audit-test/1.0" },
    });
    expect(res.status).toBe(200);
    const page = await json<AuditPage>(await call("/v1/audit-logs?action=tenant.update", { token: tenant.ownerKey }));
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({
      action: "tenant.update",
      user_id: tenant.ownerId,
      resource_type: "tenant",
      resource_id: tenant.tenantId,
      success: true,
      request_id: res.headers.get("X-Request-Id"),
      ip_address: "198.51.100.23",
      user_agent: "audit-test/1.0",
      metadata: { fields: ["name"] },
    });
  });

  it("do not exist without their change: a refused change leaves only a failure row", async () => {
    const tenant = await createTenant();
    // Demoting the only owner is refused by the database; the batch rolls back whole.
    const res = await call(`/v1/users/${tenant.ownerId}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { role: "admin" },
    });
    expect(res.status).toBe(409);
    const owner = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT role FROM users WHERE user_id = ?")
      .bind(tenant.ownerId)
      .first<{ role: string }>();
    expect(owner?.role).toBe("owner");
    const page = await json<AuditPage>(await call("/v1/audit-logs?action=user.update", { token: tenant.ownerKey }));
    expect(page.data.map((row) => row.success)).toEqual([false]);
  });

  it("page newest first without skipping or repeating, and filter by action, user, resource and time", async () => {
    const tenant = await createTenant();
    const start = new Date().toISOString();
    const users = [];
    for (let i = 0; i < 5; i++) users.push(await addUser(tenant, "member"));
    await call(`/v1/users/${users[0]?.userId}`, { method: "PATCH", token: tenant.ownerKey, body: { role: "viewer" } });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/v1/audit-logs?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page: AuditPage = await json<AuditPage>(await call(query, { token: tenant.ownerKey }));
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((row) => row.id));
      cursor = page.next_cursor;
    } while (cursor);
    const all = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT log_id FROM audit_logs WHERE tenant_id = ? ORDER BY timestamp DESC, log_id DESC")
      .bind(tenant.tenantId)
      .all<{ log_id: string }>();
    expect(seen).toEqual(all.results.map((r) => r.log_id));
    expect(new Set(seen).size).toBe(seen.length);

    const creates = await json<AuditPage>(await call("/v1/audit-logs?action=user.create", { token: tenant.ownerKey }));
    expect(creates.data).toHaveLength(5);
    const byResource = await json<AuditPage>(
      await call(`/v1/audit-logs?resource_type=user&resource_id=${users[0]?.userId}`, { token: tenant.ownerKey }),
    );
    expect(byResource.data.map((r) => r.action).sort()).toEqual(["user.create", "user.update"]);
    const byUser = await json<AuditPage>(
      await call(`/v1/audit-logs?user_id=${tenant.ownerId}`, { token: tenant.ownerKey }),
    );
    expect(byUser.data.length).toBeGreaterThan(0);
    for (const row of byUser.data) expect(row.user_id, `${row.action} ${row.timestamp}`).toBe(tenant.ownerId);
    const future = await json<AuditPage>(
      await call(`/v1/audit-logs?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, {
        token: tenant.ownerKey,
      }),
    );
    expect(future.data).toEqual([]);
    const since = await json<AuditPage>(
      await call(`/v1/audit-logs?from=${encodeURIComponent(start)}&limit=100`, { token: tenant.ownerKey }),
    );
    for (const row of since.data) expect(row.timestamp >= start, `${row.action} at ${row.timestamp}`).toBe(true);
    expect(since.data.length).toBe(6);
  });

  it("refuse a cursor the list did not issue", async () => {
    const tenant = await createTenant();
    const res = await call("/v1/audit-logs?cursor=bm90LWEtY3Vyc29y", { token: tenant.ownerKey });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("cursor");
  });

  it("never show another tenant's rows", async () => {
    const a = await createTenant();
    const b = await createTenant();
    await addUser(b, "member");
    const page = await json<AuditPage>(await call("/v1/audit-logs?limit=100", { token: a.ownerKey }));
    const ids = page.data.map((r) => r.resource_id);
    expect(ids).not.toContain(b.tenantId);
    const { results } = await (await tenantDb(a.tenantId))
      .prepare("SELECT log_id FROM audit_logs WHERE tenant_id = ?")
      .bind(a.tenantId)
      .all();
    expect(page.data).toHaveLength(results.length);
  });
});
