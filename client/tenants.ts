// Setting up tenants through the API, as the operator and a tenant's owner would: for
// the demo seeder, the benchmarks and the Node-side tests.
import { type ApiClient, bearer, ok, type Schema } from "./index.ts";

export interface NewTenant {
  tenantId: string;
  /** The owner's first key: every scope, the default hourly limit. */
  ownerKey: string;
  /** Signs the owner in (a key made with a key never exceeds it; a session's keys may). */
  ownerSession: () => Promise<string>;
}

/** A tenant made with the operator's token, its owner with a fresh password. */
export async function createTenant(
  api: ApiClient,
  adminToken: string,
  body: Partial<Schema<"CreateTenant">> & { name: string; ownerEmail?: string },
): Promise<NewTenant> {
  const { ownerEmail, ...tenant } = body;
  const email = ownerEmail ?? `owner-${crypto.randomUUID()}@example.com`;
  const password = `pw-${crypto.randomUUID()}`;
  const created = await ok(
    api.POST("/v1/tenants", {
      ...bearer(adminToken),
      body: { region: "eu-west", ...tenant, owner: { email, password } },
    }),
  );
  const tenantId = created.tenant.id;
  const ownerSession = async () =>
    (await ok(api.POST("/v1/auth/login", { body: { tenant_id: tenantId, email, password } }))).token;
  return { tenantId, ownerKey: created.api_key.key, ownerSession };
}

/** A new API key of `token`'s user; the key itself (shown once). */
export async function createKey(
  api: ApiClient,
  token: string,
  scopes: Schema<"CreateApiKey">["scopes"],
  ratePerHour?: number,
): Promise<string> {
  const body = { scopes, ...(ratePerHour ? { rate_limit_per_hour: ratePerHour } : {}) };
  return (await ok(api.POST("/v1/api-keys", { ...bearer(token), body }))).key;
}
