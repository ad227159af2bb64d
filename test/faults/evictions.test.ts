// The fault matrix, evictions: the TenantObject is reset at each await of a publish,
// of a token refresh and of the alarm (objects/parts/fault-points.ts). In every case
// nothing is lost, nothing is sent or written twice, and the outcome is reported: the
// publish's HTTP answer, the post's status, the sandbox's own count of what it got.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { FaultPointName } from "../../objects/parts/fault-points";
import type { TenantObject } from "../../objects/tenant-object";
import {
  type ConnectedAccount,
  connectAccount,
  expiringAccount,
  publishBody,
  sandbox,
  sandboxUserOf,
} from "../support/accounts";
import { clearFaults, resetAt } from "../support/faults";
import { call, json } from "../support/http";
import { makeDue, runTimersNow, tenantObjectOf } from "../support/objects";
import { d1Counts } from "../support/post-records";
import { createKey, createTenant } from "../support/tenants";

type Outcome = "published" | "unknown";

/** How often the sandbox received a post with this text. */
async function received(account: ConnectedAccount, text: string): Promise<number> {
  return (await sandbox(account.platform).posts(sandboxUserOf(account))).filter((post) => post.text.includes(text))
    .length;
}

async function statusOf(key: string, id: string): Promise<string> {
  const res = await call(`/v1/posts/${id}`, { token: key });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await json<{ status: string }>(res)).status;
}

/** The post's final state everywhere: its status, D1's rows, what the sandbox got. */
async function expectSettled(key: string, account: ConnectedAccount, id: string, text: string, outcome: Outcome) {
  expect(await statusOf(key, id)).toBe(outcome);
  const published = outcome === "published" ? 1 : 0;
  expect(await d1Counts([id])).toEqual({ requests: 1, posts: published, analytics: published, audits: 1 });
  // Published: the platform has it exactly once. Unknown: at most once, never again.
  const got = await received(account, text);
  if (outcome === "published") expect(got).toBe(1);
  else expect(got).toBeLessThanOrEqual(1);
  return got;
}

async function publishingTenant() {
  const tenant = await createTenant();
  const { key } = await createKey(tenant.ownerKey, { scopes: ["publish", "read:posts"], rate_limit_per_hour: 10_000 });
  const account = await connectAccount(tenant.ownerKey, "linkedin");
  return { tenant, key, account };
}

const text = (label: string) => `${label} ${crypto.randomUUID()}`;

