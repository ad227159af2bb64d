// TOTP enrolment, sign-in with a code once MFA is on, no replay, disabling.
import { describe, expect, it } from "vitest";
import { totpAt } from "../../src/core/auth/totp";
import { call, json } from "../support/http";
import { createTenant, login, PASSWORD, type TestTenant } from "../support/tenants";

const now = () => Math.floor(Date.now() / 1000);

async function enrol(tenant: TestTenant): Promise<{ session: string; secret: string }> {
  const session = await login(tenant.tenantId, tenant.ownerEmail);
  const res = await call("/v1/me/mfa/enroll", { method: "POST", token: session });
  expect(res.status).toBe(201);
  const body = await json<{ secret: string; otpauth_uri: string }>(res);
  expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(body.otpauth_uri).toContain(`secret=${body.secret}`);
  return { session, secret: body.secret };
}

describe("MFA", () => {
  it("is on only after a current code confirms the enrolment", async () => {
    const tenant = await createTenant();
    const { session, secret } = await enrol(tenant);
    // Enrolled but not confirmed: sign-in still needs no code.
    await login(tenant.tenantId, tenant.ownerEmail);

    const wrong = await call("/v1/me/mfa/verify", { token: session, body: { code: "000000" } });
    expect(wrong.status).toBe(400);
    const verified = await call("/v1/me/mfa/verify", { token: session, body: { code: await totpAt(secret, now()) } });
    expect(verified.status).toBe(200);
    expect((await json<{ mfa_enabled: boolean }>(verified)).mfa_enabled).toBe(true);
  });

  it("then requires the code at sign-in, and refuses a code used before", async () => {
    const tenant = await createTenant();
    const { session, secret } = await enrol(tenant);
    // Confirm with the previous step's code, so the current one is still unused.
    await call("/v1/me/mfa/verify", { token: session, body: { code: await totpAt(secret, now() - 30) } });

    const base = { tenant_id: tenant.tenantId, email: tenant.ownerEmail, password: PASSWORD };
    const withoutCode = await call("/v1/auth/login", { body: base });
    expect(withoutCode.status).toBe(401);
    expect((await json<{ mfa_required: boolean }>(withoutCode)).mfa_required).toBe(true);

    const code = await totpAt(secret, now());
    const wrongPassword = await call("/v1/auth/login", { body: { ...base, password: "wrong password", totp: code } });
    expect(wrongPassword.status).toBe(401);
    expect((await json<Record<string, unknown>>(wrongPassword)).mfa_required).toBeUndefined();

    expect((await call("/v1/auth/login", { body: { ...base, totp: code } })).status).toBe(200);
    const replay = await call("/v1/auth/login", { body: { ...base, totp: code } });
    expect(replay.status).toBe(401);
  });

  it("can be turned off with a current code, and then sign-in needs none", async () => {
    const tenant = await createTenant();
    const { session, secret } = await enrol(tenant);
    await call("/v1/me/mfa/verify", { token: session, body: { code: await totpAt(secret, now() - 30) } });
    expect((await call("/v1/me/mfa/enroll", { method: "POST", token: session })).status).toBe(409);
    const off = await call("/v1/me/mfa/disable", { token: session, body: { code: await totpAt(secret, now()) } });
    expect(off.status).toBe(200);
    expect((await json<{ mfa_enabled: boolean }>(off)).mfa_enabled).toBe(false);
    await login(tenant.tenantId, tenant.ownerEmail);
  });

  it("is managed from a session only, never with an API key", async () => {
    const tenant = await createTenant();
    const res = await call("/v1/me/mfa/enroll", { method: "POST", token: tenant.ownerKey });
    expect(res.status).toBe(403);
  });
});
