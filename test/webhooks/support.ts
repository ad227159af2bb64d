// Outgoing webhooks in tests (docs/webhooks.md): endpoints made through the API, the
// development receiver (src/core/webhooks/receiver.ts) as the endpoint, the object's
// outbox drained on its timer, and the consumer handed each batch by the test. In the
// test pool the producer's queue has no consumer (vitest.config.ts): what is queued is
// what the shard holds pending, and a batch is made of exactly those attempts, with the
// queue's attempt count, so the test decides when each retry comes, on its own clock.
import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  type QueueResult,
  runInDurableObject,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { Clock } from "../../src/core/clock";
import type { DeliveryMessage } from "../../src/core/webhooks/queue";
import type { ReceivedWebhook } from "../../src/core/webhooks/receiver";
import { createApp } from "../../src/router/app";
import { webhookQueue } from "../../src/router/webhook-queue";
import { tenantDb } from "../support/databases";
import { call, json } from "../support/http";
import { runTimersNow, tenantObjectOf } from "../support/objects";

export const QUEUE = "dify-agent-webhook-deliveries";

let sequence = 0;
/** A receiver of this test's own. */
export function receiverName(label = "r"): string {
  sequence += 1;
  return `${label}-${Date.now().toString(36)}-${sequence}-${Math.random().toString(36).slice(2, 6)}`;
}

/** The URL of a development receiver on the Worker (allowed in development mode). */
export function receiverUrl(name: string): string {
  return `http://localhost:8787/sandbox/webhook-receiver/${name}`;
}

export function receiver(name: string) {
  const namespace = env.WebhookReceiver;
  if (!namespace) throw new Error("the WebhookReceiver binding is development mode's");
  return namespace.getByName(name);
}

export async function received(name: string): Promise<ReceivedWebhook[]> {
  return receiver(name).received();
}

export interface CreatedEndpoint {
  id: string;
  secret: string;
  url: string;
}

/** An endpoint made through the API (201 expected), and given to its receiver to verify signatures with. */
export async function createEndpoint(
  token: string,
  name: string,
  body: Record<string, unknown> = {},
): Promise<CreatedEndpoint> {
  const url = receiverUrl(name);
  const res = await call("/v1/webhook-endpoints", { token, body: { url, events: ["*"], ...body } });
  expect(res.status, await res.clone().text()).toBe(201);
  const created = await json<{ id: string; secret: string }>(res);
  await receiver(name).setSecret(created.secret);
  return { id: created.id, secret: created.secret, url };
}

/** Runs the object's webhook timer now: every event emitted so far goes to the shard and the queue. */
export async function drainWebhooks(tenantId: string): Promise<void> {
  await runTimersNow(tenantId, ["webhook-events"]);
}

/** Events waiting in the object's outbox. */
export async function outboxRows(tenantId: string): Promise<number> {
  return runInDurableObject(
    tenantObjectOf(tenantId),
    (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_outbox").one().n,
  );
}

export interface DeliveryRowView {
  delivery_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  try_number: number;
  status: string;
  response_status: number | null;
  error: string | null;
  next_retry_at: string | null;
}

/** Every attempt the tenant's shard holds, oldest first. */
export async function deliveryRows(tenantId: string): Promise<DeliveryRowView[]> {
  const { results } = await (await tenantDb(tenantId))
    .prepare("SELECT * FROM webhook_deliveries WHERE tenant_id = ? ORDER BY event_id, endpoint_id, attempt")
    .bind(tenantId)
    .all<DeliveryRowView>();
  return results;
}

/** The queue messages of the tenant's pending attempts: what the producer sent (or a retry brings back). */
export async function pendingMessages(tenantId: string): Promise<{ body: DeliveryMessage; tryNumber: number }[]> {
  const rows = (await deliveryRows(tenantId)).filter((row) => row.status === "pending");
  return rows.map((row) => ({
    body: { tenantId, endpointId: row.endpoint_id, eventId: row.event_id },
    tryNumber: row.try_number,
  }));
}

/**
 * Hands the consumer one batch of `messages` (the Worker's queue handler over the app,
 * with `clock`), and says what it acked and retried. `attempts` is the queue's count
 * for each message (1 for a first delivery).
 */
export async function consume(
  messages: { body: DeliveryMessage; tryNumber?: number }[],
  options: { clock?: Clock; random?: () => number } = {},
): Promise<{ result: QueueResult; ids: string[] }> {
  const ids = messages.map((_, i) => `msg-${Date.now().toString(36)}-${sequence++}-${i}`);
  const batch = createMessageBatch<DeliveryMessage>(
    QUEUE,
    messages.map((m, i) => ({ id: ids[i] as string, timestamp: Date.now(), attempts: m.tryNumber ?? 1, body: m.body })),
  );
  const ctx = createExecutionContext();
  await webhookQueue(createApp(), options.clock, options.random ?? (() => 0.5))(batch, env, ctx);
  return { result: await getQueueResult(batch, ctx), ids };
}

/** Drains the object's outbox and delivers every pending attempt of the tenant once. */
export async function deliverAll(tenantId: string, options: { clock?: Clock } = {}) {
  await drainWebhooks(tenantId);
  return consume(await pendingMessages(tenantId), options);
}
