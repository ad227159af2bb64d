// The delivery queue (Cloudflare Queues, binding WEBHOOK_DELIVERIES; wrangler.toml): one
// message per event and endpoint, saying only which event goes where. The attempt that
// is due, the body and the endpoint's URL and secret are read from the tenant's shard
// when the message is consumed (./consumer.ts), so a message holds no secret and no
// tenant data, and a retry (message.retry) is the same message finding the next attempt.
import { chunk } from "../db/chunk";

export interface DeliveryMessage {
  tenantId: string;
  endpointId: string;
  eventId: string;
}

/** Messages one sendBatch takes at most (Queues' limit). */
const SEND_BATCH = 100;

export function isDeliveryMessage(body: unknown): body is DeliveryMessage {
  if (typeof body !== "object" || body === null) return false;
  const m = body as Record<string, unknown>;
  return typeof m.tenantId === "string" && typeof m.endpointId === "string" && typeof m.eventId === "string";
}

/** Sends the messages, a hundred to a call. Rejects when the queue refused a call (the caller retries). */
export async function enqueueDeliveries(env: Env, messages: readonly DeliveryMessage[]): Promise<void> {
  for (const part of chunk([...messages], SEND_BATCH)) {
    await env.WEBHOOK_DELIVERIES.sendBatch(part.map((body) => ({ body, contentType: "json" as const })));
  }
}
