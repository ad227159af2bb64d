// Signing in: one answer for every wrong credential, throttled guessing, and the
// throttle holds under concurrency.
import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { createTenant, PASSWORD } from "../support/tenants";

async function attempt(body: Record<string, unknown>, ip = "203.0.113.7"): Promise<Response> {
  return call("/v1/auth/login", { body, headers: { "CF-Connecting-IP": ip } });
}

describe("POST /v1/auth/login", () => {
  it("answers a wrong password, an unknown e-mail and an unknown tenant the same way", async () => {
    const tenant = await createTenant();
    const answers = await Promise.all([
      attempt({ tenant_id: tenant.tenantId, email: tenant.ownerEmail, password: "wrong password!!" }, "198.51.100.1"),
      attempt({ tenant_id: tenant.tenantId, email: "nobody@example.com", password: PASSWORD }, "198.51.100.2"),
      attempt(
        { tenant_id: "ten_00000000000000000000000000", email: tenant.ownerEmail, password: PASSWORD },
        "198.51.100.3",
      ),
    ]);
    const bodies = await Promise.all(
      answers.map(async (r) => {
        const { request_id: _r, instance: _i, ...rest } = (await r.json()) as Record<string, unknown>;
        return { status: r.status, ...rest };
      }),
    );
    expect(bodies[0]).toMatchObject({ status: 401, type: "/problems/unauthenticated" });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it("answers 400 naming the field for a malformed body", async () => {
    const res = await attempt({ tenant_id: "tenant_001", email: "x@example.com", password: "p" });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field)).toEqual(["tenant_id"]);
  });

  it("throttles after five failures for an e-mail, even for the right password, with Retry-After", async () => {
    const tenant = await createTenant();
    const wrong = { tenant_id: tenant.tenantId, email: tenant.ownerEmail, password: "not the password" };
    for (let i = 0; i < 5; i++) expect((await attempt(wrong, `192.0.2.${i}`)).status).toBe(401);
    const blocked = await attempt({ ...wrong, password: PASSWORD }, "192.0.2.99");
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // Another user of the tenant is not locked out.
    const other = await call("/v1/users", {
      token: tenant.ownerKey,
      body: { email: "second@example.com", password: PASSWORD, role: "member" },
    });
    expect(other.status).toBe(201);
    expect(
      (await attempt({ tenant_id: tenant.tenantId, email: "second@example.com", password: PASSWORD }, "192.0.2.50"))
        .status,
    ).toBe(200);
  });

  it("lets only five of fifty concurrent guesses be checked", async () => {
    const tenant = await createTenant();
    const guesses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        attempt({ tenant_id: tenant.tenantId, email: tenant.ownerEmail, password: `guess number ${i}` }, `10.0.0.${i}`),
      ),
    );
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(45);
  });

  it("throttles one client address guessing many e-mails", async () => {
    const tenant = await createTenant();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      statuses.push(
        (
          await attempt(
            { tenant_id: tenant.tenantId, email: `user${i}@example.com`, password: "whatever pass" },
            "203.0.113.200",
          )
        ).status,
      );
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it("forgets an e-mail's failures after a successful sign-in", async () => {
    const tenant = await createTenant();
    const base = { tenant_id: tenant.tenantId, email: tenant.ownerEmail };
    for (let i = 0; i < 4; i++)
      expect((await attempt({ ...base, password: "nope nope nope" }, `172.16.0.${i}`)).status).toBe(401);
    expect((await attempt({ ...base, password: PASSWORD }, "172.16.0.9")).status).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await attempt({ ...base, password: "nope nope nope" }, `172.16.1.${i}`)).status).toBe(401);
    expect((await attempt({ ...base, password: PASSWORD }, "172.16.1.9")).status).toBe(200);
  });

  it("refuses a suspended user", async () => {
    const tenant = await createTenant();
    const created = await call("/v1/users", {
      token: tenant.ownerKey,
      body: { email: "sus@example.com", password: PASSWORD, role: "member" },
    });
    const { id } = (await created.json()) as { id: string };
    await call(`/v1/users/${id}`, { method: "PATCH", token: tenant.ownerKey, body: { status: "suspended" } });
    expect(
      (await attempt({ tenant_id: tenant.tenantId, email: "sus@example.com", password: PASSWORD }, "10.9.9.9")).status,
    ).toBe(401);
  });
});
