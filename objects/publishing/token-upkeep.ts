// Renewing Instagram tokens before they die (timer "token-upkeep"). A long-lived
// Instagram token lasts 60 days and can be refreshed once it is at least 24 hours old
// and not yet expired (developers.facebook.com, Instagram Platform,
// reference/refresh_access_token); an account nobody publishes to would otherwise only
// be refreshed on use, and die at 60 days. So the alarm renews each active Instagram
// account's token when it is within RENEW_AHEAD_MS of expiry (and old enough), through
// the same single-flight lease as every other refresh (account-tokens.ts).
import type { Clock } from "../../src/core/clock";
import { tenantScope } from "../../src/core/db/tenant-scope";
import { iso } from "../../src/core/db/time";
import { refreshAtPlatform } from "../../src/core/platforms/refresh";
import type { Platform, PlatformAdapter } from "../../src/core/platforms/types";
import type { Timers } from "../storage/timers";
import type { AccountTokens } from "./account-tokens";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Renewed this long before it expires: room for a platform outage of days. */
export const RENEW_AHEAD_MS = 10 * DAY_MS;
/** Instagram refuses to refresh a token younger than a day. */
export const MIN_TOKEN_AGE_MS = DAY_MS;

export interface UpkeepContext {
  env: Env;
  tenantId: string;
  /** The object's clock (objects/storage/object-clock.ts): how old and how near expiry a token is. */
  clock: Clock;
  tokens: AccountTokens;
  timers: Timers<"token-upkeep">;
  adapterFor: (platform: Platform) => PlatformAdapter;
}

type AccountRow = { account_id: string; expires_at: string; issued_at: string };

/** Renews the tokens that are due; arms the timer for the next one. How many were renewed. */
export async function upkeepTokens(ctx: UpkeepContext): Promise<number> {
  const scope = await tenantScope(ctx.env, ctx.tenantId);
  const { results } = await scope.db
    .prepare(
      `SELECT account_id, expires_at, COALESCE(last_refresh_at, created_at) AS issued_at
       FROM social_accounts
       WHERE tenant_id = ? AND platform = 'instagram' AND status = 'active' AND expires_at IS NOT NULL`,
    )
    .bind(scope.tenantId)
    .all<AccountRow>();
  const nowMs = ctx.clock();
  // Looked at again at least daily while there are accounts to keep alive.
  let next = results.length > 0 ? nowMs + DAY_MS : null;
  let renewed = 0;
  for (const row of results) {
    const expiresMs = Date.parse(iso(row.expires_at));
    const dueMs = Math.max(expiresMs - RENEW_AHEAD_MS, Date.parse(iso(row.issued_at)) + MIN_TOKEN_AGE_MS);
    // Expired already: no refresh can bring it back (the account must reconnect).
    if (expiresMs <= nowMs) continue;
    if (dueMs > nowMs) {
      next = Math.min(next ?? dueMs, dueMs);
      continue;
    }
    const lease = await ctx.tokens.leaseAhead(row.account_id);
    if (!lease) {
      // A refresh is under way or backing off: look again in an hour.
      next = Math.min(next ?? nowMs + HOUR_MS, nowMs + HOUR_MS);
      continue;
    }
    const outcome = await refreshAtPlatform(ctx.adapterFor("instagram"), lease);
    const step = await ctx.tokens.complete(lease.accountId, lease.leaseId, outcome);
    if (step.kind === "token") renewed += 1;
    else next = Math.min(next ?? nowMs + HOUR_MS, nowMs + HOUR_MS);
  }
  if (next !== null) await ctx.timers.scheduleAtMost("token-upkeep", next);
  return renewed;
}
