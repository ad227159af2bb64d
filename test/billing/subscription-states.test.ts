// Subscription states take effect (docs/billing.md, Stripe and subscription states):
// past_due publishes through its grace (7 days from the first failed payment, on the
// tenant's object's clock) and is then refused publishing and new schedules with 402
// while everything else goes on; canceled makes the tenant read-only. A post that comes
// due meanwhile is held (subscription_past_due, subscription_canceled), never sent and
// never lost, and released as a suspended tenant's are once the subscription allows it.
// Every refusal is audited. Time passes on the object's clock, never the machine's.
import { describe, expect, it } from "vitest";
import { type ConnectedAccount, connectAccount, publishBody, sandbox, sandboxUserOf } from "../support/accounts";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { advanceObjectClock, objectNow, runAlarmNow } from "../support/objects";
import { createTenant, login, type TestTenant } from "../support/tenants";
import { delivered, invoiceEvent, nowSeconds, PRICES, subscriptionEvent, withCustomer } from "./stripe";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

interface Post {
  id: string;
  status: string;
  text: string;
  held_reason: string | null;
}

interface Problem {
  type: string;
  status: number;
  detail: string;
  subscription_status?: string;
  past_due_since?: string | null;
  grace_ends_at?: string | null;
  refused?: string;
  held_reason?: string | null;
}

async function sentTexts(account: ConnectedAccount): Promise<string[]> {
  return (await sandbox(account.platform).posts(sandboxUserOf(account))).map((post) => post.text);
}

function publish(tenant: TestTenant, account: ConnectedAccount, extra: Record<string, unknown> = {}) {
  return call("/v1/posts", { token: tenant.ownerKey, body: publishBody(account, extra) });
}

/** A post for `atMs` (on the router's clock), answered 202. */
async function schedule(tenant: TestTenant, account: ConnectedAccount, atMs: number): Promise<Post> {
  const res = await publish(tenant, account, { scheduled_at: new Date(atMs).toISOString() });
  expect(res.status, await res.clone().text()).toBe(202);
  return json<Post>(res);
}

async function readPost(tenant: TestTenant, id: string): Promise<Post> {
  const res = await call(`/v1/posts/${id}`, { token: tenant.ownerKey });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Post>(res);
}

function release(tenant: TestTenant, id: string, atMs: number): Promise<Response> {
  return call(`/v1/posts/${id}/release`, {
    token: tenant.ownerKey,
    body: { scheduled_at: new Date(atMs).toISOString() },
  });
}

async function paymentRequired(res: Response, label: string): Promise<Problem> {
  expect(res.status, `${label}: ${await res.clone().text()}`).toBe(402);
  expect(res.headers.get("Content-Type"), label).toBe("application/problem+json");
  const problem = await json<Problem>(res);
  expect(problem.type, label).toBe("/problems/payment-required");
  return problem;
}

/** The tenant's refused (success = 0) audit rows of `action` answered 402. */
async function refusals(tenantId: string, action: string): Promise<number> {
  const row = await (await tenantDb(tenantId))
    .prepare(
      "SELECT COUNT(*) AS n FROM audit_logs WHERE tenant_id = ? AND action = ? AND success = 0 AND error_message LIKE '402:%'",
    )
    .bind(tenantId, action)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function holdReasons(tenantId: string, postId: string): Promise<string[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare("SELECT metadata FROM audit_logs WHERE tenant_id = ? AND action = 'post.hold' AND resource_id = ?")
    .bind(tenantId, postId)
    .all<{ metadata: string }>();
  return results.map((r) => (JSON.parse(r.metadata) as { reason: string }).reason);
}

describe("past_due", () => {
  it("publishes through its grace; after it, publishing and new schedules are 402 while reads and other writes go on, and a due post is held until paid", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const customer = await withCustomer(tenant.tenantId);
    const startMs = await objectNow(tenant.tenantId);
    // The first payment failed a day ago (Stripe's `created`): six days of grace remain.
    const failedAt = Math.floor(startMs / 1000) - 86_400;
    await delivered(invoiceEvent("payment_failed", customer, failedAt));
    const graceEndsMs = failedAt * 1000 + 7 * DAY_MS;

    const within = await publish(tenant, account);
    expect(within.status, await within.clone().text()).toBe(201);
    const due = await schedule(tenant, account, Date.now() + 10 * DAY_MS);

    // The object's clock passes the grace's end by a minute: publishing stops.
    await advanceObjectClock(tenant.tenantId, graceEndsMs + 60_000);
    const sentBefore = await sentTexts(account);
    const refused = await paymentRequired(await publish(tenant, account), "publish now");
    expect(refused).toMatchObject({
      subscription_status: "past_due",
      past_due_since: new Date(failedAt * 1000).toISOString(),
      grace_ends_at: new Date(graceEndsMs).toISOString(),
      refused: "publishing",
    });
    await paymentRequired(
      await publish(tenant, account, { scheduled_at: new Date(Date.now() + 20 * DAY_MS).toISOString() }),
      "schedule",
    );
    expect(await sentTexts(account)).toEqual(sentBefore);
    expect(await refusals(tenant.tenantId, "post.publish")).toBe(2);
    // Reads, and writes that publish nothing, go on.
    expect((await call("/v1/posts", { token: tenant.ownerKey })).status).toBe(200);
    expect((await call("/v1/tenant", { token: tenant.ownerKey })).status).toBe(200);
    const renamed = await call("/v1/tenant", {
      method: "PATCH",
      token: tenant.ownerKey,
      body: { name: "Late Payer Ltd" },
    });
    expect(renamed.status, await renamed.clone().text()).toBe(200);

    // The scheduled post comes due: held, not sent; a release is refused while past_due.
    await advanceObjectClock(tenant.tenantId, Date.now() + 10 * DAY_MS + 60_000);
    await runAlarmNow(tenant.tenantId);
    expect(await sentTexts(account)).toEqual(sentBefore);
    expect(await readPost(tenant, due.id)).toMatchObject({ status: "held", held_reason: "subscription_past_due" });
    expect(await holdReasons(tenant.tenantId, due.id)).toEqual(["subscription_past_due"]);
    await paymentRequired(await release(tenant, due.id, Date.now() + HOUR_MS), "release while past_due");
    expect(await refusals(tenant.tenantId, "post.release")).toBe(1);

    // Paid: publishing comes back, and the held post goes out once released.
    await delivered(invoiceEvent("paid", customer, failedAt + 10 * 86_400));
    expect((await publish(tenant, account)).status).toBe(201);
    const released = await release(tenant, due.id, Date.now() + HOUR_MS);
    expect(released.status, await released.clone().text()).toBe(200);
    await advanceObjectClock(tenant.tenantId, Date.now() + 12 * DAY_MS);
    await runAlarmNow(tenant.tenantId);
    expect((await readPost(tenant, due.id)).status).toBe("published");
    expect((await sentTexts(account)).filter((text) => text === due.text)).toHaveLength(1);
  });

  it("with the operator's grace of 0 days, publishing stops at the first failed payment", async () => {
    const tenant = await createTenant({ settings: { past_due_grace_days: 0 } });
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const customer = await withCustomer(tenant.tenantId);
    await delivered(invoiceEvent("payment_failed", customer, Math.floor((await objectNow(tenant.tenantId)) / 1000)));
    await paymentRequired(await publish(tenant, account), "grace 0");
  });
});

