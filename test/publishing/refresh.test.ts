// Single-flight token refresh: one refresh call however many publishes need it,
// eviction mid-refresh, rotated refresh tokens, and failures that revoke or not.
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { connectAccount, expiringAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { tenantObjectOf } from "../support/objects";
import { createOwnerKey, createTenant } from "../support/tenants";

async function accountRow(tenantId: string, accountId: string) {
  return (await tenantDb(tenantId))
    .prepare(
      "SELECT status, error_count, last_error, last_refresh_at, refresh_token_encrypted FROM social_accounts WHERE account_id = ?",
    )
    .bind(accountId)
    .first<{
      status: string;
      error_count: number;
      last_error: string | null;
      last_refresh_at: string | null;
      refresh_token_encrypted: ArrayBuffer;
    }>();
}

/** Returns once X's sandbox has received a refresh call of `user`: it counts each call as it arrives. */
async function refreshArrived(user: string): Promise<void> {
  for (let asked = 0; asked < 10_000; asked++) {
    if (((await sandbox("twitter").counters(user)).refresh ?? 0) > 0) return;
  }
  throw new Error("the refresh never reached the platform");
}

describe("token refresh", () => {
  it("50 concurrent publishes with an expiring token make exactly one refresh call", async () => {
    const { tenant, key, account, user } = await expiringAccount();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call("/v1/posts", { token: key, body: publishBody(account, { text: `Tweet ${i}` }) }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const counters = await sandbox("twitter").counters(user);
    expect(counters.refresh).toBe(1);
    expect(counters.publish).toBe(50);
    const row = await accountRow(tenant.tenantId, account.id);
    expect(row?.last_refresh_at).not.toBeNull();
    expect(row?.status).toBe("active");
  });

  it("a token the platform has expired early: the 401s lead to one refresh and every post goes out", async () => {
    const tenant = await createTenant();
    const { key } = await createOwnerKey(tenant, { scopes: ["publish"], rate_limit_per_hour: 10_000 });
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const user = sandboxUserOf(account);
    await sandbox("linkedin").expireAccessTokens(user);
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call("/v1/posts", { token: key, body: publishBody(account, { text: `Update ${i}` }) }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(30).fill(201));
    const counters = await sandbox("linkedin").counters(user);
    expect(counters.refresh).toBe(1);
    expect(await sandbox("linkedin").posts(user)).toHaveLength(30);
  });

  it("an eviction during the refresh causes no second refresh and loses no token", async () => {
    const { tenant, key, account, user } = await expiringAccount();
    // The refresh takes 1.5 s at the platform (X rotates the refresh token as it answers).
    await sandbox("twitter").addFault({ kind: "hang", endpoint: "refresh", user_id: user, params: { ms: 1500 } });
    const pending = Array.from({ length: 20 }, (_, i) =>
      call("/v1/posts", { token: key, body: publishBody(account, { text: `During eviction ${i}` }) }),
    );
    // The eviction comes once the platform has the refresh call (counted as it arrives),
    // while the platform still holds its answer.
    await refreshArrived(user);
    await evictDurableObject(tenantObjectOf(tenant.tenantId));
    const responses = await Promise.all(pending);
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect((await sandbox("twitter").counters(user)).refresh).toBe(1);
    // The rotated refresh token was kept: the next refresh works.
    await sandbox("twitter").expireAccessTokens(user);
    expect((await call("/v1/posts", { token: key, body: publishBody(account) })).status).toBe(201);
    expect((await sandbox("twitter").counters(user)).refresh).toBe(2);
    expect((await accountRow(tenant.tenantId, account.id))?.status).toBe("active");
  });

  it("keeps the old refresh token when the platform returns none", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin", { tokenTtlSeconds: 60 });
    const user = sandboxUserOf(account);
    await sandbox("linkedin").setTokenTtl(user, 60);
    await sandbox("linkedin").addFault({ kind: "omit_refresh_token", endpoint: "refresh", user_id: user });
    const before = (await accountRow(tenant.tenantId, account.id))?.refresh_token_encrypted;
    expect((await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) })).status).toBe(201);
    expect(
      new Uint8Array((await accountRow(tenant.tenantId, account.id))?.refresh_token_encrypted as ArrayBuffer),
    ).toEqual(new Uint8Array(before as ArrayBuffer));
    // And it still works for the next refresh (the platform expires the access token).
    await sandbox("linkedin").expireAccessTokens(user);
    expect((await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) })).status).toBe(201);
    expect((await sandbox("linkedin").counters(user)).refresh).toBe(2);
  });

  it("a refresh answered 500 leaves the account active and backs off; the next try succeeds", async () => {
    const { tenant, key, account, user } = await expiringAccount();
    await sandbox("twitter").addFault({ kind: "error_500", endpoint: "refresh", user_id: user });
    // The stored token is still good for a minute: the post goes out with it.
    const first = await call("/v1/posts", { token: key, body: publishBody(account) });
    expect(first.status).toBe(201);
    const row = await accountRow(tenant.tenantId, account.id);
    expect(row).toMatchObject({ status: "active", error_count: 1 });
    expect(row?.last_error).toContain("500");
    // During the backoff no refresh is attempted.
    expect((await call("/v1/posts", { token: key, body: publishBody(account) })).status).toBe(201);
    expect((await sandbox("twitter").counters(user)).refresh).toBe(1);
    const accounts = await json<{ data: { status: string }[] }>(
      await call("/v1/social-accounts", { token: tenant.ownerKey }),
    );
    expect(accounts.data[0]?.status).toBe("active");
  });

  it("a refresh timing out leaves the account active", async () => {
    const { tenant, key, account, user } = await expiringAccount();
    await sandbox("twitter").addFault({ kind: "hang", endpoint: "refresh", user_id: user, params: { ms: 6000 } });
    expect((await call("/v1/posts", { token: key, body: publishBody(account) })).status).toBe(201);
    expect(await accountRow(tenant.tenantId, account.id)).toMatchObject({ status: "active", error_count: 1 });
  });

  it("invalid_grant revokes the account at once: no retry storm", async () => {
    const tenant = await createTenant();
    const { key } = await createOwnerKey(tenant, { scopes: ["publish"], rate_limit_per_hour: 10_000 });
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const user = sandboxUserOf(account);
    await sandbox("linkedin").expireAccessTokens(user);
    await sandbox("linkedin").addFault({ kind: "invalid_grant", endpoint: "refresh", user_id: user });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => call("/v1/posts", { token: key, body: publishBody(account) })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(409));
    const problem = await json<{ type: string; account_id: string }>(responses[0] as Response);
    expect(problem).toMatchObject({ type: "/problems/account-unavailable", account_id: account.id });
    expect((await sandbox("linkedin").counters(user)).refresh).toBe(1);
    expect((await accountRow(tenant.tenantId, account.id))?.status).toBe("revoked");
    // Later posts are refused without calling the platform.
    expect((await call("/v1/posts", { token: key, body: publishBody(account) })).status).toBe(409);
    expect((await sandbox("linkedin").counters(user)).refresh).toBe(1);
  });
});
