// API key rules beyond the role matrix: visibility, no escalation, expiry.
import { describe, expect, it } from "vitest";
import { call, json } from "../support/http";
import { advanceObjectClock } from "../support/objects";
import { callAt } from "../support/router-clock";
import { addUser, createKey, createTenant, login } from "../support/tenants";

describe("API keys", () => {
  it("are listed to their own user; owners and admins see every key", async () => {
    const tenant = await createTenant();
    const member = await addUser(tenant, "member");
    const memberSession = await login(tenant.tenantId, member.email);
    const own = await createKey(memberSession, { scopes: ["read:posts"] });
    const mine = await json<{ data: { id: string; user_id: string }[] }>(
      await call("/v1/api-keys", { token: memberSession }),
    );
    expect(mine.data.map((k) => k.id)).toEqual([own.id]);
    const theirs = await json<{ data: unknown[] }>(
      await call(`/v1/api-keys?user_id=${tenant.ownerId}`, { token: memberSession }),
    );
    expect(theirs.data).toEqual([]);
    const all = await json<{ data: { id: string }[] }>(await call("/v1/api-keys", { token: tenant.ownerKey }));
    expect(all.data.map((k) => k.id)).toEqual(expect.arrayContaining([own.id, tenant.ownerKeyId]));
    expect(JSON.stringify(all)).not.toMatch(/key_hash|[0-9a-f]{64}/);
  });

  it("of another user answer 404 to a member, not 403", async () => {
    const tenant = await createTenant();
    const member = await addUser(tenant, "member");
    const res = await call(`/v1/api-keys/${tenant.ownerKeyId}`, {
      method: "DELETE",
      token: await login(tenant.tenantId, member.email),
    });
    expect(res.status).toBe(404);
  });

  it("cannot carry a scope the user's role does not grant, nor one the creating key lacks", async () => {
    const tenant = await createTenant();
    const member = await addUser(tenant, "member");
    const session = await login(tenant.tenantId, member.email);
    const escalate = await call("/v1/api-keys", { token: session, body: { scopes: ["read:posts", "manage:users"] } });
    expect(escalate.status).toBe(403);
    expect(((await escalate.json()) as { scopes: string[] }).scopes).toEqual(["manage:users"]);
    const narrow = await createKey(tenant.ownerKey, { scopes: ["manage:api_keys", "read:posts"] });
    const wider = await call("/v1/api-keys", { token: narrow.key, body: { scopes: ["read:posts", "publish"] } });
    expect(wider.status).toBe(403);
    expect((await call("/v1/api-keys", { token: narrow.key, body: { scopes: ["read:posts"] } })).status).toBe(201);
  });

  it("refuse an expiry in the past, and stop working once expired", async () => {
    const tenant = await createTenant();
    const past = await call("/v1/api-keys", {
      token: tenant.ownerKey,
      body: { scopes: ["read:users"], expires_at: new Date(Date.now() - 1000).toISOString() },
    });
    expect(past.status).toBe(400);
    expect(((await past.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("expires_at");
    const expiresAt = Date.now() + 60_000;
    const soon = await createKey(tenant.ownerKey, {
      scopes: ["read:users"],
      expires_at: new Date(expiresAt).toISOString(),
    });
    expect((await call("/v1/me", { token: soon.key })).status).toBe(200);
    // A minute passes for the tenant's object, which checks the key, and for the router,
    // which lists it.
    await advanceObjectClock(tenant.tenantId, expiresAt + 1000);
    expect((await call("/v1/me", { token: soon.key })).status).toBe(401);
    const listed = await json<{ data: { id: string; status: string }[] }>(
      await callAt(expiresAt + 1000, "/v1/api-keys?status=expired", { token: tenant.ownerKey }),
    );
    expect(listed.data.map((k) => [k.id, k.status])).toEqual([[soon.id, "expired"]]);
    // Before its time the router lists it active.
    const before = await json<{ data: { id: string }[] }>(
      await callAt(expiresAt - 1000, "/v1/api-keys?status=expired", { token: tenant.ownerKey }),
    );
    expect(before.data).toEqual([]);
  });

  it("revoked: the key stops working at once", async () => {
    const tenant = await createTenant();
    const made = await createKey(tenant.ownerKey, { scopes: ["read:users"] });
    const res = await call(`/v1/api-keys/${made.id}`, { method: "DELETE", token: tenant.ownerKey });
    expect((await json<{ status: string }>(res)).status).toBe("revoked");
    expect((await call("/v1/me", { token: made.key })).status).toBe(401);
  });
});
