// The fault matrix, evictions of the alarm: the TenantObject is reset at each await of
// an alarm run (objects/tenant-object/fault-points.ts): firing scheduled posts, refreshing
// their token itself, writing posts to D1, flushing counters. The alarm comes back, as
// the runtime delivers it again, and in every case each post goes out at most once
// (exactly once when it says published), D1 holds each row once, and counters add up.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { FaultPointName } from "../../objects/tenant-object/fault-points";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import type { TenantTimer } from "../../objects/tenant-object/timers";
import { type ConnectedAccount, connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { ingest, publishedPosts } from "../support/analytics";
import { tenantDb } from "../support/databases";
import { clearFaults, resetAt } from "../support/faults";
import { call, json } from "../support/http";
import { makeDue, runTimersNow, tenantObjectOf } from "../support/objects";
import { expectSettled, type Outcome, publishingTenant, statusOf, uniqueText } from "../support/outcomes";
import { createKey, createTenant } from "../support/tenants";

/** Schedules three posts, all due now; their ids and texts. */
async function threeDue(tenantId: string, key: string, account: ConnectedAccount) {
  const texts = [uniqueText("first"), uniqueText("second"), uniqueText("third")];
  const ids: string[] = [];
  for (const [i, text] of texts.entries()) {
    const scheduledAt = new Date(Date.now() + 3_600_000 + i * 1000).toISOString();
    const res = await call("/v1/posts", {
      token: key,
      body: publishBody(account, { text, scheduled_at: scheduledAt }),
    });
    expect(res.status).toBe(202);
    ids.push((await json<{ id: string }>(res)).id);
  }
  for (const id of ids) await makeDue(tenantId, id);
  return { ids, texts };
}

/** Runs the alarm with `timer` due, reset at the armed point; then the alarm comes back. */
async function resetThenAlarmAgain(tenantId: string, timer: TenantTimer, reset: { fired(): boolean }): Promise<void> {
  await expect(runTimersNow(tenantId, [timer])).rejects.toMatchObject({ durableObjectReset: true });
  expect(reset.fired()).toBe(true);
  clearFaults();
  expect(await runDurableObjectAlarm(tenantObjectOf(tenantId))).toBe(true);
}

describe("fault matrix: the alarm, the object reset at each await", () => {
  afterEach(clearFaults);

  it.each<{ point: FaultPointName; hit: number; inFlight: Outcome }>([
    { point: "alarm.timer", hit: 1, inFlight: "published" },
    { point: "schedule.post", hit: 2, inFlight: "published" },
    { point: "publish.begin", hit: 2, inFlight: "published" },
    // Recorded as calling: it may have gone out, so it is never sent again.
    { point: "publish.send", hit: 2, inFlight: "unknown" },
    { point: "publish.answered", hit: 2, inFlight: "unknown" },
    { point: "publish.recorded", hit: 2, inFlight: "published" },
    { point: "outbox.write", hit: 1, inFlight: "published" },
    { point: "outbox.written", hit: 1, inFlight: "published" },
  ])(
    "scheduled posts, reset at $point (hit $hit): the post in flight is $inFlight, the others published",
    async ({ point, hit, inFlight }) => {
      const { tenant, key, account } = await publishingTenant();
      const { ids, texts } = await threeDue(tenant.tenantId, key, account);
      // The outbox writes from its own timer: the posts go out first, then it runs.
      const timer: TenantTimer = point.startsWith("outbox.") ? "record-pending" : "publish-due";
      if (timer === "record-pending") await runTimersNow(tenant.tenantId, ["publish-due"]);
      const reset = await resetAt(tenant.tenantId, point, hit);
      await resetThenAlarmAgain(tenant.tenantId, timer, reset);
      // The post in flight at the reset is the one whose outcome may be unknown.
      const statuses = await Promise.all(ids.map((id) => statusOf(key, id)));
      expect(statuses.toSorted()).toEqual(["published", "published", inFlight].toSorted());
      for (const [i, id] of ids.entries()) {
        await expectSettled(tenant.tenantId, key, account, id, texts[i] as string, statuses[i] as Outcome);
      }
    },
  );

  // Scheduled posts whose token the object refreshes itself (LinkedIn keeps its refresh tokens).
  it.each<{ point: FaultPointName; refreshes: number }>([
    { point: "refresh.lease", refreshes: 0 },
    { point: "refresh.answered", refreshes: 1 },
    { point: "refresh.stored", refreshes: 1 },
  ])("scheduled posts refreshing their token, reset at $point: each goes out once", async ({ point, refreshes }) => {
    const tenant = await createTenant();
    const { key } = await createKey(tenant.ownerKey, { scopes: ["publish", "read:posts"], rate_limit_per_hour: 1000 });
    // The token has a minute left when the posts fall due (an hour on): due for a refresh, still usable.
    const account = await connectAccount(tenant.ownerKey, "linkedin", { tokenTtlSeconds: 3_660 });
    const user = sandboxUserOf(account);
    await sandbox("linkedin").setTokenTtl(user, null);
    const { ids, texts } = await threeDue(tenant.tenantId, key, account);
    const reset = await resetAt(tenant.tenantId, point);
    await resetThenAlarmAgain(tenant.tenantId, "publish-due", reset);
    for (const [i, id] of ids.entries())
      await expectSettled(tenant.tenantId, key, account, id, texts[i] as string, "published");
    expect((await sandbox("linkedin").counters(user)).refresh ?? 0).toBe(refreshes);
    // Nothing of the account was lost: once the reset's lease has run out, a refresh works.
    await runInDurableObject(tenantObjectOf(tenant.tenantId), (_o: TenantObject, state) => {
      state.storage.sql.exec("UPDATE account_state SET lease_id = NULL, lease_expires_ms = NULL");
    });
    await evictDurableObject(tenantObjectOf(tenant.tenantId));
    await sandbox("linkedin").expireAccessTokens(user);
    expect((await call("/v1/posts", { token: key, body: publishBody(account) })).status).toBe(201);
    expect((await sandbox("linkedin").counters(user)).refresh).toBe(refreshes + 1);
  });

  it.each<FaultPointName>(["flush.write", "flush.written"])(
    "analytics flush, reset at %s: D1 holds exactly the sums applied",
    async (point) => {
      const world = await publishedPosts(4);
      const events = world.posts.flatMap((post, i) => [
        { post_id: post, type: "delta", metrics: { likes: i + 1, impressions: 100 * (i + 1) } },
        { post_id: post, type: "delta", metrics: { likes: 2, clicks: i } },
      ]);
      expect((await ingest(world.key, events)).status).toBe(200);
      const reset = await resetAt(world.tenant.tenantId, point);
      await resetThenAlarmAgain(world.tenant.tenantId, "flush-analytics", reset);
      const { results } = await (await tenantDb(world.tenant.tenantId))
        .prepare("SELECT post_id, likes, clicks, impressions FROM post_analytics WHERE tenant_id = ? ORDER BY post_id")
        .bind(world.tenant.tenantId)
        .all<{ post_id: string; likes: number; clicks: number; impressions: number }>();
      const expected = world.posts.map((post, i) => ({
        post_id: post,
        likes: i + 3,
        clicks: i,
        impressions: 100 * (i + 1),
      }));
      expect(results).toEqual(expected.toSorted((a, b) => a.post_id.localeCompare(b.post_id)));
    },
  );
});
