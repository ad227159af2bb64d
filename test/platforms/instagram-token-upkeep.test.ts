// Instagram long-lived tokens last 60 days and refresh only when at least 24 hours old
// and unexpired (developers.facebook.com, reference/refresh_access_token). An account
// nobody publishes to must not die: the TenantObject's alarm renews tokens within ten
// days of expiry, without any publish.
import { describe, expect, it } from "vitest";
import { connectAccount, sandbox, sandboxUserOf } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { runTimersNow } from "../support/objects";
import { createTenant } from "../support/tenants";

const DAY_S = 86_400;

async function instagramAccount(ttlDays: number, ageDays: number) {
  const tenant = await createTenant();
  const account = await connectAccount(tenant.ownerKey, "instagram", { tokenTtlSeconds: ttlDays * DAY_S });
  const user = sandboxUserOf(account);
  // Renewed tokens last Instagram's usual 60 days.
  await sandbox("instagram").setTokenTtl(user, null);
  // Instagram refreshes a token once it is at least a day old: at the platform too, a
  // token issued "days ago" is more than a day old (the sandbox's clock moves two days,
  // short of any token's expiry here).
  if (ageDays > 0) await sandbox("instagram").advanceClock(2 * DAY_S * 1000);
  // The token was issued `ageDays` ago (D1 keeps when: connected or last refreshed).
  const issued = new Date(Date.now() - ageDays * DAY_S * 1000).toISOString();
  await (await tenantDb(tenant.tenantId))
    .prepare("UPDATE social_accounts SET created_at = ?, last_refresh_at = ? WHERE account_id = ?")
    .bind(issued, issued, account.id)
    .run();
  return { tenant, account, user };
}

async function expiresInDays(tenantId: string, accountId: string): Promise<number> {
  const row = await (await tenantDb(tenantId))
    .prepare("SELECT expires_at FROM social_accounts WHERE account_id = ?")
    .bind(accountId)
    .first<{ expires_at: string }>();
  return (Date.parse(row?.expires_at ?? "") - Date.now()) / (DAY_S * 1000);
}

describe("Instagram token upkeep", () => {
  it("an idle account's token is renewed on the alarm ahead of expiry", async () => {
    const { tenant, account, user } = await instagramAccount(5, 55);
    expect(await expiresInDays(tenant.tenantId, account.id)).toBeLessThan(6);
    await runTimersNow(tenant.tenantId, ["token-upkeep"]);
    expect((await sandbox("instagram").counters(user)).refresh).toBe(1);
    expect(await expiresInDays(tenant.tenantId, account.id)).toBeGreaterThan(59);
    // Renewed: the next run leaves it alone.
    await runTimersNow(tenant.tenantId, ["token-upkeep"]);
    expect((await sandbox("instagram").counters(user)).refresh).toBe(1);
  });

  it("a token far from expiry, or younger than a day, is left alone", async () => {
    const far = await instagramAccount(50, 10);
    await runTimersNow(far.tenant.tenantId, ["token-upkeep"]);
    expect((await sandbox("instagram").counters(far.user)).refresh ?? 0).toBe(0);
    const young = await instagramAccount(5, 0);
    await runTimersNow(young.tenant.tenantId, ["token-upkeep"]);
    expect((await sandbox("instagram").counters(young.user)).refresh ?? 0).toBe(0);
  });
});
