// The sign-in throttle cannot lock the owner out (objects/identity/login-throttle.ts,
// docs/identity.md, "Guessing passwords"): failures count per (account, client address) with
// growing delays, an account under attack slows every address that has failed at it,
// and the owner on an address that has not failed signs in throughout. Time passes on
// the tenant's object clock; nothing sleeps.
import { describe, expect, it } from "vitest";
import { ACCOUNT_CEILING, FREE_FAILURES, MAX_FAILURES_PER_IP } from "../../objects/identity/login-throttle";
import { totpAt } from "../../src/core/auth/totp";
import { call, json } from "../support/http";
import { passObjectTime } from "../support/object-time";
import { atLastSignInFailure } from "../support/sign-in-time";
import { createTenant, login, PASSWORD, type TestTenant } from "../support/tenants";

const OWNER_ADDRESS = "198.51.100.10";
const ATTACKER = "203.0.113.66";

function signIn(tenant: TestTenant, password: string, address: string, extra: Record<string, unknown> = {}) {
  return call("/v1/auth/login", {
    body: { tenant_id: tenant.tenantId, email: tenant.ownerEmail, password, ...extra },
    headers: { "CF-Connecting-IP": address },
  });
}

const guess = (tenant: TestTenant, address: string, n = 0) => signIn(tenant, `wrong guess number ${n}`, address);

/** `count` distinct addresses of the attacker's (10.x.y.z). */
function addresses(count: number, salt = 0): string[] {
  return Array.from({ length: count }, (_, i) => `10.${salt}.${Math.floor(i / 250)}.${(i % 250) + 1}`);
}

/**
 * A 429 whose wait is `seconds`, less what passed since the failure it counts from: the
 * object's clock runs on between requests. Each wait tested is at least double the
 * one before, so the range names one step of the schedule.
 */
async function expectWait(res: Response, label: string, seconds: number): Promise<void> {
  const wait = await retryAfterOf(res, label);
  expect(wait, `${label}: Retry-After`).toBeLessThanOrEqual(seconds);
  expect(wait, `${label}: Retry-After`).toBeGreaterThan(seconds / 2);
}

/** A 429 of the sign-in throttle, with its Retry-After in seconds. */
async function retryAfterOf(res: Response, label: string): Promise<number> {
  expect(res.status, `${label}: ${await res.clone().text()}`).toBe(429);
  expect(res.headers.get("Content-Type"), label).toBe("application/problem+json");
  expect((await json<{ window: string }>(res.clone())).window, label).toBe("login_failures");
  const seconds = Number(res.headers.get("Retry-After"));
  expect(seconds, `${label}: Retry-After`).toBeGreaterThan(0);
  return seconds;
}

/** The object's clock put back at the last failure of `address` at the owner's account, plus `laterMs`. */
const atLastFailure = (tenant: TestTenant, address: string, laterMs = 0) =>
  atLastSignInFailure(tenant.tenantId, tenant.ownerEmail, address, laterMs);

const waitOf = async (res: Response, label: string) => retryAfterOf(res, label);