describe("canceled", () => {
  it("is read-only: every write 402 and audited (sign-out aside), reads go on; its due posts are held, never sent, and released once active again", async () => {
    const tenant = await createTenant();
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const customer = await withCustomer(tenant.tenantId);
    const session = await login(tenant.tenantId, tenant.ownerEmail);
    const due = await schedule(tenant, account, Date.now() + HOUR_MS);
    const t = nowSeconds();
    await delivered(subscriptionEvent("created", customer, "active", [PRICES.standard], t));
    await delivered(subscriptionEvent("deleted", customer, "canceled", [PRICES.standard], t + 1));

    const writes: [string, string, string, unknown][] = [
      ["post.publish", "POST", "/v1/posts", publishBody(account)],
      [
        "post.publish",
        "POST",
        "/v1/posts",
        publishBody(account, { scheduled_at: new Date(Date.now() + DAY_MS).toISOString() }),
      ],
      ["post.cancel", "DELETE", `/v1/posts/${due.id}`, undefined],
      ["tenant.update", "PATCH", "/v1/tenant", { name: "Still Here Ltd" }],
      ["api_key.create", "POST", "/v1/api-keys", { name: "more", scopes: ["read:posts"] }],
      [
        "user.create",
        "POST",
        "/v1/users",
        { email: "new@example.com", password: "a long enough password", role: "member" },
      ],
    ];
    for (const [action, method, path, body] of writes) {
      const problem = await paymentRequired(
        await call(path, { method, token: tenant.ownerKey, body }),
        `${method} ${path}`,
      );
      expect(problem, `${method} ${path}`).toMatchObject({ subscription_status: "canceled", refused: "writes" });
      expect(await refusals(tenant.tenantId, action), action).toBeGreaterThanOrEqual(1);
    }
    // Reads go on, a POST that reads among them (a live ticket).
    for (const path of ["/v1/posts", "/v1/tenant", `/v1/posts/${due.id}`, "/v1/api-keys", "/v1/audit-logs"]) {
      expect((await call(path, { token: tenant.ownerKey })).status, path).toBe(200);
    }
    expect((await call("/v1/live/ticket", { method: "POST", token: tenant.ownerKey })).status).toBe(201);

    // Its post comes due: held, not sent; the alarm again sends nothing either.
    await advanceObjectClock(tenant.tenantId, Date.now() + 2 * HOUR_MS);
    await runAlarmNow(tenant.tenantId);
    await runAlarmNow(tenant.tenantId);
    expect(await sentTexts(account)).toEqual([]);
    expect(await readPost(tenant, due.id)).toMatchObject({ status: "held", held_reason: "subscription_canceled" });
    expect(await holdReasons(tenant.tenantId, due.id)).toEqual(["subscription_canceled"]);
    await paymentRequired(await release(tenant, due.id, Date.now() + 3 * HOUR_MS), "release while canceled");

    // Signing out is not a write the subscription stops.
    expect((await call("/v1/auth/logout", { method: "POST", token: session })).status).toBeLessThan(300);

    // A new subscription: writes come back, and the held post goes out once released, once.
    await delivered(subscriptionEvent("created", customer, "active", [PRICES.standard], t + 2));
    const released = await release(tenant, due.id, Date.now() + 3 * HOUR_MS);
    expect(released.status, await released.clone().text()).toBe(200);
    await advanceObjectClock(tenant.tenantId, Date.now() + 4 * HOUR_MS);
    await runAlarmNow(tenant.tenantId);
    expect(await readPost(tenant, due.id)).toMatchObject({ status: "published", held_reason: null });
    expect(await sentTexts(account)).toEqual([due.text]);
  });
});
