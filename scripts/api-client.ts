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
    body: { name: string; settings?: Record<string, unknown>; ownerEmail?: string; region?: string },
  ): Promise<{ tenantId: string; ownerKey: string; ownerSession: () => Promise<string> }> {
    const email = body.ownerEmail ?? `owner-${crypto.randomUUID()}@example.com`;
    const password = `pw-${crypto.randomUUID()}`;
    const created = await this.call<{ tenant: { id: string }; api_key: { key: string } }>("/v1/tenants", {
      token: adminToken,
      body: {
        name: body.name,
        region: body.region ?? "eu-west",
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

  /**
   * Connects a sandbox account as a client and its user's browser would: connect (an
   * API client), then the browser opens the start URL (claiming the flow: a binding
   * cookie), is sent to the sandbox's authorize page, and lands on the callback with
   * that cookie.
   */
  async connectSandboxAccount(token: string, platform: string, loginHint: string): Promise<{ id: string }> {
    const { authorize_url } = await this.call<{ authorize_url: string }>(`/v1/social-accounts/${platform}/connect`, {
      token,
      body: { login_hint: loginHint },
    });
    const browser = new CookieJar();
    const started = await this.navigate(browser, authorize_url);
    const atSandbox = started.headers.get("Location");
    if (started.status !== 302 || !atSandbox) throw new Error(`${platform}: the start URL answered ${started.status}`);
    const approved = await this.navigate(browser, atSandbox);
    const location = approved.headers.get("Location");
    if (approved.status !== 302 || !location) throw new Error(`the ${platform} sandbox did not approve`);
    const landed = await this.navigate(browser, location);
    const text = await landed.text();
    if (landed.status !== 201) throw new Error(`${platform} callback: ${landed.status} ${text}`);
    const account = (JSON.parse(text) as { accounts: { id: string }[] }).accounts[0];
    if (!account) throw new Error(`no ${platform} account connected`);
    return account;
  }

  /** A browser's GET on this origin: its cookies sent, the answer's kept, no redirect followed. */
  private async navigate(browser: CookieJar, url: string): Promise<Response> {
    const target = new URL(url, this.origin);
    const response = await fetch(new URL(target.pathname + target.search, this.origin), {
      headers: browser.header(),
      redirect: "manual",
    });
    browser.keep(response);
    return response;
  }
}

/** The cookies a browser would hold for the Worker's origin (enough for the OAuth binding). */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { Cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ") };
  }

  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";")[0] ?? "";
      const separator = pair.indexOf("=");
      if (separator > 0) this.cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1).trim());
    }
  }
}
