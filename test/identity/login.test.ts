// Signing in: one answer for every wrong credential, and the per-address limit across
// e-mails. The throttle that cannot lock the owner out (per account and address, the
// account's ceiling, under concurrency) is test/identity/login-throttle.test.ts.
import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { atLastSignInFailure } from "../support/sign-in-time";
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
    statuses.slice(0, 20).forEach((status, i) => {
      expect(status, `attempt ${i + 1}`).toBe(401);
    });
    expect(statuses[20]).toBe(429);
  });

  it("forgets an address's failures at an account when it signs in", async () => {
    const tenant = await createTenant();
    const base = { tenant_id: tenant.tenantId, email: tenant.ownerEmail };
    const wrong = () => attempt({ ...base, password: "nope nope nope" }, "172.16.0.1");
    for (let i = 0; i < 2; i++) expect((await wrong()).status, `failure ${i + 1}`).toBe(401);
    expect((await attempt({ ...base, password: PASSWORD }, "172.16.0.1")).status).toBe(200);
    // Remembered, the first of these would be the pair's fourth attempt after three failures, and wait.
    for (let i = 0; i < 3; i++) expect((await wrong()).status, `failure ${i + 1} after signing in`).toBe(401);
    await atLastSignInFailure(tenant.tenantId, tenant.ownerEmail, "172.16.0.1");
    const waits = await wrong();
    expect(waits.status).toBe(429);
    expect(waits.headers.get("Retry-After")).toBe("2");
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
