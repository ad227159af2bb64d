// The operator's skill routes: only ADMIN_TOKEN gets in; bad input is a 400 naming the
// field and writes nothing; an unknown skill is a 404.
import { describe, expect, it } from "vitest";
import { dayOf } from "../../src/core/skills/calendar";
import { call, json } from "../support/http";
import { ADMIN, createTenant, login, snapshotExceptAudit } from "../support/tenants";
import { globalSkill, privateSkill, skillBody } from "./helpers";

const MISSING = "skl_00000000000000000000000000";

const ROUTES: {
  method: string;
  path: string;
  body?: unknown;
  invalid: { body?: unknown; path?: string; field: string };
}[] = [
  {
    method: "POST",
    path: "/v1/admin/skills",
    body: skillBody(),
    invalid: { body: skillBody({ platform: "myspace" }), field: "platform" },
  },
  {
    method: "POST",
    path: `/v1/admin/skills/${MISSING}/promote`,
    body: { reason: "strong results" },
    invalid: { body: { reason: "" }, field: "reason" },
  },
  {
    method: "POST",
    path: `/v1/admin/skills/${MISSING}/retire`,
    body: { reason: "obsolete" },
    invalid: { path: "/v1/admin/skills/nope/retire", field: "id" },
  },
  {
    method: "GET",
    path: "/v1/admin/sharing-events",
    invalid: { path: "/v1/admin/sharing-events?action=delete", field: "action" },
  },
  {
    method: "POST",
    path: "/v1/admin/jobs/daily-skills",
    body: {},
    invalid: { body: { as_of: "2026-13-01" }, field: "as_of" },
  },
];

describe("operator skill routes", () => {
  it("refuse every tenant credential and no credential with 401, writing nothing", async () => {
    const tenant = await createTenant();
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    for (const route of ROUTES) {
      for (const token of [undefined, tenant.ownerKey, session, "dify_abcdefghijkl_abcdefghijklmnopqrstuvwxyz234567"]) {
        const before = await snapshotExceptAudit();
        const res = await call(route.path, { method: route.method, token, body: route.body });
        expect(res.status, `${route.method} ${route.path}`).toBe(401);
        expect(res.headers.get("Content-Type")).toBe("application/problem+json");
        expect(await snapshotExceptAudit()).toBe(before);
      }
    }
  });

  it("answer 400 naming the field, writing nothing", async () => {
    for (const route of ROUTES) {
      const before = await snapshotExceptAudit();
      const res = await call(route.invalid.path ?? route.path, {
        method: route.method,
        token: ADMIN,
        body: route.invalid.body ?? route.body,
      });
      expect(res.status, `${route.method} ${route.path}`).toBe(400);
      expect((await json<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field)).toContain(
        route.invalid.field,
      );
      expect(await snapshotExceptAudit()).toBe(before);
    }
  });

  it("answer 404 for a skill that does not exist", async () => {
    for (const action of ["promote", "retire"]) {
      const res = await call(`/v1/admin/skills/${MISSING}/${action}`, { token: ADMIN, body: { reason: "because" } });
      expect(res.status).toBe(404);
    }
  });

  it("create global skills, list the sharing trail newest first, and run the daily job", async () => {
    const tenant = await createTenant();
    const shared = await globalSkill();
    expect(shared).toMatchObject({ visibility: "global", status: "testing", tier: "experimental" });
    const mine = await privateSkill(tenant);
    // The operator may retire a tenant's private skill (abuse, policy); it is recorded.
    expect(
      (await call(`/v1/admin/skills/${mine.id}/retire`, { token: ADMIN, body: { reason: "policy breach" } })).status,
    ).toBe(200);
    expect(
      (await call(`/v1/admin/skills/${shared.id}/retire`, { token: ADMIN, body: { reason: "obsolete" } })).status,
    ).toBe(200);
    expect(
      (await call(`/v1/admin/skills/${shared.id}/retire`, { token: ADMIN, body: { reason: "again" } })).status,
    ).toBe(409);
    const page = await json<{ data: { skill_id: string; action: string; actor: string }[]; next_cursor: string }>(
      await call("/v1/admin/sharing-events?action=retire_skill&limit=1", { token: ADMIN }),
    );
    expect(page.data).toEqual([expect.objectContaining({ skill_id: shared.id, actor: "admin:operator" })]);
    const next = await json<{ data: { skill_id: string }[] }>(
      await call(`/v1/admin/sharing-events?action=retire_skill&limit=1&cursor=${page.next_cursor}`, { token: ADMIN }),
    );
    expect(next.data.map((e) => e.skill_id)).toEqual([mine.id]);
    const job = await call("/v1/admin/jobs/daily-skills", { token: ADMIN, body: { as_of: dayOf(new Date()) } });
    expect(job.status).toBe(200);
    expect((await json<{ days: string[] }>(job)).days).toHaveLength(3);
  });
});
