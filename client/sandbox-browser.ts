// A user's browser for the OAuth connection of a sandbox account, as scripts,
// benchmarks and tests play it: the API client asks to connect (typed), then the
// browser opens the start URL (claiming the flow with its binding cookie), is shown
// the Worker's consent page (the tenant, who asked, the platform) and submits its
// form as the user would, is sent on to the sandbox's authorize page, signs in there as
// a sandbox user with its password and approves (src/core/sandbox/consent-page.ts), and
// lands on the callback with that cookie. Only the cookies of the Worker's own origin
// are kept, as a browser would.
import { type ApiClient, bearer, ok, type Schema } from "./index.ts";

type Platform = Schema<"SocialAccount">["platform"];

/**
 * The password scripts sign sandbox users in with unless given one. A sandbox user takes
 * the password of its first sign-in; anyone who knows it can connect that user, as on a
 * real platform, so give a script its own password where users must stay apart.
 */
export const DEFAULT_SANDBOX_PASSWORD = "sandbox-password";

/** Who signs in at the sandbox's page: its user (the page's, from login_hint, unless given) and password. */
export interface SandboxSignIn {
  user?: string;
  password: string;
}

function htmlText(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** The cookies a browser holds for one origin (enough for the OAuth binding). */
export class SandboxBrowser {
  private readonly cookies = new Map<string, string>();
  private readonly origin: string;

  constructor(origin: string) {
    this.origin = origin;
  }

  /** Follows an authorize URL of this origin to the callback; the accounts it connected. */
  async approve(
    authorizeUrl: string,
    signIn: SandboxSignIn = { password: DEFAULT_SANDBOX_PASSWORD },
  ): Promise<Schema<"ConnectedAccounts">> {
    const opened = await this.open(authorizeUrl);
    const started = opened.status === 200 ? await this.confirm(await opened.text()) : opened;
    const atSandbox = started.headers.get("Location");
    if (started.status !== 302 || !atSandbox) throw new Error(`the start URL answered ${started.status}`);
    const page = await this.open(atSandbox);
    if (page.status !== 200) throw new Error(`the sandbox's authorize page answered ${page.status}`);
    const approved = await this.signIn(await page.text(), signIn);
    const callback = approved.headers.get("Location");
    if (approved.status !== 302 || !callback) throw new Error(`the sandbox did not approve (${approved.status})`);
    const landed = await this.open(callback);
    const text = await landed.text();
    if (landed.status !== 201) throw new Error(`the callback answered ${landed.status} ${text}`);
    return JSON.parse(text) as Schema<"ConnectedAccounts">;
  }

  /**
   * Signs in on the sandbox's page and presses Approve: its form (the request's hidden
   * fields) POSTed with the user, the password and the decision.
   */
  private signIn(page: string, signIn: SandboxSignIn): Promise<Response> {
    const action = /<form method="post" action="([^"]+)">/.exec(page)?.[1];
    if (!action) throw new Error("the sandbox answered a page without its sign-in form");
    const form = new URLSearchParams();
    for (const match of page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
      form.append(htmlText(match[1] ?? ""), htmlText(match[2] ?? ""));
    }
    const filled = htmlText(/name="sandbox_user" value="([^"]*)"/.exec(page)?.[1] ?? "");
    form.set("sandbox_user", signIn.user ?? (filled || `user${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`));
    form.set("sandbox_password", signIn.password);
    form.set("decision", "approve");
    return this.open(htmlText(action), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
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

/**
 * Connects a sandbox account for `token`'s tenant, approved as sandbox user `loginHint`
 * signed in with `password` (the user's first sign-in sets it).
 */
export async function connectSandboxAccount(
  api: ApiClient,
  origin: string,
  token: string,
  platform: Platform,
  loginHint: string,
  password = DEFAULT_SANDBOX_PASSWORD,
): Promise<Schema<"SocialAccount">> {
  const { authorize_url } = await ok(
    api.POST("/v1/social-accounts/{platform}/connect", {
      ...bearer(token),
      params: { path: { platform } },
      body: { login_hint: loginHint },
    }),
  );
  const { accounts } = await new SandboxBrowser(origin).approve(authorize_url, { user: loginHint, password });
  const account = accounts[0];
  if (!account) throw new Error(`no ${platform} account connected`);
  return account;
}