describe("one address guessing one account", () => {
  it("gets three free failures, then waits 2, 4, 8, 16 seconds; the owner on a clean address signs in meanwhile", async () => {
    const tenant = await createTenant();
    for (let i = 0; i < FREE_FAILURES; i++) expect((await guess(tenant, ATTACKER, i)).status, `guess ${i}`).toBe(401);

    for (const wait of [2, 4, 8, 16]) {
      await atLastFailure(tenant, ATTACKER);
      expect(await waitOf(await guess(tenant, ATTACKER), `before waiting ${wait}s`)).toBe(wait);
      // The right password from the guessing address waits too: that address has failed.
      await atLastFailure(tenant, ATTACKER);
      expect(await waitOf(await signIn(tenant, PASSWORD, ATTACKER), "the right password")).toBe(wait);
      // The owner elsewhere is not held up at all.
      const owner = await signIn(tenant, PASSWORD, OWNER_ADDRESS);
      expect(owner.status, `owner while the attacker waits ${wait}s`).toBe(200);
      await atLastFailure(tenant, ATTACKER, wait * 1000);
      expect((await guess(tenant, ATTACKER)).status, `after waiting ${wait}s`).toBe(401);
    }
  });

  it("waits at most 15 minutes, and is forgotten a day after its last failure", async () => {
    const tenant = await createTenant();
    const waits: number[] = [];
    for (let failures = 0; failures < 14; failures++) {
      if (failures >= FREE_FAILURES) {
        await atLastFailure(tenant, ATTACKER);
        const wait = await waitOf(await guess(tenant, ATTACKER, failures), `after ${failures} failures`);
        waits.push(wait);
        await passObjectTime(tenant.tenantId, wait * 1000);
      }
      expect((await guess(tenant, ATTACKER, failures)).status, `failure ${failures + 1}`).toBe(401);
    }
    // Doubling from 2 s. The tenth failure, ten in 15 minutes, puts the account under
    // attack: the ceiling's wait for an address with ten failures is the 15-minute cap.
    // Once those have left the window, the address's own schedule again (512 s), then its cap.
    expect(waits).toEqual([2, 4, 8, 16, 32, 64, 128, 900, 512, 900, 900]);
    await atLastFailure(tenant, ATTACKER);
    expect(await waitOf(await guess(tenant, ATTACKER), "after 14 failures")).toBe(900);
    await passObjectTime(tenant.tenantId, 24 * 3_600_000);
    for (let i = 0; i < FREE_FAILURES; i++) {
      expect((await guess(tenant, ATTACKER, i)).status, `free again ${i}`).toBe(401);
    }
  });

  it("gives a due attempt to one of hundreds of concurrent guesses; each other one is a 429 with Retry-After, and the owner signs in", async () => {
    const tenant = await createTenant();
    // Up to the 15-minute wait, one failure at a time.
    for (let failures = 0; failures < 12; failures++) {
      if (failures >= FREE_FAILURES) {
        await atLastFailure(tenant, ATTACKER, 900_000);
      }
      expect((await guess(tenant, ATTACKER, failures)).status, `failure ${failures + 1}`).toBe(401);
    }
    // The wait is over: of 300 guesses at once, exactly one is checked.
    await atLastFailure(tenant, ATTACKER, 900_000);
    const attempts = Array.from({ length: 300 }, (_, i) => guess(tenant, ATTACKER, i));
    const owner = signIn(tenant, PASSWORD, OWNER_ADDRESS);
    const answers = await Promise.all(attempts);
    expect((await owner).status).toBe(200);
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(299);
    for (const [i, res] of answers.entries()) {
      if (res.status === 429) await expectWait(res, `guess ${i}`, 900);
    }
  });
});

