// X's answers the adapter must read right: a dead refresh token answered as
// 400 invalid_request "Value passed for the token was invalid." (not only
// invalid_grant) revokes the account; a 429 with both the 15-minute and the 24-hour
// window exhausted holds the account until the later reset (docs.x.com, "Rate limits").
import { describe, expect, it } from "vitest";
import { expiringAccount, publishBody, sandbox } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";

describe("X tokens and limits", () => {
  it("400 invalid_request 'Value passed for the token was invalid.' revokes the account, once", async () => {
    const { tenant, key, account, user } = await expiringAccount();
    await sandbox("twitter").addFault({ kind: "invalid_grant", endpoint: "refresh", user_id: user });
    // The token is inside the refresh-ahead margin: the publish refreshes first.
    const refused = await call("/v1/posts", { token: key, body: publishBody(account) });
    expect(refused.status, await refused.clone().text()).toBe(409);
    expect(await json(refused)).toMatchObject({ type: "/problems/account-unavailable" });
    const row = await (await tenantDb(tenant.tenantId))
      .prepare("SELECT status FROM social_accounts WHERE account_id = ?")
      .bind(account.id)
      .first<{ status: string }>();
    expect(row?.status).toBe("revoked");
    // Revoked, not retried with backoff: no further refresh reaches X.
    expect((await call("/v1/posts", { token: key, body: publishBody(account) })).status).toBe(409);
    expect((await sandbox("twitter").counters(user)).refresh).toBe(1);
  });

  it("when both windows are exhausted, the account waits for the later (24-hour) reset", async () => {
    const { key, account, user } = await expiringAccount();
    await sandbox("twitter").setTokenTtl(user, null);
    await sandbox("twitter").addFault({
      kind: "rate_limit_429",
      endpoint: "publish",
      user_id: user,
      params: { reset_seconds: 900, daily_reset_seconds: 20 * 3600 },
    });
    const refused = await call("/v1/posts", { token: key, body: publishBody(account) });
    expect(refused.status, await refused.clone().text()).toBe(429);
    const problem = await json<{ reset_at: string }>(refused);
    const resetInHours = (Date.parse(problem.reset_at) - Date.now()) / 3_600_000;
    expect(resetInHours).toBeGreaterThan(19);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(19 * 3600);
    // Held locally until then: the next publish does not reach X.
    const publishes = (await sandbox("twitter").counters(user)).publish;
    expect((await call("/v1/posts", { token: key, body: publishBody(account) })).status).toBe(429);
    expect((await sandbox("twitter").counters(user)).publish).toBe(publishes);
  });
});
