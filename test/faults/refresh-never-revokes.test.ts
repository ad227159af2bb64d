// Transient is never revoked (objects/publishing/account-tokens.ts, complete): only the
// platform's documented revocation answer to a refresh (the adapters' invalid_grant)
// marks an account revoked. A refresh that times out, answers 5xx or 429 (at the token
// endpoint, or Facebook's /me/accounts that re-derives the Page token) leaves the account
// active, its error counted; the publish is refused 503 with nothing sent. The
// per-platform error answers are the adapters' contract tests (test/contracts).
import { describe, expect, it } from "vitest";
import type { Platform } from "../../src/core/platforms/types";
import type { Endpoint, FaultKind } from "../../src/core/sandbox/store";
import { connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { createTenant } from "../support/tenants";

/** Past the platform deadline of the tests (PLATFORM_TIMEOUT_MS = 4000). */
const LATE = { ms: 6000 };
const TRANSIENT: { kind: FaultKind; params?: Record<string, unknown> }[] = [
  { kind: "error_500" },
  { kind: "rate_limit_429", params: { reset_seconds: 60 } },
  { kind: "hang", params: LATE },
];
/** Where each platform's refresh calls: its token endpoint; Facebook's also /me/accounts. */
const REFRESH_ENDPOINTS: [Platform, Endpoint][] = [
  ["linkedin", "refresh"],
  ["twitter", "refresh"],
  ["facebook", "refresh"],
  ["facebook", "pages"],
  ["instagram", "refresh"],
];

async function accountRow(tenantId: string, accountId: string) {
  return (await tenantDb(tenantId))
    .prepare("SELECT status, error_count FROM social_accounts WHERE account_id = ?")
    .bind(accountId)
    .first<{ status: string; error_count: number }>();
}

describe.concurrent("transient failures of a refresh never revoke the account", () => {
  it.each(
    REFRESH_ENDPOINTS.flatMap(([platform, endpoint]) => TRANSIENT.map((fault) => ({ platform, endpoint, fault }))),
  )(
    "$platform, $fault.kind at $endpoint: 503, nothing sent, the account stays active",
    async ({ platform, endpoint, fault }) => {
      const label = `${platform}, ${fault.kind} at ${endpoint}`;
      const tenant = await createTenant();
      const account = await connectAccount(tenant.ownerKey, platform);
      const user = sandboxUserOf(account);
      // The platform expired the token in use: the publish is refused 401, so a refresh follows.
      await sandbox(platform).expireAccessTokens(user);
      await sandbox(platform).addFault({ ...fault, endpoint, user_id: user });
      const res = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) });
      expect(res.status, `${label}: ${await res.clone().text()}`).toBe(503);
      expect((await json<{ type: string }>(res)).type, label).toBe("/problems/platform-unavailable");
      expect(await accountRow(tenant.tenantId, account.id), label).toEqual({ status: "active", error_count: 1 });
      // The first call was refused for its token, and nothing went out since.
      expect(await sandbox(platform).posts(user), label).toEqual([]);
    },
  );
});

describe.concurrent("the documented revocation answer does revoke", () => {
  it.each<Platform>(["linkedin", "twitter"])(
    "%s: a refresh answered invalid_grant marks it revoked (409)",
    async (platform) => {
      const tenant = await createTenant();
      const account = await connectAccount(tenant.ownerKey, platform);
      const user = sandboxUserOf(account);
      await sandbox(platform).expireAccessTokens(user);
      await sandbox(platform).addFault({ kind: "invalid_grant", endpoint: "refresh", user_id: user });
      const res = await call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account) });
      expect(res.status, await res.clone().text()).toBe(409);
      expect((await accountRow(tenant.tenantId, account.id))?.status).toBe("revoked");
    },
  );
});
