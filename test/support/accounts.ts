// Connecting sandbox accounts through the API, as a client and a browser would:
// the client POSTs connect and hands the start URL to the user's browser, which
// opens it (claiming the flow: a binding cookie), confirms on this site's consent
// page, is sent on to the sandbox's authorize page (where it signs in as the user with
// its password and approves: ./sandbox-sign-in.ts) and
// lands on the callback with its cookie.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { SandboxPlatform } from "../../objects/sandbox-platform";
import type { Platform } from "../../src/core/platforms/types";
import { TestBrowser } from "./browser";
import { call } from "./http";
import { consentPage, submitConsent } from "./oauth-consent";
import { approveAtSandbox } from "./sandbox-sign-in";
import { createOwnerKey, createTenant } from "./tenants";

export interface ConnectedAccount {
  id: string;
  platform: Platform;
  platformUserId: string;
}

let sequence = 0;

/** A fresh sandbox user id, so counters and faults belong to one test. */
export function sandboxUser(label = "u"): string {
  sequence += 1;
  return `${label}${Date.now().toString(36)}${sequence}${Math.random().toString(36).slice(2, 6)}`;
}

/** Follows one redirect a test expects, and says where it went. */
export async function expectRedirect(response: Response, status = 302): Promise<URL> {
  expect(response.status, await response.clone().text()).toBe(status);
  return new URL(response.headers.get("Location") as string, "https://api.test");
}

/**
 * Opens the start URL in `browser` and gets to the platform's authorize URL: at once
 * for the browser that called connect (302), otherwise through the consent page,
 * confirmed as its reader would (the POST's 302). Where the platform is.
 */
export async function toPlatform(browser: TestBrowser, authorizeUrl: string): Promise<URL> {
  const opened = await browser.open(authorizeUrl);
  if (opened.status === 302) return expectRedirect(opened);
  return expectRedirect(await submitConsent(browser, await consentPage(opened)));
}

/**
 * Takes `browser` from the start URL to the callback: the start route (and its
 * consent page), the sandbox's approval (302 to the callback). The callback's answer.
 */
export async function completeInBrowser(browser: TestBrowser, authorizeUrl: string): Promise<Response> {
  const atPlatform = await toPlatform(browser, authorizeUrl);
  const callback = await expectRedirect(await approveAtSandbox(browser, atPlatform));
  return browser.open(callback);
}

export async function connectAccount(
  token: string,
  platform: Platform,
  options: { loginHint?: string; tokenTtlSeconds?: number; browser?: TestBrowser } = {},
): Promise<ConnectedAccount> {
  const loginHint = options.loginHint ?? sandboxUser(platform.slice(0, 2));
  if (options.tokenTtlSeconds !== undefined) {
    await sandbox(platform).createUser(loginHint, { tokenTtlSeconds: options.tokenTtlSeconds });
  }
  const started = await call(`/v1/social-accounts/${platform}/connect`, { token, body: { login_hint: loginHint } });
  expect(started.status, await started.clone().text()).toBe(201);
  const { authorize_url } = (await started.json()) as { authorize_url: string };
  const landed = await completeInBrowser(options.browser ?? new TestBrowser(), authorize_url);
  expect(landed.status, await landed.clone().text()).toBe(201);
  const { accounts } = (await landed.json()) as {
    accounts: { id: string; platform: Platform; platform_user_id: string }[];
  };
  const account = accounts[0];
  if (!account) throw new Error("no account connected");
  return { id: account.id, platform: account.platform, platformUserId: account.platform_user_id };
}

/** The sandbox user behind an account (Facebook accounts are Pages "pg<user>"). */
export function sandboxUserOf(account: ConnectedAccount): string {
  return account.platform === "facebook" ? account.platformUserId.slice(2) : account.platformUserId;
}

/** The sandbox platform's object (tests run in development mode, where it is bound). */
export function sandbox(platform: Platform): DurableObjectStub<SandboxPlatform> {
  if (!env.SandboxPlatform)
    throw new Error("the tests run with wrangler's dev environment, which binds SandboxPlatform");
  return env.SandboxPlatform.getByName(platform);
}

export function publishBody(account: ConnectedAccount, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    account_id: account.id,
    text: `Rebar delivered next day ${Math.random().toString(36).slice(2, 8)}`,
    ...(account.platform === "instagram" ? { image_url: "https://cdn.example.com/rebar.jpg" } : {}),
    ...extra,
  };
}

/**
 * A tenant with a publishing key and a connected X account whose stored access token
 * is about to expire (inside the refresh-ahead margin, still valid a minute); tokens
 * the refresh issues live the platform's usual two hours. X rotates refresh tokens.
 */
export async function expiringAccount() {
  const tenant = await createTenant();
  const { key } = await createOwnerKey(tenant, {
    scopes: ["publish", "read:posts", "read:accounts"],
    rate_limit_per_hour: 10_000,
  });
  const account = await connectAccount(tenant.ownerKey, "twitter", { tokenTtlSeconds: 60 });
  await sandbox("twitter").setTokenTtl(sandboxUserOf(account), null);
  return { tenant, key, account, user: sandboxUserOf(account) };
}
