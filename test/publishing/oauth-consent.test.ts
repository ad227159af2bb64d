// A start URL handed out to an API client (and so forwardable to anyone) stops at this
// site's consent page in the first browser that opens it: the page names the tenant,
// the member who asked (masked) and the platform, and only its form, POSTed by that
// browser with its token, goes on to the platform (docs/publishing.md, "OAuth binding"). The
// callback connects nothing once the member who asked may no longer connect accounts.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { expectRedirect, sandboxUser } from "../support/accounts";
import { TestBrowser } from "../support/browser";
import { tenantDb } from "../support/databases";
import { call, json, ORIGIN } from "../support/http";
import { consentPage, submitConsent } from "../support/oauth-consent";
import { tenantObjectOf } from "../support/objects";
import { approveAtSandbox } from "../support/sandbox-sign-in";
import {
  ADMIN,
  addUser,
  createKey,
  createTenant,
  login,
  snapshotExceptAudit,
  type TestTenant,
  type TestUser,
} from "../support/tenants";

interface Started {
  authorize_url: string;
  state: string;
}

/** An API client's connect (no Sec-Fetch-Site): its start URL is a link it hands on. */
async function connectAsClient(token: string, platform = "linkedin"): Promise<Started> {
  const res = await call(`/v1/social-accounts/${platform}/connect`, {
    token,
    body: { login_hint: sandboxUser("cs") },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<Started>(res);
}

/** An admin of `tenant` with a key that may connect accounts, and their session. */
async function adminWithKey(
  tenant: TestTenant,
): Promise<{ admin: TestUser; session: string; key: string; keyId: string }> {
  const admin = await addUser(tenant, "admin");
  const session = await login(tenant.tenantId, admin.email);
  const made = await createKey(session, { scopes: ["manage:accounts", "read:accounts"] });
  return { admin, session, key: made.key, keyId: made.id };
}

async function accountsOf(tenantId: string): Promise<number> {
  const row = await (await tenantDb(tenantId))
    .prepare("SELECT COUNT(*) AS n FROM social_accounts WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** The state's row as the tenant's object keeps it. */
async function stateRow(
  tenantId: string,
  state: string,
): Promise<{ consented_at_ms: number | null; claimed_by_link: number; authorize_url: string } | undefined> {
  return runInDurableObject(
    tenantObjectOf(tenantId),
    (_instance: TenantObject, object) =>
      object.storage.sql
        .exec<{ consented_at_ms: number | null; claimed_by_link: number; authorize_url: string }>(
          "SELECT consented_at_ms, claimed_by_link, authorize_url FROM oauth_states WHERE state = ?",
          state,
        )
        .toArray()[0],
  );
}

async function refused(res: Response, status = 400): Promise<{ fields: string[]; detail: string; reason?: string }> {
  const body = await res.clone().text();
  expect(res.status, body).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  expect(res.headers.get("Location")).toBeNull();
  const problem = JSON.parse(body) as { errors?: { field: string }[]; detail: string; reason?: string };
  return { fields: (problem.errors ?? []).map((e) => e.field), detail: problem.detail, reason: problem.reason };
}

describe("a forwarded start URL", () => {
  it("stops at a page of this site naming the tenant, the masked member who asked and the platform", async () => {
    const tenant = await createTenant({ name: "Rebar & Mesh Ltd" });
    const { admin, key } = await adminWithKey(tenant);
    const { authorize_url, state } = await connectAsClient(key);
    const browser = new TestBrowser();
    const opened = await browser.open(authorize_url);
    const page = await consentPage(opened);
    expect(page.tenant).toBe("Rebar & Mesh Ltd");
    const [local, domain] = admin.email.split("@");
    expect(page.askedBy).toBe(`${local?.[0]}•••@${domain}`);
    expect(page.html).not.toContain(admin.email);
    expect(page.platform).toBe("LinkedIn");
    expect(page.state).toBe(state);
    expect(page.action).toBe("/v1/oauth/linkedin/start");
    // The browser claimed it: its __Host- cookie, and nothing is cached.
    const [cookie] = opened.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-oauth_[0-9a-f]{16}=[A-Za-z0-9_-]{43};/);
    expect(opened.headers.get("Cache-Control")).toBe("no-store");
    // No script, no framing, forms only to this site and the platform's authorize origin (the sandbox's, here).
    const csp = opened.headers.get("Content-Security-Policy") ?? "";
    for (const directive of ["default-src 'none'", "frame-ancestors 'none'", "form-action 'self' https://api.test"]) {
      expect(csp, directive).toContain(directive);
    }
    expect(csp).toMatch(/style-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(page.html).not.toMatch(/<script/i);
    // Not confirmed: nothing went to the platform, and opening it again shows the page again.
    expect((await stateRow(tenant.tenantId, state))?.consented_at_ms).toBeNull();
    const again = await consentPage(await browser.open(authorize_url));
    expect(again.token).toBe(page.token);
  });

  it("escapes what it shows", async () => {
    const name = `<script>alert("x")</script> & 'Co' <img src=x onerror=alert(1)>`;
    const tenant = await createTenant({ name });
    const { authorize_url } = await connectAsClient(tenant.ownerKey);
    const page = await consentPage(await new TestBrowser().open(authorize_url));
    expect(page.tenant).toBe(name);
    expect(page.html).not.toContain("<script>");
    expect(page.html).not.toContain("<img");
    expect(page.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;");
  });

  it("goes on to the platform only on the page's POST, and the connection completes", async () => {
    const tenant = await createTenant();
    const { key } = await adminWithKey(tenant);
    const { authorize_url, state } = await connectAsClient(key);
    const browser = new TestBrowser();
    const page = await consentPage(await browser.open(authorize_url));
    const confirmed = await submitConsent(browser, page);
    expect(confirmed.headers.get("Cache-Control")).toBe("no-store");
    const atPlatform = await expectRedirect(confirmed);
    expect(`${atPlatform.origin}${atPlatform.pathname}`).toBe(`${ORIGIN}/sandbox/linkedin/oauth/v2/authorization`);
    expect(atPlatform.searchParams.get("state")).toBe(state);
    expect((await stateRow(tenant.tenantId, state))?.consented_at_ms).toEqual(expect.any(Number));
    const callback = await expectRedirect(await approveAtSandbox(browser, atPlatform));
    const landed = await browser.open(callback);
    expect(landed.status, await landed.clone().text()).toBe(201);
    expect(await accountsOf(tenant.tenantId)).toBe(1);
  });

  it("refuses a POST without the cookie, with a wrong token, or from another site, and changes nothing", async () => {
    const tenant = await createTenant();
    const { authorize_url, state } = await connectAsClient(tenant.ownerKey);
    const browser = new TestBrowser();
    const page = await consentPage(await browser.open(authorize_url));
    // A second connection's page in the same browser: a real token, of another state.
    const otherPage = await consentPage(await browser.open((await connectAsClient(tenant.ownerKey)).authorize_url));
    const before = await snapshotExceptAudit();

    const attempts: [string, () => Promise<Response>, number, string[]][] = [
      [
        "no cookie (another browser with the page's token)",
        () => submitConsent(new TestBrowser(), page),
        400,
        ["state"],
      ],
      ["a wrong token", () => submitConsent(browser, { ...page, token: "A".repeat(43) }), 400, ["token"]],
      ["another state's token", () => submitConsent(browser, { ...page, token: otherPage.token }), 400, ["token"]],
      ["no token", () => submitConsent(browser, { ...page, token: "" }), 400, ["token"]],
      [
        "a cross-site form",
        () =>
          browser.open(page.action, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site" },
            body: new URLSearchParams({ state: page.state, token: page.token }).toString(),
          }),
        400,
        ["Sec-Fetch-Site"],
      ],
      [
        "JSON instead of the form",
        () =>
          browser.open(page.action, {
            method: "POST",
            headers: { "Content-Type": "application/json", "Sec-Fetch-Site": "same-origin" },
            body: JSON.stringify({ state: page.state, token: page.token }),
          }),
        415,
        [],
      ],
      [
        "a malformed multipart body",
        () =>
          browser.open(page.action, {
            method: "POST",
            headers: { "Content-Type": "multipart/form-data; boundary=x", "Sec-Fetch-Site": "same-origin" },
            body: `state=${page.state}&token=${page.token}`,
          }),
        415,
        [],
      ],
    ];
    for (const [label, attempt, status, fields] of attempts) {
      const { fields: named } = await refused(await attempt(), status);
      expect(named, label).toEqual(fields);
      expect((await stateRow(tenant.tenantId, state))?.consented_at_ms, label).toBeNull();
    }
    // A GET never continues, whatever it carries.
    expect((await browser.open(`${page.action}?state=${state}&token=${page.token}`)).status).toBe(200);
    expect((await stateRow(tenant.tenantId, state))?.consented_at_ms).toBeNull();
    expect(await snapshotExceptAudit()).toBe(before);
    expect(await accountsOf(tenant.tenantId)).toBe(0);
    // The browser that holds the cookie still can.
    await expectRedirect(await submitConsent(browser, page));
  });

  it("refuses a second browser, before and after the first confirms", async () => {
    const tenant = await createTenant();
    const { authorize_url } = await connectAsClient(tenant.ownerKey);
    const first = new TestBrowser();
    const page = await consentPage(await first.open(authorize_url));
    const second = new TestBrowser();
    expect((await refused(await second.open(authorize_url))).fields).toEqual(["state"]);
    expect(second.cookieNames()).toEqual([]);
    await expectRedirect(await submitConsent(first, page));
    expect((await refused(await second.open(authorize_url))).fields).toEqual(["state"]);
    expect((await refused(await submitConsent(second, page))).fields).toEqual(["state"]);
  });

  it("is claimed by exactly one of 200 browsers opening it at once", async () => {
    const tenant = await createTenant();
    const { authorize_url } = await connectAsClient(tenant.ownerKey);
    const browsers = Array.from({ length: 200 }, () => new TestBrowser());
    const answers = await Promise.all(browsers.map((browser) => browser.open(authorize_url)));
    const statuses = answers.map((res) => res.status);
    expect(
      statuses.filter((s) => s === 200),
      JSON.stringify(statuses),
    ).toHaveLength(1);
    expect(
      statuses.filter((s) => s === 400),
      JSON.stringify(statuses),
    ).toHaveLength(199);
    const winner = browsers[statuses.indexOf(200)] as TestBrowser;
    expect(winner.cookieNames()).toHaveLength(1);
    for (const [i, browser] of browsers.entries()) {
      if (browser !== winner) expect(browser.cookieNames(), `browser ${i}`).toEqual([]);
    }
  });

  it("cannot be completed by building the platform's URL from the state while the page is not confirmed", async () => {
    const tenant = await createTenant();
    const { authorize_url, state } = await connectAsClient(tenant.ownerKey);
    const victim = new TestBrowser();
    await consentPage(await victim.open(authorize_url));
    // Whoever holds the state can rebuild the platform's authorize URL; the victim approves there.
    const atPlatform = (await stateRow(tenant.tenantId, state))?.authorize_url as string;
    const callback = await expectRedirect(await approveAtSandbox(victim, atPlatform));
    const { fields, detail } = await refused(await victim.open(callback));
    expect(fields).toEqual(["state"]);
    expect(detail).toMatch(/not confirmed/);
    expect(await accountsOf(tenant.tenantId)).toBe(0);
    // Kept: confirmed on the page, the same browser completes.
    const platform = await expectRedirect(
      await submitConsent(victim, await consentPage(await victim.open(authorize_url))),
    );
    const landed = await victim.open(await expectRedirect(await approveAtSandbox(victim, platform)));
    expect(landed.status, await landed.clone().text()).toBe(201);
  });
});

describe("a flow started from this site's own page", () => {
  it("goes straight to the platform, signed in with a session", async () => {
    const tenant = await createTenant();
    const { session } = await adminWithKey(tenant);
    const dashboard = new TestBrowser();
    const started = await dashboard.open("/v1/social-accounts/linkedin/connect", {
      method: "POST",
      headers: {
        Authorization: `Bearer ${session}`,
        "Content-Type": "application/json",
        "Sec-Fetch-Site": "same-origin",
      },
      body: JSON.stringify({ login_hint: sandboxUser("fp") }),
    });
    expect(started.status, await started.clone().text()).toBe(201);
    const { authorize_url } = await json<Started>(started);
    const atPlatform = await expectRedirect(await dashboard.open(authorize_url));
    expect(atPlatform.pathname).toBe("/sandbox/linkedin/oauth/v2/authorization");
    const landed = await dashboard.open(await expectRedirect(await approveAtSandbox(dashboard, atPlatform)));
    expect(landed.status, await landed.clone().text()).toBe(201);
  });
});

type Change = (tenant: TestTenant, asker: { admin: TestUser; keyId: string }) => Promise<Response>;

const CHANGES: [string, "key" | "session", Change, string][] = [
  [
    "removed",
    "key",
    (t, a) => call(`/v1/users/${a.admin.userId}`, { method: "DELETE", token: t.ownerKey }),
    "starter_removed",
  ],
  [
    "suspended",
    "session",
    (t, a) =>
      call(`/v1/users/${a.admin.userId}`, { method: "PATCH", token: t.ownerKey, body: { status: "suspended" } }),
    "starter_suspended",
  ],
  [
    "demoted to member",
    "session",
    (t, a) => call(`/v1/users/${a.admin.userId}`, { method: "PATCH", token: t.ownerKey, body: { role: "member" } }),
    "starter_role",
  ],
  [
    "demoted to viewer",
    "key",
    (t, a) => call(`/v1/users/${a.admin.userId}`, { method: "PATCH", token: t.ownerKey, body: { role: "viewer" } }),
    "starter_role",
  ],
  [
    "whose key was revoked",
    "key",
    (t, a) => call(`/v1/api-keys/${a.keyId}`, { method: "DELETE", token: t.ownerKey }),
    "starter_key",
  ],
];

describe("the callback of a member who may no longer connect accounts", () => {
  it.each(CHANGES)(
    "refuses a member %s between start and callback (asked with a %s): nothing is connected",
    async (label, credential, change, reason) => {
      const tenant = await createTenant();
      const asker = await adminWithKey(tenant);
      const { authorize_url } = await connectAsClient(credential === "key" ? asker.key : asker.session);
      const browser = new TestBrowser();
      const page = await consentPage(await browser.open(authorize_url));
      const atPlatform = await expectRedirect(await submitConsent(browser, page));
      const callback = await expectRedirect(await approveAtSandbox(browser, atPlatform));

      const changed = await change(tenant, asker);
      expect(changed.status, `${label}: ${await changed.clone().text()}`).toBeLessThan(300);
      const before = await snapshotExceptAudit();
      const answer = await refused(await browser.open(callback), 403);
      expect(answer.reason, label).toBe(reason);
      expect(answer.detail, label).toMatch(/nothing was connected/);
      expect(await snapshotExceptAudit(), label).toBe(before);
      expect(await accountsOf(tenant.tenantId), label).toBe(0);
      const audit = await (await tenantDb(tenant.tenantId))
        .prepare(
          "SELECT user_id, success, error_message FROM audit_logs WHERE tenant_id = ? AND action = 'social_account.connect'",
        )
        .bind(tenant.tenantId)
        .all<{ user_id: string; success: number; error_message: string }>();
      expect(audit.results, label).toEqual([
        { user_id: asker.admin.userId, success: 0, error_message: expect.stringMatching(/^403: /) },
      ]);
      // The state was used up: the same callback again is an unknown state.
      expect((await refused(await browser.open(callback))).fields, label).toEqual(["state"]);
    },
  );

  it("shows no page for a member removed before the link is opened", async () => {
    const tenant = await createTenant();
    const asker = await adminWithKey(tenant);
    const { authorize_url } = await connectAsClient(asker.key);
    await call(`/v1/users/${asker.admin.userId}`, { method: "DELETE", token: tenant.ownerKey });
    const answer = await refused(await new TestBrowser().open(authorize_url), 403);
    expect(answer.reason).toBe("starter_removed");
  });
});

describe("a state that names no usable tenant", () => {
  const unplaced = `ten_${"0".repeat(26)}.${"A".repeat(43)}`;

  it.each([
    ["names an unknown tenant", unplaced],
    ["is not a state's shape", "not-a-state"],
    ["names a tenant with a bad nonce", `ten_${"0".repeat(26)}.short`],
  ])("answers 400, not 500, when it %s", async (_label, state) => {
    const got = await refused(
      await new TestBrowser().open(`/v1/oauth/linkedin/start?state=${encodeURIComponent(state)}`),
    );
    expect(got.fields).toEqual(["state"]);
    const posted = await submitConsent(new TestBrowser(), {
      action: "/v1/oauth/linkedin/start",
      state,
      token: "A".repeat(43),
    });
    expect((await refused(posted)).fields).toEqual(["state"]);
  });

  it("answers 400 for a state of a suspended tenant", async () => {
    const tenant = await createTenant();
    const { authorize_url } = await connectAsClient(tenant.ownerKey);
    const suspended = await call(`/v1/tenants/${tenant.tenantId}`, {
      method: "PATCH",
      token: ADMIN,
      body: { status: "suspended" },
    });
    expect(suspended.status, await suspended.clone().text()).toBe(200);
    expect((await refused(await new TestBrowser().open(authorize_url))).fields).toEqual(["state"]);
  });
});
