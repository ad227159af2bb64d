// A user's browser for the OAuth connection of a sandbox account, as scripts,
// benchmarks and tests play it: the API client asks to connect (typed), then the
// browser opens the start URL (claiming the flow with its binding cookie), is shown
// the Worker's consent page (the tenant, who asked, the platform) and submits its
// form as the user would, is sent on to the sandbox's authorize page, which approves,
// and lands on the callback with that cookie. Only the cookies of the Worker's own
// origin are kept, as a browser would.
import { type ApiClient, bearer, ok, type Schema } from "./index.ts";

type Platform = Schema<"SocialAccount">["platform"];

/** The cookies a browser holds for one origin (enough for the OAuth binding). */
export class SandboxBrowser {
  private readonly cookies = new Map<string, string>();
  private readonly origin: string;

  constructor(origin: string) {
    this.origin = origin;
  }

  /** Follows an authorize URL of this origin to the callback; the accounts it connected. */
  async approve(authorizeUrl: string): Promise<Schema<"ConnectedAccounts">> {
    const opened = await this.open(authorizeUrl);
    const started = opened.status === 200 ? await this.confirm(await opened.text()) : opened;
    const atSandbox = started.headers.get("Location");
    if (started.status !== 302 || !atSandbox) throw new Error(`the start URL answered ${started.status}`);
    const approved = await this.open(atSandbox);
    const callback = approved.headers.get("Location");
    if (approved.status !== 302 || !callback) throw new Error(`the sandbox did not approve (${approved.status})`);
    const landed = await this.open(callback);
    const text = await landed.text();
    if (landed.status !== 201) throw new Error(`the callback answered ${landed.status} ${text}`);
    return JSON.parse(text) as Schema<"ConnectedAccounts">;
  }

  /** Presses the consent page's button: its form POSTed with this browser's cookie. */
  private confirm(page: string): Promise<Response> {
    const value = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1];
    const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
    const state = value("state");
    const token = value("token");
    if (!action || !state || !token) throw new Error("the start URL answered a page without its consent form");
    // The fields are base64url and a tenant id, which HTML escaping leaves alone.
    return this.open(action, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ state, token }).toString(),
    });
  }

  /** A request on this origin (a GET unless `init` says): its cookies sent, the answer's kept, no redirect followed. */
  private async open(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Response> {
    const target = new URL(url, this.origin);
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) {
      headers.Cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    const response = await fetch(new URL(target.pathname + target.search, this.origin), {
      method: init.method ?? "GET",
      headers,
      body: init.body,
      redirect: "manual",
    });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";")[0] ?? "";
      const separator = pair.indexOf("=");
      if (separator > 0) this.cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1).trim());
    }
    return response;
  }
}

/** Connects a sandbox account for `token`'s tenant, approved as sandbox user `loginHint`. */
export async function connectSandboxAccount(
  api: ApiClient,
  origin: string,
  token: string,
  platform: Platform,
  loginHint: string,
): Promise<Schema<"SocialAccount">> {
  const { authorize_url } = await ok(
    api.POST("/v1/social-accounts/{platform}/connect", {
      ...bearer(token),
      params: { path: { platform } },
      body: { login_hint: loginHint },
    }),
  );
  const { accounts } = await new SandboxBrowser(origin).approve(authorize_url);
  const account = accounts[0];
  if (!account) throw new Error(`no ${platform} account connected`);
  return account;
}
