// The fault matrix, the platform failing: answering 5xx, 429, or too late (the sandbox's
// "hang" outlasts the platform deadline, 4 s in tests) at publish, at token refresh and
// at insight pulls. Nothing is lost, nothing is sent or counted twice, and the outcome
// is reported: the publish's answer, the post's status, the account's state, the
// analytics sync errors. Each case has its own tenant and sandbox user, so they run
// side by side (the slow ones wait out the deadline together).
import { describe, expect, it } from "vitest";
import type { FaultKind } from "../../src/core/sandbox/store";
import { publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { age, figures, publishedPosts, pullNow, syncErrors } from "../support/analytics";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { passObjectTime } from "../support/object-time";
import { runTimersNow } from "../support/objects";
import { expectSettled, publishingTenant, received, uniqueText } from "../support/outcomes";

/** Past the platform deadline of the tests (PLATFORM_TIMEOUT_MS = 4000). */
const LATE = { ms: 6000 };

type PlatformFault = { kind: FaultKind; params?: Record<string, unknown> };
const FAULTS: (PlatformFault & { name: string })[] = [
  { name: "5xx", kind: "error_500" },
  // A reset a second away, so the client's retry after it is quick.
  { name: "429", kind: "rate_limit_429", params: { reset_seconds: 1 } },
  { name: "timeout", kind: "hang", params: LATE },
];

/** How many publish_requests rows D1 holds for posts of this text. */
async function requestRows(tenantId: string, text: string): Promise<number> {
  const row = await (await tenantDb(tenantId))
    .prepare("SELECT COUNT(*) AS n FROM publish_requests WHERE tenant_id = ? AND instr(text, ?) > 0")
    .bind(tenantId, text)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe.concurrent("fault matrix: the platform failing at publish", () => {
  it.each([
    // A 5xx of the post's creation may follow the post's creation: unknown, and reconciled.
    { ...(FAULTS[0] as PlatformFault), status: 202, type: null },
    { ...(FAULTS[1] as PlatformFault), status: 429, type: "/problems/rate-limited" },
    { ...(FAULTS[2] as PlatformFault), status: 202, type: null },
  ])("$kind: answered $status", async ({ kind, params, status, type }) => {
    const { tenant, key, account } = await publishingTenant();
    const text = uniqueText(kind);
    await sandbox("linkedin").addFault({ kind, endpoint: "publish", user_id: sandboxUserOf(account), params });
    const res = await call("/v1/posts", { token: key, body: publishBody(account, { text }) });
    expect(res.status, await res.clone().text()).toBe(status);

    if (type === null) {
      // It may have gone out (too late: it did; a 500: it did not), so it is reported
      // unknown, never sent blindly: the reconciliation asks the platform first, then
      // marks it published or sends it once (test/faults/reconcile.test.ts).
      const { id } = await json<{ id: string }>(res);
      expect(await expectSettled(tenant.tenantId, key, account, id, text, "unknown")).toBe(kind === "hang" ? 1 : 0);
      await runTimersNow(tenant.tenantId);
      expect(await received(account, text)).toBe(1);
      return;
    }
    // Refused: nothing went out and nothing was recorded; the client is told when to retry.
    expect((await json<{ type: string }>(res)).type).toBe(type);
    const retryAfter = Number(res.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(await received(account, text)).toBe(0);
    expect(await requestRows(tenant.tenantId, text)).toBe(0);
    // The platform's window is honoured before the retry (a 503 may be retried at once):
    // the tenant's object, which keeps it, sees its time pass.
    if (status === 429) await passObjectTime(tenant.tenantId, retryAfter * 1000);
    const again = await call("/v1/posts", { token: key, body: publishBody(account, { text }) });
    expect(again.status, await again.clone().text()).toBe(201);
    await expectSettled(tenant.tenantId, key, account, (await json<{ id: string }>(again)).id, text, "published");
    expect(await requestRows(tenant.tenantId, text)).toBe(1);
  });
});

describe.concurrent("fault matrix: the platform failing at token refresh", () => {
  it.each(FAULTS)(
    "$name: 503, nothing published, the account stays active; after the backoff the post goes out once",
    async ({ kind, params }) => {
      const { tenant, key, account } = await publishingTenant();
      const user = sandboxUserOf(account);
      // The platform has expired the token: the publish needs a refresh.
      await sandbox("linkedin").expireAccessTokens(user);
      await sandbox("linkedin").addFault({ kind, endpoint: "refresh", user_id: user, params });
      const text = uniqueText(kind);
      const res = await call("/v1/posts", { token: key, body: publishBody(account, { text }) });
      expect(res.status, await res.clone().text()).toBe(503);
      expect((await json<{ type: string }>(res)).type).toBe("/problems/platform-unavailable");
      expect(await received(account, text)).toBe(0);
      expect(await requestRows(tenant.tenantId, text)).toBe(0);
      const row = await (await tenantDb(tenant.tenantId))
        .prepare("SELECT status, error_count FROM social_accounts WHERE account_id = ?")
        .bind(account.id)
        .first();
      expect(row).toEqual({ status: "active", error_count: 1 });

      // The backoff passes on the tenant's object's clock, which keeps it.
      await passObjectTime(tenant.tenantId, Number(res.headers.get("Retry-After")) * 1000);
      const again = await call("/v1/posts", { token: key, body: publishBody(account, { text }) });
      expect(again.status, await again.clone().text()).toBe(201);
      await expectSettled(tenant.tenantId, key, account, (await json<{ id: string }>(again)).id, text, "published");
      expect((await sandbox("linkedin").counters(user)).refresh).toBe(2);
    },
  );
});

describe.concurrent("fault matrix: the platform failing at insight pulls", () => {
  it.each([
    { ...(FAULTS[0] as PlatformFault), errorType: "api_error" },
    { ...(FAULTS[1] as PlatformFault), errorType: "rate_limit" },
    { ...(FAULTS[2] as PlatformFault), errorType: "network_error" },
  ])(
    "$kind: a $errorType sync error, nothing counted; the next pull resolves it, counted once",
    async ({ kind, params, errorType }) => {
      const world = await publishedPosts(1, "linkedin");
      const tenantId = world.tenant.tenantId;
      const [post] = world.posts as [string];
      const d1Row = async () =>
        (await tenantDb(tenantId))
          .prepare("SELECT impressions, likes, sync_count FROM post_analytics WHERE post_id = ?")
          .bind(post)
          .first();
      await age(world.account, 30);
      await sandbox("linkedin").addFault({ kind, endpoint: "insights", user_id: sandboxUserOf(world.account), params });

      await pullNow(tenantId);
      expect(await syncErrors(tenantId, post)).toEqual([
        expect.objectContaining({ error_type: errorType, resolved_at: null }),
      ]);
      expect((await figures(world.key, post)).impressions).toBe(0);
      await runTimersNow(tenantId, ["flush-analytics"]);
      expect(await d1Row()).toEqual({ impressions: 0, likes: 0, sync_count: 1 });

      await pullNow(tenantId);
      const errors = await syncErrors(tenantId, post);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.resolved_at).not.toBeNull();
      const live = await figures(world.key, post);
      expect(live.impressions).toBeGreaterThan(0);
      await runTimersNow(tenantId, ["flush-analytics"]);
      // D1 has what the object counts, and the pull counted once.
      expect(await d1Row()).toEqual({ impressions: live.impressions, likes: live.likes, sync_count: 2 });
    },
  );
});
