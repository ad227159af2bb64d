// The sandbox's authorize page asks who signs in and approves only when told to
// (src/core/sandbox/consent-page.ts), as a real platform's page does: login_hint only
// fills the name in, a sandbox user is signed in to with its password, so one tenant
// cannot connect another tenant's sandbox user by naming it.
import { describe, expect, it } from "vitest";
import { expectRedirect, sandbox, sandboxUser, toPlatform } from "../support/accounts";
import { TestBrowser } from "../support/browser";
import { call, json } from "../support/http";
import { approveAtSandbox, sandboxPage, sandboxPassword, submitSandboxPage } from "../support/sandbox-sign-in";
import { createTenant, type TestTenant } from "../support/tenants";

/** A tenant's connect of LinkedIn as `user`, taken to the sandbox's page in a browser. */
async function atSandbox(tenant: TestTenant, user: string) {
  const started = await call("/v1/social-accounts/linkedin/connect", {
    token: tenant.ownerKey,
    body: { login_hint: user },
  });
  expect(started.status, await started.clone().text()).toBe(201);
  const { authorize_url } = await json<{ authorize_url: string }>(started);
  const browser = new TestBrowser();
  return { browser, url: await toPlatform(browser, authorize_url) };
}

async function accounts(tenant: TestTenant): Promise<string[]> {
  const page = await json<{ data: { platform_user_id: string }[] }>(
    await call("/v1/social-accounts", { token: tenant.ownerKey }),
  );
  return page.data.map((account) => account.platform_user_id);
}

describe("the sandbox's authorize page", () => {
  it("shows who is to sign in and what the app asks, and approves nothing by itself", async () => {
    const tenant = await createTenant();
    const user = sandboxUser("pg");
    const { browser, url } = await atSandbox(tenant, user);
    const page = await sandboxPage(await browser.open(url));
    expect(page.user).toBe(user);
    expect(page.html).toContain("<li>w_member_social</li>");
    expect(page.hidden.get("state")).toBe(url.searchParams.get("state"));
    expect(page.action).toBe("/sandbox/linkedin/oauth/v2/authorization");
    expect((await sandbox("linkedin").counters(user)).authorize).toBeUndefined();
    expect(await accounts(tenant)).toEqual([]);
  });

  it("denied: back to the app with access_denied and the state, nothing connected", async () => {
    const tenant = await createTenant();
    const { browser, url } = await atSandbox(tenant, sandboxUser("dn"));
    const denied = await expectRedirect(await approveAtSandbox(browser, url, { decision: "deny" }));
    expect(denied.searchParams.get("error")).toBe("access_denied");
    expect(denied.searchParams.get("state")).toBe(url.searchParams.get("state"));
    expect(denied.searchParams.get("code")).toBeNull();
    await browser.open(denied);
    expect(await accounts(tenant)).toEqual([]);
  });

  it("another tenant naming a user someone signed in as cannot connect it without its password", async () => {
    const first = await createTenant();
    const user = sandboxUser("own");
    const owner = await atSandbox(first, user);
    const callback = await expectRedirect(await approveAtSandbox(owner.browser, owner.url));
    expect((await owner.browser.open(callback)).status).toBe(201);
    expect(await accounts(first)).toEqual([user]);

    const other = await createTenant();
    const intruder = await atSandbox(other, user);
    const page = await sandboxPage(await intruder.browser.open(intruder.url));
    // The page names the user (login_hint), but signing in needs its password.
    const refused = await submitSandboxPage(intruder.browser.open.bind(intruder.browser), page, {
      password: "guessed-password",
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("Location")).toBeNull();
    expect(await refused.text()).toContain("Wrong password for this sandbox user.");
    expect(await accounts(other)).toEqual([]);
    // The user's own password still signs in (a person with two tenants may connect both).
    const again = await approveAtSandbox(intruder.browser, intruder.url, { password: sandboxPassword(user) });
    expect(again.status).toBe(302);
  });

  it("refuses a name it cannot hold and a short password, and a form asking for a scope LinkedIn withholds", async () => {
    const tenant = await createTenant();
    const { browser, url } = await atSandbox(tenant, sandboxUser("bad"));
    const page = await sandboxPage(await browser.open(url));
    const open = browser.open.bind(browser);
    const badName = await submitSandboxPage(open, page, { user: "no spaces here", password: "long-enough" });
    expect(badName.status).toBe(401);
    expect(await badName.text()).toContain("1 to 64 letters");
    const short = await submitSandboxPage(open, page, { password: "short" });
    expect(short.status).toBe(401);
    // The form's scope changed to one LinkedIn grants to select developers only.
    page.hidden.set("scope", "openid profile w_member_social r_member_social");
    const widened = await submitSandboxPage(open, page);
    expect(widened.status).toBe(400);
    expect(await widened.text()).toContain("unauthorized_scope_error");
  });
});
