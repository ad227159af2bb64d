// The plan's count quotas (docs/billing.md, Tiers and quotas): users, API keys,
// knowledge entries and connected social accounts. Concurrent creations never take a
// count past its limit (the creating batch ends with the quota's check, migration 0019);
// over it, a 403 whose type names the quota, with its limit, the count and no reset.
import { describe, expect, it } from "vitest";
import { completeInBrowser, connectAccount, sandboxUser } from "../support/accounts";
import { TestBrowser } from "../support/browser";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { auditCount, createTenant, PASSWORD, type TestTenant } from "../support/tenants";
import { expectQuotaProblem, usage } from "./quota-support";

/** Rows of `table` the tenant's shard holds under `where`. */
async function rows(tenant: TestTenant, table: string, where = "1 = 1"): Promise<number> {
  const row = await (await tenantDb(tenant.tenantId))
    .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ? AND ${where}`)
    .bind(tenant.tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Sends `count` creations at once; their answers, each 201 or the quota's 403. */
async function burst(count: number, create: (i: number) => Promise<Response>, type: string, limit: number) {
  const answers = await Promise.all(Array.from({ length: count }, (_, i) => create(i)));
  const created = answers.filter((res) => res.status === 201);
  for (const [i, res] of answers.entries()) {
    if (res.status === 201) continue;
    const problem = await expectQuotaProblem(res, 403, type, `creation ${i}`);
    expect(problem.limit, `creation ${i}`).toBe(limit);
    expect(problem.used, `creation ${i}`).toBeGreaterThanOrEqual(limit);
    expect(problem.resets_at, `creation ${i}`).toBeNull();
  }
  return created;
}

const userBody = (i: number) => ({ email: `quota-${i}-${crypto.randomUUID()}@example.com`, password: PASSWORD });

describe("the plan's count quotas", () => {
  it("users: 40 concurrent invitations against 3 places left make exactly 3; deleting one makes room", async () => {
    const tenant = await createTenant({ settings: { max_users: 4 } });
    const auditBefore = await auditCount(tenant.tenantId);
    const created = await burst(
      40,
      (i) => call("/v1/users", { token: tenant.ownerKey, body: userBody(i) }),
      "/problems/quota-users",
      4,
    );
    expect(created).toHaveLength(3);
    expect(await rows(tenant, "users", "status <> 'deleted'")).toBe(4);
    // Each of the 37 refusals audited, with the 3 creations.
    expect(await auditCount(tenant.tenantId)).toBe(auditBefore + 40);
    expect((await usage(tenant)).quotas.users).toMatchObject({ limit: 4, used: 4, remaining: 0, overridden: true });

    const { id } = await json<{ id: string }>(created[0] as Response);
    expect((await call(`/v1/users/${id}`, { method: "DELETE", token: tenant.ownerKey })).status).toBe(204);
    expect((await call("/v1/users", { token: tenant.ownerKey, body: userBody(99) })).status).toBe(201);
    await expectQuotaProblem(
      await call("/v1/users", { token: tenant.ownerKey, body: userBody(100) }),
      403,
      "/problems/quota-users",
    );
  });

  it("API keys: 30 concurrent creations against 4 places left make exactly 4; revoking one makes room", async () => {
    // The owner's first key holds one of the 5.
    const tenant = await createTenant({ settings: { max_api_keys: 5 } });
    const created = await burst(
      30,
      () => call("/v1/api-keys", { token: tenant.ownerKey, body: { scopes: ["read:users"] } }),
      "/problems/quota-api-keys",
      5,
    );
    expect(created).toHaveLength(4);
    expect(await rows(tenant, "api_keys", "status = 'active'")).toBe(5);
    // Every key made works.
    const keys = await Promise.all(created.map((res) => json<{ id: string; key: string }>(res)));
    for (const [i, { key }] of keys.entries()) {
      expect((await call("/v1/me", { token: key })).status, `key ${i}`).toBe(200);
    }
    const { id } = keys[0] as { id: string };
    expect((await call(`/v1/api-keys/${id}`, { method: "DELETE", token: tenant.ownerKey })).status).toBe(200);
    expect((await usage(tenant)).quotas.api_keys).toMatchObject({ limit: 5, used: 4 });
    expect((await call("/v1/api-keys", { token: tenant.ownerKey, body: { scopes: ["read:users"] } })).status).toBe(201);
    await expectQuotaProblem(
      await call("/v1/api-keys", { token: tenant.ownerKey, body: { scopes: ["read:users"] } }),
      403,
      "/problems/quota-api-keys",
    );
  });

  it("knowledge entries: 30 concurrent creations against 5 make exactly 5, archived ones counted; deleting one makes room", async () => {
    const tenant = await createTenant({ settings: { max_knowledge_entries: 5 } });
    const entry = (i: number) => ({ title: `Entry ${i}`, entry_type: "guideline", content: `Guideline ${i}` });
    const created = await burst(
      30,
      (i) => call("/v1/knowledge", { token: tenant.ownerKey, body: entry(i) }),
      "/problems/quota-knowledge-entries",
      5,
    );
    expect(created).toHaveLength(5);
    expect(await rows(tenant, "brand_knowledge_entries")).toBe(5);
    const [first, second] = await Promise.all(created.slice(0, 2).map((res) => json<{ id: string }>(res)));
    const archived = await call(`/v1/knowledge/${first?.id}`, {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { status: "archived" },
    });
    expect(archived.status).toBe(200);
    await expectQuotaProblem(
      await call("/v1/knowledge", { token: tenant.ownerKey, body: entry(50) }),
      403,
      "/problems/quota-knowledge-entries",
    );
    expect((await call(`/v1/knowledge/${second?.id}`, { method: "DELETE", token: tenant.ownerKey })).status).toBe(204);
    expect((await call("/v1/knowledge", { token: tenant.ownerKey, body: entry(51) })).status).toBe(201);
  });

  it("connected accounts: 8 concurrent connections against 3 connect exactly 3; a reconnection is never refused", async () => {
    const tenant = await createTenant({ settings: { max_social_accounts: 3 } });
    const connect = async (loginHint: string) => {
      const started = await call("/v1/social-accounts/linkedin/connect", {
        token: tenant.ownerKey,
        body: { login_hint: loginHint },
      });
      expect(started.status, await started.clone().text()).toBe(201);
      const { authorize_url } = await json<{ authorize_url: string }>(started);
      return completeInBrowser(new TestBrowser(), authorize_url);
    };
    const hints = Array.from({ length: 8 }, () => sandboxUser("qa"));
    const answers = await Promise.all(hints.map((hint) => connect(hint)));
    const connected = hints.filter((_, i) => answers[i]?.status === 201);
    expect(connected).toHaveLength(3);
    for (const [i, res] of answers.entries()) {
      if (res.status === 201) continue;
      const problem = await expectQuotaProblem(res, 403, "/problems/quota-social-accounts", `connection ${i}`);
      expect(problem, `connection ${i}`).toMatchObject({ limit: 3, resets_at: null });
    }
    expect(await rows(tenant, "social_accounts", "status <> 'revoked'")).toBe(3);
    // A refused connection is audited.
    const refusedRows = await (await tenantDb(tenant.tenantId))
      .prepare(
        "SELECT COUNT(*) AS n FROM audit_logs WHERE tenant_id = ? AND action = 'social_account.connect' AND success = 0",
      )
      .bind(tenant.tenantId)
      .first<{ n: number }>();
    expect(refusedRows?.n).toBe(5);

    // At the limit, an account already connected reconnects.
    const again = await connectAccount(tenant.ownerKey, "linkedin", { loginHint: connected[0] });
    expect(await rows(tenant, "social_accounts", "status <> 'revoked'")).toBe(3);
    // Disconnected, its place is free for another.
    expect((await call(`/v1/social-accounts/${again.id}`, { method: "DELETE", token: tenant.ownerKey })).status).toBe(
      200,
    );
    await connectAccount(tenant.ownerKey, "linkedin");
    expect((await usage(tenant)).quotas.social_accounts).toMatchObject({ limit: 3, used: 3 });
  });
});
