// Guessing TOTP codes (docs/identity.md, "TOTP codes"): wrong codes are throttled per user, across
// confirming MFA, turning it off and signing in; a lockout refuses the right code too,
// and ends when its failures leave the 15-minute window.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LOGIN_WINDOW_MS } from "../../objects/identity/login-throttle";
import { MAX_TOTP_FAILURES } from "../../objects/identity/totp-attempts";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { totpAt } from "../../src/core/auth/totp";
import { call, json } from "../support/http";
import { tenantObjectOf } from "../support/objects";
import { addUser, createTenant, login, PASSWORD, type TestTenant } from "../support/tenants";

const now = () => Math.floor(Date.now() / 1000);

/** A six-digit code that matches none of the steps the server accepts now. */
async function wrongCode(secret: string, seed: number): Promise<string> {
  const valid = new Set(await Promise.all([-30, 0, 30].map((d) => totpAt(secret, now() + d))));
  for (let n = seed; ; n++) {
    const code = String(n % 1_000_000).padStart(6, "0");
    if (!valid.has(code)) return code;
  }
}

async function enrol(tenantId: string, email: string): Promise<{ session: string; secret: string }> {
  const session = await login(tenantId, email);
  const res = await call("/v1/me/mfa/enroll", { method: "POST", token: session });
  expect(res.status).toBe(201);
  return { session, secret: (await json<{ secret: string }>(res)).secret };
}

/** MFA confirmed with the previous step's code, so the current one is still unused. */
async function enrolAndConfirm(tenant: TestTenant): Promise<{ session: string; secret: string }> {
  const enrolled = await enrol(tenant.tenantId, tenant.ownerEmail);
  const res = await call("/v1/me/mfa/verify", {
    token: enrolled.session,
    body: { code: await totpAt(enrolled.secret, now() - 30) },
  });
  expect(res.status).toBe(200);
  return enrolled;
}

/** Moves every counted failure of the tenant back by the window: as if 15 minutes had passed. */
async function letTheWindowPass(tenantId: string): Promise<void> {
  await runInDurableObject(tenantObjectOf(tenantId), (_o: TenantObject, state) => {
    state.storage.sql.exec("UPDATE login_attempts SET at_ms = at_ms - ?", LOGIN_WINDOW_MS);
  });
}

async function expectThrottled(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  const retryAfter = Number(res.headers.get("Retry-After"));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(LOGIN_WINDOW_MS / 1000);
  expect((await json<{ window: string }>(res)).window).toBe("totp_failures");
}

describe("TOTP guessing", () => {
  it("30 wrong codes at /verify: 400 up to the limit, then 429; the right code waits out the lockout", async () => {
    const tenant = await createTenant();
    const { session, secret } = await enrol(tenant.tenantId, tenant.ownerEmail);
    const answers: Response[] = [];
    for (let i = 0; i < 30; i++) {
      answers.push(await call("/v1/me/mfa/verify", { token: session, body: { code: await wrongCode(secret, i) } }));
    }
    expect(answers.slice(0, MAX_TOTP_FAILURES).map((r) => r.status)).toEqual(Array(MAX_TOTP_FAILURES).fill(400));
    for (const res of answers.slice(MAX_TOTP_FAILURES)) await expectThrottled(res);

    const right = async () =>
      call("/v1/me/mfa/verify", { token: session, body: { code: await totpAt(secret, now()) } });
    await expectThrottled(await right());
    await letTheWindowPass(tenant.tenantId);
    const verified = await right();
    expect(verified.status).toBe(200);
    expect((await json<{ mfa_enabled: boolean }>(verified)).mfa_enabled).toBe(true);
  });

  it("30 concurrent wrong codes at /disable: only the limit is checked; MFA stays on", async () => {
    const tenant = await createTenant();
    const { session, secret } = await enrolAndConfirm(tenant);
    const codes = await Promise.all(Array.from({ length: 30 }, (_, i) => wrongCode(secret, 1000 + i)));
    const answers = await Promise.all(
      codes.map((code) => call("/v1/me/mfa/disable", { token: session, body: { code } })),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(MAX_TOTP_FAILURES);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - MAX_TOTP_FAILURES);

    const off = await call("/v1/me/mfa/disable", { token: session, body: { code: await totpAt(secret, now()) } });
    await expectThrottled(off);
    const me = await json<{ user: { mfa_enabled: boolean } }>(await call("/v1/me", { token: session }));
    expect(me.user.mfa_enabled).toBe(true);
  });

  it("counts wrong codes at sign-in too, and a locked-out user cannot sign in with the right code", async () => {
    const tenant = await createTenant();
    const { session, secret } = await enrolAndConfirm(tenant);
    const base = { tenant_id: tenant.tenantId, email: tenant.ownerEmail, password: PASSWORD };
    const signIn = (totp: string, ip: string) =>
      call("/v1/auth/login", { body: { ...base, totp }, headers: { "CF-Connecting-IP": ip } });

    // Below the sign-in throttle (five per e-mail), but the code throttle is shared.
    for (let i = 0; i < MAX_TOTP_FAILURES - 1; i++) {
      expect((await signIn(await wrongCode(secret, 2000 + i), `192.0.2.${i}`)).status).toBe(401);
    }
    const last = await call("/v1/me/mfa/disable", { token: session, body: { code: await wrongCode(secret, 3000) } });
    expect(last.status).toBe(400);
    await expectThrottled(
      await call("/v1/me/mfa/disable", { token: session, body: { code: await totpAt(secret, now()) } }),
    );

    // The right password and code answer like a wrong one while the codes are locked.
    const locked = await signIn(await totpAt(secret, now()), "192.0.2.50");
    expect(locked.status).toBe(401);
    await letTheWindowPass(tenant.tenantId);
    expect((await signIn(await totpAt(secret, now()), "192.0.2.51")).status).toBe(200);
  });

  it("locks one user's codes, not another's", async () => {
    const tenant = await createTenant();
    const { session, secret } = await enrol(tenant.tenantId, tenant.ownerEmail);
    for (let i = 0; i <= MAX_TOTP_FAILURES; i++) {
      await call("/v1/me/mfa/verify", { token: session, body: { code: await wrongCode(secret, 4000 + i) } });
    }
    const member = await addUser(tenant, "member");
    const other = await enrol(tenant.tenantId, member.email);
    const res = await call("/v1/me/mfa/verify", {
      token: other.session,
      body: { code: await totpAt(other.secret, now()) },
    });
    expect(res.status).toBe(200);
  });
});
