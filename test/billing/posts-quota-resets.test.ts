// The monthly posts quota across resets of the TenantObject (the fault matrix's
// checkpoints, objects/tenant-object/fault-points.ts): a publish the router repeats
// after a reset, and scheduled posts whose alarm run is cut short and comes back, are
// each counted once, whatever became of them.
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { FaultPointName } from "../../objects/tenant-object/fault-points";
import { clearFaults, failD1After, resetAt } from "../support/faults";
import { json } from "../support/http";
import { makeDue, runTimersNow, tenantObjectOf } from "../support/objects";
import { expectQuotaProblem, publish, publisher, usage } from "./quota-support";

const inAnHour = (i: number) => new Date(Date.now() + 3_600_000 + i * 1000).toISOString();

describe("the monthly posts quota, the object reset", () => {
  afterEach(clearFaults);

  it.each<FaultPointName>(["publish.begin", "publish.send", "publish.answered", "publish.recorded"])(
    "a publish reset at %s and repeated by the router is counted once",
    async (point) => {
      const p = await publisher({ max_posts_per_month: 3 });
      // Warm: the account and the tenant's record are loaded, as on a busy object.
      expect((await publish(p)).status).toBe(201);
      const reset = await resetAt(p.tenant.tenantId, point);
      const res = await publish(p);
      expect(reset.fired()).toBe(true);
      clearFaults();
      // Published, or (sent before the reset) unknown: it may have gone out either way.
      expect([201, 202], await res.clone().text()).toContain(res.status);
      expect((await usage(p.tenant)).quotas.posts_per_month.used).toBe(2);
      expect((await publish(p)).status).toBe(201);
      await expectQuotaProblem(await publish(p), 429, "/problems/quota-posts-per-month");
    },
  );

  it.each<{ point: FaultPointName; hit: number }>([
    { point: "schedule.post", hit: 2 },
    { point: "publish.begin", hit: 1 },
    { point: "publish.answered", hit: 1 },
  ])("scheduled posts whose alarm run is reset at $point (hit $hit) are counted once", async ({ point, hit }) => {
    const p = await publisher({ max_posts_per_month: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await publish(p, { scheduled_at: inAnHour(i) });
      expect(res.status).toBe(202);
      ids.push((await json<{ id: string }>(res)).id);
    }
    for (const id of ids) await makeDue(p.tenant.tenantId, id);
    const reset = await resetAt(p.tenant.tenantId, point, hit);
    await expect(runTimersNow(p.tenant.tenantId, ["publish-due"])).rejects.toMatchObject({ durableObjectReset: true });
    expect(reset.fired()).toBe(true);
    clearFaults();
    // The runtime delivers the alarm again.
    expect(await runDurableObjectAlarm(tenantObjectOf(p.tenant.tenantId))).toBe(true);
    expect((await usage(p.tenant)).quotas.posts_per_month.used).toBe(2);
    await expectQuotaProblem(await publish(p), 429, "/problems/quota-posts-per-month");
  });

  it("a post for later whose schedule D1 refuses is not scheduled, and gives its place back", async () => {
    const p = await publisher({ max_posts_per_month: 1 });
    const d1 = await failD1After(p.tenant.tenantId, "publish.begin", { kind: "statement", index: 0 });
    const refused = await publish(p, { scheduled_at: inAnHour(0) });
    d1.restore();
    clearFaults();
    expect(d1.failed()).toBeGreaterThan(0);
    expect(refused.status, await refused.clone().text()).not.toBe(202);
    expect((await usage(p.tenant)).quotas.posts_per_month.used).toBe(0);
    expect((await publish(p, { scheduled_at: inAnHour(1) })).status).toBe(202);
    await expectQuotaProblem(await publish(p), 429, "/problems/quota-posts-per-month");
  });
});
