// A client of the product's public API for scripts (the demo seeder, benchmarks):
// JSON in and out, errors with the answer's body, and sandbox accounts connected the
// way a browser would (connect, follow the authorize URL, land on the callback).
export interface CallInit {
  method?: string;
  token?: string;
  body?: unknown;
}

export class ApiClient {
  readonly origin: string;

  constructor(origin: string) {
    this.origin = origin;
  }

  raw(path: string, init: CallInit = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (init.token) headers.Authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(new URL(path, this.origin), {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      redirect: "manual",
    });
  }

  async call<T>(path: string, init: CallInit = {}): Promise<T> {
    const response = await this.raw(path, init);
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${init.method ?? (init.body ? "POST" : "GET")} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  /**
   * A new tenant made with the operator's token; its owner's key has every scope and
   * the default hourly limit, and `ownerSession` signs the owner in (a key made with a
   * key never exceeds it, so keys with higher limits are made from a session).
   */
  async createTenant(
    adminToken: string,
    body: { name: string; settings?: Record<string, unknown>; ownerEmail?: string },
  ): Promise<{ tenantId: string; ownerKey: string; ownerSession: () => Promise<string> }> {
    const email = body.ownerEmail ?? `owner-${crypto.randomUUID()}@example.com`;
    const password = `pw-${crypto.randomUUID()}`;
    const created = await this.call<{ tenant: { id: string }; api_key: { key: string } }>("/v1/tenants", {
      token: adminToken,
      body: {
        name: body.name,
        region: "eu-west",
        ...(body.settings ? { settings: body.settings } : {}),
        owner: { email, password },
      },
    });
    const tenantId = created.tenant.id;
    const ownerSession = async () =>
      (await this.call<{ token: string }>("/v1/auth/login", { body: { tenant_id: tenantId, email, password } })).token;
    return { tenantId, ownerKey: created.api_key.key, ownerSession };
  }

  async createKey(token: string, scopes: string[], ratePerHour?: number): Promise<string> {
    const body = { scopes, ...(ratePerHour ? { rate_limit_per_hour: ratePerHour } : {}) };
    return (await this.call<{ key: string }>("/v1/api-keys", { token, body })).key;
  }

  async connectSandboxAccount(token: string, platform: string, loginHint: string): Promise<{ id: string }> {
    const { authorize_url } = await this.call<{ authorize_url: string }>(`/v1/social-accounts/${platform}/connect`, {
      token,
      body: { login_hint: loginHint },
    });
    const authorize = new URL(authorize_url);
    const approved = await this.raw(authorize.pathname + authorize.search);
    const location = approved.headers.get("Location");
    if (approved.status !== 302 || !location) throw new Error(`the ${platform} sandbox did not approve`);
    const callback = new URL(location, this.origin);
    const landed = await this.call<{ accounts: { id: string }[] }>(callback.pathname + callback.search);
    const account = landed.accounts[0];
    if (!account) throw new Error(`no ${platform} account connected`);
    return account;
  }
}
