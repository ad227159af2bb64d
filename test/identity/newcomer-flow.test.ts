// The README's path for a new user: create a tenant (operator), sign in, make a key,
// call /v1/me with it.
import { describe, expect, it } from "vitest";
import { call, json } from "../support/http";
import { ADMIN, PASSWORD } from "../support/tenants";

describe("from the README", () => {
  it("creates a tenant, signs in, makes a key and calls /v1/me with it", async () => {
    const created = await call("/v1/tenants", {
      token: ADMIN,
      body: {
        name: "Next Day Steel Ltd",
        region: "eu-west",
        owner: { email: "Olive@Example.com", password: PASSWORD },
      },
    });
    expect(created.status).toBe(201);
    const tenant = await json<{
      tenant: { id: string; region: string; encryption_version: number };
      owner: { id: string; email: string; role: string };
      api_key: { key: string; prefix: string; scopes: string[] };
    }>(created);
    expect(tenant.tenant.id).toMatch(/^ten_[0-9A-Z]{26}$/);
    expect(tenant.owner).toMatchObject({ email: "olive@example.com", role: "owner" });
    expect(tenant.api_key.key.startsWith(`${tenant.api_key.prefix}_`)).toBe(true);
    expect(JSON.stringify(tenant)).not.toMatch(/kms_|password|pbkdf2/);

    const signedIn = await call("/v1/auth/login", {
      body: { tenant_id: tenant.tenant.id, email: "olive@example.com", password: PASSWORD },
    });
    expect(signedIn.status).toBe(200);
    const session = await json<{ token: string; expires_at: string; user: { last_login_at: string } }>(signedIn);
    expect(Date.parse(session.expires_at)).toBeGreaterThan(Date.now());
    expect(session.user.last_login_at).not.toBeNull();

    const key = await call("/v1/api-keys", {
      token: session.token,
      body: { scopes: ["read:users", "read:posts"], rate_limit_per_hour: 500 },
    });
    expect(key.status).toBe(201);
    const { key: apiKey } = await json<{ key: string }>(key);

    const me = await call("/v1/me", { token: apiKey });
    expect(me.status).toBe(200);
    expect(me.headers.get("RateLimit-Limit")).toBe("500");
    const body = await json<{ user: { id: string }; tenant_id: string; auth: { type: string; scopes: string[] } }>(me);
    expect(body.user.id).toBe(tenant.owner.id);
    expect(body.tenant_id).toBe(tenant.tenant.id);
    expect(body.auth).toMatchObject({ type: "api_key", scopes: ["read:users", "read:posts"] });
  });
});
