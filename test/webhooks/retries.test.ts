// Delivery, retries and disabling (docs/webhooks.md, "Delivery and retries"): the consumer
// is handed each batch by the test, on the test's clock, so the retry schedule's waits
// are read from what the consumer asked of the queue, never waited out.
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { RETRY_DELAYS_SECONDS } from "../../src/core/webhooks/retry-schedule";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { createTenant, type TestTenant } from "../support/tenants";
import { consume, createEndpoint, deliveryRows, pendingMessages, received, receiver, receiverName } from "./support";

const HOUR_MS = 3_600_000;

/** A clock the test moves. */
function testClock(startMs: number) {
  let now = startMs;
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

async function sendTest(tenant: TestTenant, endpointId: string): Promise<string> {
  const res = await call(`/v1/webhook-endpoints/${endpointId}/test`, { token: tenant.ownerKey, method: "POST" });
  expect(res.status, await res.clone().text()).toBe(202);
  return (await json<{ event_id: string }>(res)).event_id;
}

async function endpointView(tenant: TestTenant, id: string) {
  const res = await call(`/v1/webhook-endpoints/${id}`, { token: tenant.ownerKey });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<{ enabled: boolean; disabled_reason: string | null; failing_since: string | null }>(res);
}

async function auditActions(tenantId: string, action: string): Promise<Record<string, unknown>[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare("SELECT * FROM audit_logs WHERE tenant_id = ? AND action = ?")
    .bind(tenantId, action)
    .all<Record<string, unknown>>();
  return results;
}

describe("an endpoint that answers 500 twice, then 200", () => {
  it("has the event delivered on the third attempt, after the schedule's waits, each attempt in the log", async () => {
    const tenant = await createTenant();
    const name = receiverName();
    const endpoint = await createEndpoint(tenant.ownerKey, name);
    await receiver(name).addFault(500, 2);
    const eventId = await sendTest(tenant, endpoint.id);
    // The consumer's clock runs on from the router's (the log's ids are in time order).
    const time = testClock(Date.now() + 1000);

    // Attempt 1: 500, retried by the queue after the first wait (jitter drawn at its
    // middle; the wait is the log's next_retry_at, below: the pool's queue result does
    // not report a message's delay).
    const first = await consume(await pendingMessages(tenant.tenantId), { clock: time.clock });
    expect(first.result.retryMessages.map((m) => m.msgId)).toEqual([first.ids[0]]);
    expect(first.result.explicitAcks).toEqual([]);
    time.advance((RETRY_DELAYS_SECONDS[0] as number) * 1000);

    // Attempt 2: 500 again, the second wait.
    const second = await consume(await pendingMessages(tenant.tenantId), { clock: time.clock });
    expect(second.result.retryMessages.map((m) => m.msgId)).toEqual([second.ids[0]]);
    time.advance((RETRY_DELAYS_SECONDS[1] as number) * 1000);

    // Attempt 3: 200: acknowledged, nothing pending.
    const third = await consume(await pendingMessages(tenant.tenantId), { clock: time.clock });
    expect(third.result.retryMessages).toEqual([]);
    expect(third.result.explicitAcks).toEqual(third.ids);
    expect(await pendingMessages(tenant.tenantId)).toEqual([]);

    // The receiver saw the same event three times, and answered 500, 500, 200.
    const got = await received(name);
    expect(got.map((r) => [r.webhookId, r.answered])).toEqual([
      [eventId, 500],
      [eventId, 500],
      [eventId, 200],
    ]);
    expect(
      got.every((r) => r.verified),
      "every attempt signed",
    ).toBe(true);

    // The log, newest first: each attempt's time, status, latency and next retry.
    const res = await call(`/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: tenant.ownerKey });
    const { data } = await json<{ data: Record<string, unknown>[] }>(res);
    expect(data.map((d) => [d.attempt, d.status, d.response_status, d.error])).toEqual([
      [3, "delivered", 200, null],
      [2, "failed", 500, "http_500"],
      [1, "failed", 500, "http_500"],
    ]);
    const [, secondRow, firstRow] = data as Record<string, string>[];
    expect(Date.parse(firstRow?.next_retry_at as string) - Date.parse(firstRow?.attempted_at as string)).toBe(
      (RETRY_DELAYS_SECONDS[0] as number) * 1000,
    );
    expect(Date.parse(secondRow?.next_retry_at as string) - Date.parse(secondRow?.attempted_at as string)).toBe(
      (RETRY_DELAYS_SECONDS[1] as number) * 1000,
    );
    for (const row of data) expect(typeof row.latency_ms, `attempt ${row.attempt}`).toBe("number");
    // Delivered: the endpoint's failing streak is over.
    expect((await endpointView(tenant, endpoint.id)).failing_since).toBeNull();
  });

  it("is given up after ten tries, about a day of waits", async () => {
    const tenant = await createTenant();
    const name = receiverName();
    const endpoint = await createEndpoint(tenant.ownerKey, name);
    await receiver(name).addFault(503, 50);
    const time = testClock(Date.now());
    await sendTest(tenant, endpoint.id);
    let waited = 0;
    for (let attempt = 1; attempt <= 10; attempt++) {
      const { result, ids } = await consume(await pendingMessages(tenant.tenantId), { clock: time.clock });
      const last = (await deliveryRows(tenant.tenantId)).find((r) => r.attempt === attempt);
      if (attempt < 10) {
        expect(
          result.retryMessages.map((m) => m.msgId),
          `attempt ${attempt} retried`,
        ).toEqual(ids);
        const delay = (Date.parse(last?.next_retry_at as string) - time.clock()) / 1000;
        expect(delay, `wait after attempt ${attempt}`).toBe(RETRY_DELAYS_SECONDS[attempt - 1]);
        waited += delay;
        time.advance(delay * 1000);
      } else {
        expect(result.retryMessages, "the tenth is the last").toEqual([]);
        expect(result.explicitAcks).toEqual(ids);
      }
    }
    expect(waited / 3600, "hours of waits").toBeGreaterThan(23);
    expect(waited / 3600).toBeLessThan(25);
    const rows = await deliveryRows(tenant.tenantId);
    expect(rows.map((r) => r.status)).toEqual(Array(10).fill("failed"));
    expect(rows.at(-1)?.next_retry_at, "no retry after the last").toBeNull();
    expect((await received(name)).length).toBe(10);
  });
});

describe("disabling", () => {
  it("a 410 disables the endpoint at once: no retry, an audit row, and the tenant's other endpoints told", async () => {
    const tenant = await createTenant();
    const gone = receiverName("gone");
    const watcher = receiverName("watch");
    const endpoint = await createEndpoint(tenant.ownerKey, gone, { events: ["webhook.test"] });
    const other = await createEndpoint(tenant.ownerKey, watcher, { events: ["webhook.endpoint_disabled"] });
    await receiver(gone).addFault(410, 1);
    await sendTest(tenant, endpoint.id);

    const { result, ids } = await consume(await pendingMessages(tenant.tenantId));
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toEqual(ids);
    expect(await endpointView(tenant, endpoint.id)).toMatchObject({ enabled: false, disabled_reason: "gone" });
    const audits = await auditActions(tenant.tenantId, "webhook_endpoint.disable");
    expect(audits.map((a) => [a.resource_id, JSON.parse(a.metadata as string).reason])).toEqual([
      [endpoint.id, "gone"],
    ]);

    // The notice goes to the other endpoint, and only there.
    await consume(await pendingMessages(tenant.tenantId));
    const notices = await received(watcher);
    expect(notices.map((n) => n.type)).toEqual(["webhook.endpoint_disabled"]);
    expect(JSON.parse(notices[0]?.body as string).data).toMatchObject({ endpoint_id: endpoint.id, reason: "gone" });
    expect(await received(gone)).toHaveLength(1);
    expect(other.id).not.toBe(endpoint.id);

    // A disabled endpoint takes no test until it is enabled again.
    const refused = await call(`/v1/webhook-endpoints/${endpoint.id}/test`, { token: tenant.ownerKey, method: "POST" });
    expect(refused.status, await refused.clone().text()).toBe(409);
    const enabled = await call(`/v1/webhook-endpoints/${endpoint.id}`, {
      token: tenant.ownerKey,
      method: "PATCH",
      body: { enabled: true },
    });
    expect(enabled.status).toBe(200);
    expect(await json(enabled)).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it("three days of failures disable the endpoint, and its pending retries are cancelled", async () => {
    const tenant = await createTenant();
    const name = receiverName("down");
    const endpoint = await createEndpoint(tenant.ownerKey, name);
    await receiver(name).addFault(500, 100);
    const time = testClock(Date.now());
    await sendTest(tenant, endpoint.id);
    await consume(await pendingMessages(tenant.tenantId), { clock: time.clock });
    const since = (await endpointView(tenant, endpoint.id)).failing_since;
    expect(since, "the streak starts with the first failure").not.toBeNull();

    // Under three days: still enabled, still retried.
    time.advance(71 * HOUR_MS);
    const before = await consume(await pendingMessages(tenant.tenantId), { clock: time.clock });
    expect(before.result.retryMessages).toHaveLength(1);
    expect((await endpointView(tenant, endpoint.id)).enabled).toBe(true);

    // Three days after the first failure, the next failure disables it.
    time.advance(HOUR_MS);
    const last = await consume(await pendingMessages(tenant.tenantId), { clock: time.clock });
    expect(last.result.retryMessages).toEqual([]);
    expect(await endpointView(tenant, endpoint.id)).toMatchObject({ enabled: false, disabled_reason: "failing" });
    expect(await pendingMessages(tenant.tenantId), "nothing left pending").toEqual([]);
    expect((await auditActions(tenant.tenantId, "webhook_endpoint.disable")).length).toBe(1);
  });
});

describe("rotating the secret", () => {
  it("signs with the new and the old secret for 24 hours, then with the new one alone", async () => {
    const tenant = await createTenant();
    const name = receiverName("rot");
    const endpoint = await createEndpoint(tenant.ownerKey, name);
    const res = await call(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {
      token: tenant.ownerKey,
      method: "POST",
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const rotated = await json<{ secret: string; previous_secret_expires_at: string }>(res);
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated.secret).not.toBe(endpoint.secret);

    const at = (ms: number) => () => ms;
    const now = Date.now();
    await sendTest(tenant, endpoint.id);
    await consume(await pendingMessages(tenant.tenantId), { clock: at(now) });
    const [during] = await received(name);
    const headers = (d: typeof during) => ({
      "webhook-id": d?.webhookId as string,
      "webhook-timestamp": d?.timestamp as string,
      "webhook-signature": d?.signature as string,
    });
    expect(during?.signature?.split(" ")).toHaveLength(2);
    // standardwebhooks checks the timestamp against the machine's clock: these run near it.
    expect(() => new Webhook(rotated.secret).verify(during?.body as string, headers(during))).not.toThrow();
    expect(() => new Webhook(endpoint.secret).verify(during?.body as string, headers(during))).not.toThrow();

    // After 24 hours the old secret signs no more (verified with the receiver's tolerance
    // of the signing time, since that is a day ahead of the machine's).
    const later = now + 24 * HOUR_MS + 1000;
    await sendTest(tenant, endpoint.id);
    await consume(await pendingMessages(tenant.tenantId), { clock: at(later) });
    const after = (await received(name))[1];
    expect(after?.signature?.split(" ")).toHaveLength(1);
    const { verifySignature } = await import("../../src/core/webhooks/signature");
    const asSent = new Headers(headers(after));
    const nowSeconds = Math.floor(later / 1000);
    expect((await verifySignature(rotated.secret, asSent, after?.body as string, nowSeconds)).ok).toBe(true);
    expect((await verifySignature(endpoint.secret, asSent, after?.body as string, nowSeconds)).ok).toBe(false);
  });
});

describe("redelivery and the test event", () => {
  it("sends an event again as a new series (same webhook-id), and the test event reaches its endpoint", async () => {
    const tenant = await createTenant();
    const name = receiverName("again");
    const endpoint = await createEndpoint(tenant.ownerKey, name);
    const eventId = await sendTest(tenant, endpoint.id);
    await consume(await pendingMessages(tenant.tenantId));
    const [test] = await received(name);
    expect(JSON.parse(test?.body as string)).toMatchObject({
      id: eventId,
      type: "webhook.test",
      data: { endpoint_id: endpoint.id },
    });

    const res = await call(`/v1/webhook-events/${eventId}/redeliver`, { token: tenant.ownerKey, body: {} });
    expect(res.status, await res.clone().text()).toBe(202);
    const queued = await json<{ deliveries: { endpoint_id: string; delivery_id: string }[] }>(res);
    expect(queued.deliveries.map((d) => d.endpoint_id)).toEqual([endpoint.id]);
    await consume(await pendingMessages(tenant.tenantId));
    expect((await received(name)).map((r) => r.webhookId)).toEqual([eventId, eventId]);
    const rows = await deliveryRows(tenant.tenantId);
    expect(rows.map((r) => [r.attempt, r.try_number, r.status])).toEqual([
      [1, 1, "delivered"],
      [2, 1, "delivered"],
    ]);
    // A message the queue repeats finds its attempt settled, and sends nothing.
    const repeated = await consume([{ body: { tenantId: tenant.tenantId, endpointId: endpoint.id, eventId } }]);
    expect(repeated.result.explicitAcks).toHaveLength(1);
    expect(await received(name)).toHaveLength(2);
  });
});

describe("the development receiver", () => {
  it("is bound here, in development mode", () => {
    expect(env.WebhookReceiver).toBeDefined();
  });
});
