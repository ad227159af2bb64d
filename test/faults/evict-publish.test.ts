// The fault matrix, evictions of a client's publish: the TenantObject is reset at each
// await of the publish, of its token refresh and of the outbox that writes it to D1
// (objects/tenant-object/fault-points.ts). The router repeats its call, as it does after a
// reset, and in every case nothing is lost, nothing is sent or written twice, and the
// answer and the post's status say what happened.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { FaultPointName } from "../../objects/tenant-object/fault-points";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { expiringAccount, publishBody, sandbox } from "../support/accounts";
import { clearFaults, resetAt } from "../support/faults";
import { call, json } from "../support/http";
import { tenantObjectOf } from "../support/objects";
import { expectSettled, type Outcome, publishingTenant, statusOf, uniqueText } from "../support/outcomes";

describe("fault matrix: a publish, the object reset at each await", () => {
  afterEach(clearFaults);

  it.each<{ point: FaultPointName; status: number; outcome: Outcome; sent: number }>([
    { point: "publish.begin", status: 201, outcome: "published", sent: 1 },
    // Recorded as calling: it may have gone out, so it is never sent again.
    { point: "publish.send", status: 202, outcome: "unknown", sent: 0 },
    { point: "publish.answered", status: 202, outcome: "unknown", sent: 1 },
    { point: "publish.recorded", status: 201, outcome: "published", sent: 1 },
  ])("reset at $point: answered $status, $outcome", async ({ point, status, outcome, sent }) => {
    const { tenant, key, account } = await publishingTenant();
    // Warm: the account and the tenant's settings are loaded, as on a busy object.
    expect((await call("/v1/posts", { token: key, body: publishBody(account) })).status).toBe(201);
    const text = uniqueText(point);
    const reset = await resetAt(tenant.tenantId, point);
    const res = await call("/v1/posts", { token: key, body: publishBody(account, { text }) });
    expect(reset.fired()).toBe(true);
    clearFaults();
    expect(res.status, await res.clone().text()).toBe(status);
    const { id } = await json<{ id: string }>(res);
    expect(await expectSettled(tenant.tenantId, key, account, id, text, outcome)).toBe(sent);
  });

  it.each<FaultPointName>(["outbox.write", "outbox.written"])(
    "reset at %s (the read barrier of a GET): D1 gets the post once",
    async (point) => {
      const { tenant, key, account } = await publishingTenant();
      const text = uniqueText(point);
      const res = await call("/v1/posts", { token: key, body: publishBody(account, { text }) });
      expect(res.status).toBe(201);
      const { id } = await json<{ id: string }>(res);
      const reset = await resetAt(tenant.tenantId, point);
      expect(await statusOf(key, id)).toBe("published");
      expect(reset.fired()).toBe(true);
      clearFaults();
      await expectSettled(tenant.tenantId, key, account, id, text, "published");
    },
  );

  // The token is refreshed by the router, which the object hands the lease to.
  it.each<{ point: FaultPointName; refreshes: number }>([
    // The lease goes with the object; the token still serves, the refresh comes later.
    { point: "refresh.lease", refreshes: 0 },
    { point: "refresh.answered", refreshes: 1 },
    { point: "refresh.stored", refreshes: 1 },
  ])("token refresh reset at $point: the post goes out once, no token is lost", async ({ point, refreshes }) => {
    const { tenant, key, account, user } = await expiringAccount();
    const text = uniqueText(point);
    const reset = await resetAt(tenant.tenantId, point);
    const res = await call("/v1/posts", { token: key, body: publishBody(account, { text }) });
    expect(reset.fired()).toBe(true);
    clearFaults();
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = await json<{ id: string }>(res);
    await expectSettled(tenant.tenantId, key, account, id, text, "published");
    expect((await sandbox("twitter").counters(user)).refresh ?? 0).toBe(refreshes);

    // The refreshed tokens were kept (X rotates the refresh token): the next refresh works.
    // As if a lease the reset left behind had run out (the object reads it afresh).
    await runInDurableObject(tenantObjectOf(tenant.tenantId), (_o: TenantObject, state) => {
      state.storage.sql.exec("UPDATE account_state SET lease_id = NULL, lease_expires_ms = NULL");
    });
    await evictDurableObject(tenantObjectOf(tenant.tenantId));
    await sandbox("twitter").expireAccessTokens(user);
    expect((await call("/v1/posts", { token: key, body: publishBody(account) })).status).toBe(201);
    expect((await sandbox("twitter").counters(user)).refresh).toBe(refreshes + 1);
  });
});