describe("fault matrix: the object reset at each await", () => {
  afterEach(clearFaults);

  // A client's publish: the router repeats its call after the reset (on a new stub).
  it.each<{ point: FaultPointName; status: number; outcome: Outcome; sent: number }>([
    { point: "publish.begin", status: 201, outcome: "published", sent: 1 },
    // Recorded as calling: it may have gone out, so it is never sent again.
    { point: "publish.send", status: 202, outcome: "unknown", sent: 0 },
    { point: "publish.answered", status: 202, outcome: "unknown", sent: 1 },
    { point: "publish.recorded", status: 201, outcome: "published", sent: 1 },
  ])("publish, reset at $point: answered $status, $outcome", async ({ point, status, outcome, sent }) => {
    const { tenant, key, account } = await publishingTenant();
    const body = publishBody(account, { text: text(point) });
    // Warm: the account and tenant are loaded, so the publish goes straight through.
    expect((await call("/v1/posts", { token: key, body: publishBody(account) })).status).toBe(201);
    const reset = await resetAt(tenant.tenantId, point);
    const res = await call("/v1/posts", { token: key, body });
    expect(reset.fired()).toBe(true);
    clearFaults();
    expect(res.status, await res.clone().text()).toBe(status);
    const { id } = await json<{ id: string }>(res);
    expect(await expectSettled(key, account, id, body.text as string, outcome)).toBe(sent);
  });

  // The outbox writing an answered post to D1, from the read barrier of a GET.
  it.each<FaultPointName>(["outbox.write", "outbox.written"])(
    "publish outbox, reset at %s: the post reaches D1 once",
    async (point) => {
      const { tenant, key, account } = await publishingTenant();
      const body = publishBody(account, { text: text(point) });
      const res = await call("/v1/posts", { token: key, body });
      expect(res.status).toBe(201);
      const { id } = await json<{ id: string }>(res);
      const reset = await resetAt(tenant.tenantId, point);
      expect(await statusOf(key, id)).toBe("published");
      expect(reset.fired()).toBe(true);
      clearFaults();
      await expectSettled(key, account, id, body.text as string, "published");
    },
  );

  // A refresh the router performs (the object hands it the lease).
  it.each<{ point: FaultPointName; refreshes: number }>([
    // The lease is lost with the object; the token still serves, the refresh comes later.
    { point: "refresh.lease", refreshes: 0 },
    { point: "refresh.answered", refreshes: 1 },
    { point: "refresh.stored", refreshes: 1 },
  ])("token refresh, reset at $point: the post goes out once, no token is lost", async ({ point, refreshes }) => {
    const { tenant, key, account, user } = await expiringAccount();
    const body = publishBody(account, { text: text(point) });
    const reset = await resetAt(tenant.tenantId, point);
    const res = await call("/v1/posts", { token: key, body });
    expect(reset.fired()).toBe(true);
    clearFaults();
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = await json<{ id: string }>(res);
    await expectSettled(key, account, id, body.text as string, "published");
    expect((await sandbox("twitter").counters(user)).refresh ?? 0).toBe(refreshes);
    // The tokens the refresh brought were kept (X rotates the refresh token): the next works.
    // As if a lease the reset left behind had run out (the object reads it afresh).
    await runInDurableObject(tenantObjectOf(tenant.tenantId), (_o: TenantObject, state) => {
      state.storage.sql.exec("UPDATE account_state SET lease_id = NULL, lease_expires_ms = NULL");
    });
    await evictDurableObject(tenantObjectOf(tenant.tenantId));
    await sandbox("twitter").expireAccessTokens(user);
    expect((await call("/v1/posts", { token: key, body: publishBody(account) })).status).toBe(201);
    expect((await sandbox("twitter").counters(user)).refresh).toBe(refreshes + 1);
  });

  // The alarm firing three due scheduled posts; it comes back after the reset.
  it.each<{ point: FaultPointName; hit: number; second: Outcome }>([
    { point: "alarm.timer", hit: 1, second: "published" },
    { point: "schedule.post", hit: 2, second: "published" },
    { point: "publish.begin", hit: 2, second: "published" },
    { point: "publish.send", hit: 2, second: "unknown" },
    { point: "publish.answered", hit: 2, second: "unknown" },
    { point: "publish.recorded", hit: 2, second: "published" },
  ])(
    "alarm, reset at $point (hit $hit): the post in flight is $second, the others published",
    async ({ point, hit, second }) => {
      const { tenant, key, account } = await publishingTenant();
      const texts = [text("first"), text("second"), text("third")];
      const ids: string[] = [];
      for (const [i, label] of texts.entries()) {
        const scheduledAt = new Date(Date.now() + 3_600_000 + i * 1000).toISOString();
        const res = await call("/v1/posts", {
          token: key,
          body: publishBody(account, { text: label, scheduled_at: scheduledAt }),
        });
        expect(res.status).toBe(202);
        ids.push((await json<{ id: string }>(res)).id);
      }
      for (const id of ids) await makeDue(tenant.tenantId, id);
      const reset = await resetAt(tenant.tenantId, point, hit);
      await expect(runTimersNow(tenant.tenantId, ["publish-due"])).rejects.toMatchObject({ durableObjectReset: true });
      expect(reset.fired()).toBe(true);
      clearFaults();
      expect(await runDurableObjectAlarm(tenantObjectOf(tenant.tenantId))).toBe(true);
      // The post in flight at the reset (the second fired) is the one whose outcome may be unknown.
      const statuses = await Promise.all(ids.map((id) => statusOf(key, id)));
      expect(statuses.toSorted()).toEqual(["published", "published", second].toSorted());
      for (const [i, id] of ids.entries()) {
        await expectSettled(key, account, id, texts[i] as string, statuses[i] as Outcome);
      }
    },
  );
});
