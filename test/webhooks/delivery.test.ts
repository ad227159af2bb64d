// Outgoing webhooks end to end (docs/webhooks.md): a post published through the API is
// an event in the tenant's object, drained to the shard and the queue, delivered by the
// consumer to the endpoint (the development receiver), signed so that the Standard
// Webhooks library's own verifier accepts it, and logged.
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { connectAccount, publishBody } from "../support/accounts";
import { call, json } from "../support/http";
import { createTenant } from "../support/tenants";
import { createEndpoint, deliverAll, deliveryRows, outboxRows, received, receiverName } from "./support";

interface Envelope {
  id: string;
  type: string;
  created_at: string;
  data: { post: Record<string, unknown>; sequence: number };
}

async function publish(key: string, account: Awaited<ReturnType<typeof connectAccount>>): Promise<string> {
  const res = await call("/v1/posts", { token: key, body: publishBody(account) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json<{ id: string }>(res)).id;
}

describe("a published post's webhook", () => {
  it("is delivered once, signed so that the standardwebhooks verifier accepts it, and logged", async () => {
    const tenant = await createTenant();
    const name = receiverName();
    const endpoint = await createEndpoint(tenant.ownerKey, name, { events: ["post.published"] });
    const account = await connectAccount(tenant.ownerKey, "linkedin");
    const postId = await publish(tenant.ownerKey, account);

    const { result, ids } = await deliverAll(tenant.tenantId);
    expect(result.retryMessages, "nothing retried").toEqual([]);
    expect(result.explicitAcks.toSorted()).toEqual(ids.toSorted());
    expect(await outboxRows(tenant.tenantId), "the outbox is empty").toBe(0);

    const got = await received(name);
    expect(got.map((r) => r.type)).toEqual(["post.published"]);
    const delivery = got[0] as (typeof got)[number];
    const envelope = JSON.parse(delivery.body) as Envelope;
    expect(Object.keys(envelope).toSorted()).toEqual(["created_at", "data", "id", "type"]);
    expect(envelope.id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(delivery.webhookId).toBe(envelope.id);
    expect(envelope.data.post.id).toBe(postId);
    expect(envelope.data.post.status).toBe("published");
    expect(envelope.data.sequence).toBe(1);
    expect(envelope.data.post, "no member named in an event").not.toHaveProperty("requested_by");

    // The Standard Webhooks reference library verifies it with the secret shown at creation.
    const headers = {
      "webhook-id": delivery.webhookId as string,
      "webhook-timestamp": delivery.timestamp as string,
      "webhook-signature": delivery.signature as string,
    };
    expect(new Webhook(endpoint.secret).verify(delivery.body, headers)).toEqual(envelope);
    expect(() => new Webhook(endpoint.secret).verify(`${delivery.body} `, headers), "a changed body").toThrow();
    expect(delivery.verified, "the receiver's own check").toBe(true);

    const log = await call(`/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: tenant.ownerKey });
    expect(log.status, await log.clone().text()).toBe(200);
    const { data } = await json<{ data: Record<string, unknown>[] }>(log);
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({
      event_id: envelope.id,
      event_type: "post.published",
      attempt: 1,
      status: "delivered",
      response_status: 200,
      next_retry_at: null,
      error: null,
    });
    expect(typeof data[0]?.latency_ms).toBe("number");
    expect(await deliveryRows(tenant.tenantId)).toHaveLength(1);
  });
});