describe("many addresses guessing one account", () => {
  it("each gets one guess once the account is under attack, then waits 1, 2 minutes; the owner on a clean address signs in throughout", async () => {
    const tenant = await createTenant();
    const spray = addresses(120);
    const owner = signIn(tenant, PASSWORD, OWNER_ADDRESS);
    const first = await Promise.all(spray.map((address, i) => guess(tenant, address, i)));
    expect((await owner).status, "owner during the first wave").toBe(200);
    // Every address is new to the account: its one guess is checked (and answered as wrong).
    for (const [i, res] of first.entries()) expect(res.status, spray[i]).toBe(401);

    // The account is under attack: every address that failed now waits a minute.
    const second = await Promise.all(spray.map((address, i) => guess(tenant, address, i)));
    for (const [i, res] of second.entries()) await expectWait(res, spray[i] as string, 60);
    expect((await signIn(tenant, PASSWORD, "198.51.100.11")).status, "owner from another clean address").toBe(200);

    // A fresh address gets its guess, but is delayed from its first failure on.
    expect((await guess(tenant, "192.0.2.200")).status).toBe(401);
    await expectWait(await guess(tenant, "192.0.2.200"), "fresh address after one failure", 60);

    // After the minute, one more guess each, then two minutes.
    await passObjectTime(tenant.tenantId, 60_000);
    const third = await Promise.all(spray.map((address, i) => guess(tenant, address, i)));
    for (const [i, res] of third.entries()) expect(res.status, `${spray[i]} after a minute`).toBe(401);
    const fourth = await Promise.all(spray.map((address, i) => guess(tenant, address, i)));
    for (const [i, res] of fourth.entries()) await expectWait(res, `${spray[i]} again`, 120);
    expect((await signIn(tenant, PASSWORD, OWNER_ADDRESS)).status, "owner after the spray").toBe(200);
  });

  it(`puts the account under attack at its ${ACCOUNT_CEILING}th failure within 15 minutes, not before`, async () => {
    const tenant = await createTenant();
    const few = addresses(ACCOUNT_CEILING - 1, 1);
    for (const address of few) expect((await guess(tenant, address)).status, address).toBe(401);
    // Below the ceiling, an address that failed once tries again at once: the account's tenth failure.
    expect((await guess(tenant, few[0] as string)).status, "the tenth failure").toBe(401);
    await expectWait(await guess(tenant, few[1] as string), "under attack", 60);
    // Once the failures have left the 15-minute window, the account is no longer under
    // attack: a new address fails twice in a row undelayed (under attack, it would wait a minute).
    await passObjectTime(tenant.tenantId, 15 * 60_000);
    for (const n of [1, 2]) expect((await guess(tenant, "192.0.2.77")).status, `15 minutes on, failure ${n}`).toBe(401);
  });

  it("lets an owner with MFA ask twice (without, then with the code) from a clean address while the account is sprayed", async () => {
    const tenant = await createTenant();
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    const { secret } = await json<{ secret: string }>(
      await call("/v1/me/mfa/enroll", { method: "POST", token: session }),
    );
    const now = Math.floor(Date.now() / 1000);
    const verified = await call("/v1/me/mfa/verify", {
      token: session,
      body: { code: await totpAt(secret, now - 30) },
    });
    expect(verified.status).toBe(200);
    await Promise.all(addresses(ACCOUNT_CEILING * 2, 2).map((address, i) => guess(tenant, address, i)));

    const withoutCode = await signIn(tenant, PASSWORD, OWNER_ADDRESS);
    expect(withoutCode.status).toBe(401);
    expect((await json<{ mfa_required?: boolean }>(withoutCode)).mfa_required).toBe(true);
    const withCode = await signIn(tenant, PASSWORD, OWNER_ADDRESS, { totp: await totpAt(secret, now) });
    expect(withCode.status, await withCode.clone().text()).toBe(200);
  });
});

describe("one address guessing many accounts", () => {
  it(`is refused after ${MAX_FAILURES_PER_IP} failures in 15 minutes, until they leave the window`, async () => {
    const tenant = await createTenant();
    const at = (i: number) =>
      call("/v1/auth/login", {
        body: { tenant_id: tenant.tenantId, email: `someone${i}@example.com`, password: "whatever pass" },
        headers: { "CF-Connecting-IP": ATTACKER },
      });
    for (let i = 0; i < MAX_FAILURES_PER_IP; i++) expect((await at(i)).status, `account ${i}`).toBe(401);
    const refused = await retryAfterOf(await at(MAX_FAILURES_PER_IP), "one more account");
    expect(refused).toBeLessThanOrEqual(900);
    // The owner elsewhere is untouched.
    expect((await signIn(tenant, PASSWORD, OWNER_ADDRESS)).status).toBe(200);
    await passObjectTime(tenant.tenantId, refused * 1000);
    expect((await at(MAX_FAILURES_PER_IP)).status).toBe(401);
  });
});

describe("client addresses", () => {
  it("count an IPv6 client by its /64: another address of the same network shares its failures", async () => {
    const tenant = await createTenant();
    for (let i = 0; i < FREE_FAILURES; i++) expect((await guess(tenant, `2001:db8:1:2::${i + 1}`)).status).toBe(401);
    await atLastFailure(tenant, "2001:db8:1:2::/64");
    expect(await waitOf(await guess(tenant, "2001:db8:1:2:ffff::9"), "same /64")).toBe(2);
    expect((await guess(tenant, "2001:db8:1:3::1")).status, "another /64").toBe(401);
  });
});
