// A tenant's own retention periods (settings.retention): validated where settings are
// written, PATCH /v1/tenant and POST /v1/tenants, each period bounded; a refusal is a
// 400 naming the field and writes nothing. The operator's job route is the operator's.
import { describe, expect, it } from "vitest";
import { RETENTION_BOUNDS } from "../../src/core/retention/policy";
import { addDays, dayOf } from "../../src/core/skills/calendar";
import { call, json } from "../support/http";
import { ADMIN, createTenant, PASSWORD, snapshotExceptAudit } from "../support/tenants";

interface Problem {
  status: number;
  errors: { field: string }[];
}

const patch = (key: string, settings: unknown) =>
  call("/v1/tenant", { method: "PATCH", token: key, body: { settings } });

describe("settings.retention", () => {
  it("stores a tenant's own periods within their bounds", async () => {
    const tenant = await createTenant();
    const retention = {
      audit_logs_days: RETENTION_BOUNDS.audit_logs_days.min,
      unselected_content_days: RETENTION_BOUNDS.unselected_content_days.max,
    };
    const res = await patch(tenant.ownerKey, { retention });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await json<{ settings: unknown }>(res)).settings).toEqual({ retention });

    const created = await createTenant({ tier: "enterprise", settings: { retention: { rate_limits_days: 1 } } });
    const read = await call("/v1/tenant", { token: created.ownerKey });
    expect((await json<{ settings: unknown }>(read)).settings).toEqual({ retention: { rate_limits_days: 1 } });
  });

  it.each([
    ["audit_logs_days", RETENTION_BOUNDS.audit_logs_days.min - 1],
    ["rate_limits_days", RETENTION_BOUNDS.rate_limits_days.max + 1],
    ["sync_errors_days", 1.5],
    ["unselected_content_days", "90"],
    ["audit_logs_days", null],
  ])("refuses %s = %j with a 400 naming it, at PATCH /v1/tenant and POST /v1/tenants", async (field, value) => {
    const tenant = await createTenant();
    const before = await snapshotExceptAudit();
    const res = await patch(tenant.ownerKey, { retention: { [field]: value } });
    expect(res.status).toBe(400);
    expect((await json<Problem>(res)).errors.map((e) => e.field)).toContain(`settings.retention.${field}`);

    const create = await call("/v1/tenants", {
      token: ADMIN,
      body: {
        name: "Next Day Steel Ltd",
        region: "us-east",
        settings: { retention: { [field]: value } },
        owner: { email: "refused@example.com", password: PASSWORD },
      },
    });
    expect(create.status).toBe(400);
    expect((await json<Problem>(create)).errors.map((e) => e.field)).toContain(`settings.retention.${field}`);
    expect(await snapshotExceptAudit()).toBe(before);
  });

  it("refuses a period it does not know", async () => {
    const tenant = await createTenant();
    const res = await patch(tenant.ownerKey, { retention: { audit_logs_day: 30 } });
    expect(res.status).toBe(400);
    expect((await json<Problem>(res)).errors.map((e) => e.field).join(" ")).toContain("settings.retention");
  });
});

describe("POST /v1/admin/jobs/retention", () => {
  it("is the operator's, and takes a real day only", async () => {
    const tenant = await createTenant();
    expect((await call("/v1/admin/jobs/retention", { body: {} })).status).toBe(401);
    expect((await call("/v1/admin/jobs/retention", { token: tenant.ownerKey, body: {} })).status).toBe(401);
    const bad = await call("/v1/admin/jobs/retention", { token: ADMIN, body: { as_of: "2026-02-30" } });
    expect(bad.status).toBe(400);
    expect((await json<Problem>(bad)).errors.map((e) => e.field)).toEqual(["as_of"]);
    const tomorrow = addDays(dayOf(new Date()), 1);
    const early = await call("/v1/admin/jobs/retention", { token: ADMIN, body: { as_of: tomorrow } });
    expect(early.status).toBe(400);
    expect((await json<Problem>(early)).errors.map((e) => e.field)).toEqual(["as_of"]);
    const extra = await call("/v1/admin/jobs/retention", { token: ADMIN, body: { budget: 5 } });
    expect(extra.status).toBe(400);
  });
});
