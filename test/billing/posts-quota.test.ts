// The plan's posts a month (docs/billing.md, Tiers and quotas), enforced by the
// TenantObject at admission: exact under a burst, counted in the calendar month of the
// object's clock, given back when a post ends without going out, kept when it may have.
import { describe, expect, it } from "vitest";
import { nextMonthStartMs } from "../../src/core/billing/quotas";
import { connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { advanceObjectClock, makeDue, objectNow, recordsInD1, runTimersNow } from "../support/objects";
import { expectQuotaProblem, operatorSets, publish, publisher, usage } from "./quota-support";

const QUOTA_TYPE = "/problems/quota-posts-per-month";
const inADay = () => new Date(Date.now() + 86_400_000).toISOString();

describe("the monthly posts quota", () => {
  it("admits exactly the 50 posts left to 200 concurrent publishes; the 150 others get the quota's problem", async () => {
    const p = await publisher({ max_posts_per_month: 60 });
    const user = sandboxUserOf(p.account);
    for (let i = 0; i < 10; i++) expect((await publish(p)).status, `earlier post ${i}`).toBe(201);
    expect((await usage(p.tenant)).quotas.posts_per_month).toMatchObject({ limit: 60, used: 10, remaining: 50 });

    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => publish(p, { text: `Burst ${i}` })));
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
    const resetsAt = new Date(nextMonthStartMs(await objectNow(p.tenant.tenantId))).toISOString();
    const refused = answers.filter((res) => res.status === 429);
    expect(refused).toHaveLength(150);
    for (const [i, res] of refused.entries()) {
      const retryAfter = Number(res.headers.get("Retry-After"));
      const problem = await expectQuotaProblem(res, 429, QUOTA_TYPE, `refusal ${i}`);
      expect(problem, `refusal ${i}`).toMatchObject({
        quota: "posts_per_month",
        limit: 60,
        used: 60,
        resets_at: resetsAt,
      });
      expect(retryAfter, `refusal ${i}: Retry-After`).toBeGreaterThan(0);
      expect(retryAfter, `refusal ${i}: Retry-After`).toBeLessThanOrEqual(31 * 86_400);
    }
    // The platform received exactly the 10 and the 50.
    expect((await sandbox("linkedin").counters(user)).publish).toBe(60);
    expect(await sandbox("linkedin").posts(user)).toHaveLength(60);
    expect((await usage(p.tenant)).quotas.posts_per_month).toMatchObject({ limit: 60, used: 60, remaining: 0 });
    // Each refusal is audited, as the window's are.
    const audited = await (await tenantDb(p.tenant.tenantId))
      .prepare(
        "SELECT COUNT(*) AS n FROM audit_logs WHERE tenant_id = ? AND success = 0 AND error_message LIKE '429:%'",
      )
      .bind(p.tenant.tenantId)
      .first<{ n: number }>();
    expect(audited?.n).toBe(150);
  });

  it("counts scheduled posts when they are scheduled; a cancelled one gives its place back, once", async () => {
    const p = await publisher({ max_posts_per_month: 3 });
    const schedule = async (text: string) => {
      const res = await publish(p, { text, scheduled_at: inADay() });
      expect(res.status, await res.clone().text()).toBe(202);
      return (await json<{ id: string }>(res)).id;
    };
    const kept = await schedule("Kept for tomorrow");
    const dropped = await schedule("Cancelled");
    expect((await publish(p, { text: "Now" })).status).toBe(201);
    const over = await expectQuotaProblem(await publish(p), 429, QUOTA_TYPE);
    expect(over).toMatchObject({ limit: 3, used: 3 });
    // A scheduled post over the quota is refused too.
    await expectQuotaProblem(await publish(p, { scheduled_at: inADay() }), 429, QUOTA_TYPE);

    const cancelled = await call(`/v1/posts/${dropped}`, { method: "DELETE", token: p.tenant.ownerKey });
    expect(cancelled.status, await cancelled.clone().text()).toBe(200);
    expect((await usage(p.tenant)).quotas.posts_per_month.used).toBe(2);
    // Cancelled again: refused, and nothing more comes back.
    expect((await call(`/v1/posts/${dropped}`, { method: "DELETE", token: p.tenant.ownerKey })).status).toBe(409);
    expect((await usage(p.tenant)).quotas.posts_per_month.used).toBe(2);
    expect((await publish(p, { text: "In the place given back" })).status).toBe(201);
    await expectQuotaProblem(await publish(p), 429, QUOTA_TYPE);

    // The kept one fires on the alarm, counted when it was scheduled, not again.
    await makeDue(p.tenant.tenantId, kept);
    await runTimersNow(p.tenant.tenantId, ["publish-due"]);
    const fired = await json<{ status: string }>(await call(`/v1/posts/${kept}`, { token: p.tenant.ownerKey }));
    expect(fired.status).toBe("published");
    expect((await usage(p.tenant)).quotas.posts_per_month.used).toBe(3);
    const sent = (await sandbox("linkedin").posts(sandboxUserOf(p.account))).map((post) => post.text);
    expect(sent.sort()).toEqual(["In the place given back", "Kept for tomorrow", "Now"]);
  });

  it("starts again when the object's clock reaches the next calendar month (UTC)", async () => {
    const p = await publisher({ max_posts_per_month: 2 });
    expect((await publish(p)).status).toBe(201);
    expect((await publish(p)).status).toBe(201);
    const first = await usage(p.tenant);
    const over = await expectQuotaProblem(await publish(p), 429, QUOTA_TYPE);
    expect(over.resets_at).toBe(first.quotas.posts_per_month.resets_at);
    const resetsAt = Date.parse(over.resets_at as string);
    expect(new Date(resetsAt).getUTCDate()).toBe(1);
    expect(resetsAt % 86_400_000).toBe(0);

    // Half a minute before the month ends (the object's clock runs on from there): still refused.
    await advanceObjectClock(p.tenant.tenantId, resetsAt - 30_000);
    await expectQuotaProblem(await publish(p), 429, QUOTA_TYPE);
    // The next month: the quota starts again.
    await advanceObjectClock(p.tenant.tenantId, resetsAt);
    const next = await usage(p.tenant);
    expect(next.month).not.toBe(first.month);
    expect(next.quotas.posts_per_month).toMatchObject({ used: 0, remaining: 2 });
    expect((await publish(p)).status).toBe(201);
    expect((await publish(p)).status).toBe(201);
    const again = await expectQuotaProblem(await publish(p), 429, QUOTA_TYPE);
    expect(again).toMatchObject({ used: 2, resets_at: new Date(nextMonthStartMs(resetsAt)).toISOString() });
  });

  it("gives a place back for a post refused before it reached the platform, keeps it for an unknown outcome", async () => {
    const p = await publisher({ max_posts_per_month: 10 });
    const user = sandboxUserOf(p.account);
    // Each fault is taken by the one call it fails.
    // The image's upload fails: the post itself never reached the platform.
    await sandbox("linkedin").addFault({ kind: "error_500", endpoint: "media", user_id: user });
    expect((await publish(p, { image_url: "https://cdn.example.com/quota.jpg" })).status).toBe(503);
    expect((await usage(p.tenant)).quotas.posts_per_month.used).toBe(0);
    // Sent, with no answer in time (the platform deadline is 4 s in tests): it may have gone out.
    await sandbox("linkedin").addFault({ kind: "hang", endpoint: "publish", user_id: user, params: { ms: 6000 } });
    expect((await publish(p)).status).toBe(202);
    expect((await usage(p.tenant)).quotas.posts_per_month.used).toBe(1);
  });

  it("gives a place back for a post the platform failed for good (a reel whose processing failed)", async () => {
    const p = await publisher({ max_posts_per_month: 10 });
    const reels = await connectAccount(p.tenant.ownerKey, "instagram");
    const user = sandboxUserOf(reels);
    await sandbox("instagram").addFault({ kind: "container_error", endpoint: "media", user_id: user });
    const res = await call("/v1/posts", {
      token: p.key,
      body: { account_id: reels.id, text: "A reel", video_url: "https://cdn.example.com/r.mp4" },
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = await json<{ id: string }>(res);
    expect((await usage(p.tenant)).quotas.posts_per_month.used).toBe(1);
    await sandbox("instagram").advanceClock(60_000);
    await runTimersNow(p.tenant.tenantId, ["media-containers"]);
    await recordsInD1(p.tenant.tenantId);
    const post = await json<{ status: string }>(await call(`/v1/posts/${id}`, { token: p.tenant.ownerKey }));
    expect(post.status).toBe("failed");
    expect((await usage(p.tenant)).quotas.posts_per_month.used).toBe(0);
  });

  it("follows the operator's override and tier at once (PATCH /v1/admin/tenants/{id}), lowered or raised", async () => {
    const p = await publisher({}, "free");
    const start = await usage(p.tenant);
    expect(start.tier).toBe("free");
    expect(start.quotas.posts_per_month).toMatchObject({ limit: 100, used: 0, overridden: false });

    await operatorSets(p.tenant.tenantId, { settings: { max_posts_per_month: 1 } });
    expect((await publish(p)).status).toBe(201);
    const lowered = await expectQuotaProblem(await publish(p), 429, QUOTA_TYPE);
    expect(lowered).toMatchObject({ limit: 1, used: 1 });
    expect((await usage(p.tenant)).quotas.posts_per_month).toMatchObject({ limit: 1, overridden: true });

    await operatorSets(p.tenant.tenantId, { settings: { max_posts_per_month: 2 } });
    expect((await publish(p)).status).toBe(201);
    await expectQuotaProblem(await publish(p), 429, QUOTA_TYPE);

    // No override: the tier's default, the enterprise plan's.
    await operatorSets(p.tenant.tenantId, { tier: "enterprise", settings: { max_posts_per_month: null } });
    expect((await publish(p)).status).toBe(201);
    const enterprise = await usage(p.tenant);
    expect(enterprise.tier).toBe("enterprise");
    expect(enterprise.quotas.posts_per_month).toMatchObject({ limit: 50_000, used: 3, overridden: false });
  });

  it("counts nothing for a refused or replayed request", async () => {
    const p = await publisher({ max_posts_per_month: 2 });
    const body = publishBody(p.account, { text: "Once" });
    const headers = { "Idempotency-Key": `quota-${crypto.randomUUID()}` };
    const first = await call("/v1/posts", { token: p.key, body, headers });
    expect(first.status).toBe(201);
    const replay = await call("/v1/posts", { token: p.key, body, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    // Breaks the platform's rules: refused before admission.
    expect((await publish(p, { text: "" })).status).toBe(400);
    expect((await usage(p.tenant)).quotas.posts_per_month.used).toBe(1);
  });
});
