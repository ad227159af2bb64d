// Connecting sandbox accounts through the API, as a browser and a client would:
// POST connect, follow the authorize URL (the sandbox approves at once), and land on
// the callback.
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { Platform } from "../../src/platforms/types";
import { call } from "./http";
import { createKey, createTenant } from "./tenants";

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

export async function connectAccount(
  token: string,
  platform: Platform,
  options: { loginHint?: string; tokenTtlSeconds?: number } = {},
): Promise<ConnectedAccount> {
  const loginHint = options.loginHint ?? sandboxUser(platform.slice(0, 2));
  if (options.tokenTtlSeconds !== undefined) {
    await env.SandboxPlatform.getByName(platform).createUser(loginHint, { tokenTtlSeconds: options.tokenTtlSeconds });
  }
  const started = await call(`/v1/social-accounts/${platform}/connect`, { token, body: { login_hint: loginHint } });
  expect(started.status, await started.clone().text()).toBe(201);
  const { authorize_url } = (await started.json()) as { authorize_url: string };
  const approved = await exports.default.fetch(new Request(authorize_url, { redirect: "manual" }));
  expect(approved.status, await approved.clone().text()).toBe(302);
  const callback = new URL(approved.headers.get("Location") as string);
  const landed = await call(`${callback.pathname}${callback.search}`);
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

export function sandbox(platform: Platform) {
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
  const { key } = await createKey(tenant.ownerKey, {
    scopes: ["publish", "read:posts", "read:accounts"],
    rate_limit_per_hour: 10_000,
  });
  const account = await connectAccount(tenant.ownerKey, "twitter", { tokenTtlSeconds: 60 });
  await sandbox("twitter").setTokenTtl(sandboxUserOf(account), null);
  return { tenant, key, account, user: sandboxUserOf(account) };
}
