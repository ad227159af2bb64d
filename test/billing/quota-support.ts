// Tenants on a plan, for the quota tests (docs/billing.md, Tiers and quotas): made by the
// operator with overrides in their settings, a key that publishes, the usage endpoint,
// and the month kept steady on the tenant's object clock.
import { expect } from "vitest";
import { nextMonthStartMs } from "../../src/core/billing/quotas";
import { type ConnectedAccount, connectAccount, publishBody } from "../support/accounts";
import { call, json } from "../support/http";
import { advanceObjectClock, objectNow } from "../support/objects";
import { ADMIN, createOwnerKey, createTenant, type TestTenant } from "../support/tenants";

export interface QuotaView {
  limit: number;
  used: number;
  remaining: number;
  resets_at: string | null;
  overridden: boolean;
}

export interface Usage {
  tier: string;
  month: string;
  quotas: Record<"posts_per_month" | "social_accounts" | "users" | "api_keys" | "knowledge_entries", QuotaView>;
}

export interface QuotaProblem {
  type: string;
  status: number;
  quota: string;
  limit: number;
  used: number;
  resets_at: string | null;
  detail: string;
}

/** GET /v1/tenant/usage as the owner. */
export async function usage(tenant: TestTenant): Promise<Usage> {
  const res = await call("/v1/tenant/usage", { token: tenant.ownerKey });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Usage>(res);
}

/**
 * Keeps the test inside one calendar month of the tenant's object clock: ten minutes
 * or less before the month ends, the clock moves on to the next month's first minute.
 */
export async function steadyMonth(tenantId: string): Promise<void> {
  const now = await objectNow(tenantId);
  const next = nextMonthStartMs(now);
  if (next - now < 10 * 60_000) await advanceObjectClock(tenantId, next + 60_000);
}

export interface Publisher {
  tenant: TestTenant;
  /** A key allowed to publish, its hourly limit far above any test's. */
  key: string;
  account: ConnectedAccount;
}

/** A tenant made by the operator with `settings` (and `tier`), a publishing key and a LinkedIn account. */
export async function publisher(settings: Record<string, unknown>, tier?: string): Promise<Publisher> {
  const tenant = await createTenant({ settings, ...(tier ? { tier } : {}) });
  const { key } = await createOwnerKey(tenant, { scopes: ["publish", "read:posts"], rate_limit_per_hour: 10_000 });
  const account = await connectAccount(tenant.ownerKey, "linkedin");
  await steadyMonth(tenant.tenantId);
  return { tenant, key, account };
}

/** POST /v1/posts now (or at `scheduled_at`). */
export function publish(p: Publisher, extra: Record<string, unknown> = {}): Promise<Response> {
  return call("/v1/posts", { token: p.key, body: publishBody(p.account, extra) });
}

/**
 * The operator changes a tenant's plan (PATCH /v1/admin/tenants/{id}): its tier, and
 * settings merged into the stored ones (a key given as null removes it).
 */
export async function operatorSets(
  tenantId: string,
  change: { tier?: string; settings?: Record<string, unknown> },
): Promise<void> {
  const res = await call(`/v1/admin/tenants/${tenantId}`, { method: "PATCH", token: ADMIN, body: change });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** A problem of a quota: its status, type and body. */
export async function expectQuotaProblem(
  res: Response,
  status: number,
  type: string,
  label = "",
): Promise<QuotaProblem> {
  const text = await res.clone().text();
  expect(res.status, `${label} ${text}`).toBe(status);
  expect(res.headers.get("Content-Type"), label).toBe("application/problem+json");
  const problem = await json<QuotaProblem>(res);
  expect(problem.type, label).toBe(type);
  return problem;
}
