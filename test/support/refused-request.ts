// A request the API must refuse at the edge: 400 problem+json naming a field, and
// nothing written (the tests of text fields and of vector input share it).
import { expect } from "vitest";
import { call, json } from "./http";
import { ADMIN, snapshotExceptAudit } from "./tenants";

export interface RefusedCase {
  name: string;
  method: string;
  path: () => string;
  /** Sent with the operator's key rather than the tenant's. */
  operator?: boolean;
  body: () => unknown;
  /** The field the problem must name. */
  field: string;
}

/** Sends `c` and checks it was refused with 400 problem+json and changed nothing; the fields named. */
export async function refusedFields(c: RefusedCase, tenantKey: string): Promise<string[]> {
  const before = await snapshotExceptAudit();
  const res = await call(c.path(), { method: c.method, token: c.operator ? ADMIN : tenantKey, body: c.body() });
  expect(res.status, await res.clone().text()).toBe(400);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  const problem = await json(res);
  expect(await snapshotExceptAudit()).toBe(before);
  return (problem.errors as { field: string }[]).map((e) => e.field);
}
