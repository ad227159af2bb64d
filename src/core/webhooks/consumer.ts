// The delivery queue's consumer (docs/webhooks.md, "Delivery and retries"): the Worker's
// `queue` handler hands it each batch (src/router/webhook-queue.ts). Per tenant of the
// batch: one read of its directory row, one read of the attempts due and their
// endpoints, every attempt sent at once, one write of how each went, then each message
// acknowledged or retried on its own.
//
// - At least once: a message is acknowledged only after the shard has its attempt's
//   outcome; a failure to write it retries the messages, and the receiver may see that
//   attempt again (webhook-id tells it so).
// - A 2xx answered within 10 seconds is delivered. A 410 disables the endpoint. Anything
//   else (another status, a redirect, a timeout, a refused connection) is retried by the
//   schedule of ./retry-schedule.ts, with the message's own retry({delaySeconds}): nothing
//   waits in the consumer, and the queue holds the message until it is due.
// - No head-of-line blocking: each message is retried by itself, so a failing endpoint's
//   messages wait in the queue without standing in front of anyone's; within a batch,
//   tenants and attempts run side by side, and one attempt holds its batch for at most
//   its 10-second deadline while every other message of the batch is already settled.
// - An endpoint whose deliveries have all failed for three days is disabled, with an
//   audit row and a webhook.endpoint_disabled event to the tenant's other endpoints.
// - Fail closed: a suspended or deleted tenant's attempts are cancelled, not sent; a
//   tenant the directory no longer has is acknowledged away.

import type { Clock } from "../clock";
import { tenantCipher } from "../crypto/tenant-cipher";
import { auditStatement } from "../db/audit-logs";
import { newId } from "../db/ids";
import { scopeOn, type TenantScope } from "../db/tenant-scope";
import { findTenant } from "../db/tenants";
import { placementOfRow } from "../placement/directory";
import {
  type AttemptOutcome,
  cancelPending,
  type DueDelivery,
  insertPending,
  type PendingDelivery,
  pendingFor,
  settleAttempt,
} from "./deliveries-store";
import {
  disableEndpoint,
  type EndpointRow,
  endpointsIn,
  setFailingSince,
  signingSecrets,
  subscriptions,
  targetsOf,
} from "./endpoints-store";
import { type EndpointDisabledData, eventRecord } from "./events";
import { insertEvents } from "./events-store";
import { type DeliveryMessage, enqueueDeliveries, isDeliveryMessage } from "./queue";
import { FAILING_DISABLES_AFTER_MS, retryDelaySeconds } from "./retry-schedule";
import { signedHeaders } from "./signature";

/** A receiver has this long to answer (headers); later is a failed attempt. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** When the shard could not be read or written, the tenant's messages come back this much later. */
export const STORE_RETRY_SECONDS = 30;
export const USER_AGENT = "DIFY-AGENT-Webhooks/1.0";

export interface ConsumerDeps {
  clock: Clock;
  /** Sends one attempt's request (fetch in production; src/router/webhook-queue.ts). */
  send: (request: Request) => Promise<Response>;
  /** The retry jitter's draw, in [0, 1). */
  random?: () => number;
}

/** What one attempt came to, before the endpoint's streak decides what follows. */
interface Attempted {
  responseStatus: number | null;
  latencyMs: number;
  error: string | null;
  attemptedAt: string;
}

/** Delivers every message of the batch; each is acknowledged or retried before this returns. */
export async function deliverBatch(batch: MessageBatch<unknown>, env: Env, deps: ConsumerDeps): Promise<void> {
  const byTenant = new Map<string, Message<DeliveryMessage>[]>();
  for (const message of batch.messages) {
    if (!isDeliveryMessage(message.body)) {
      console.error("webhooks: a message that is not a delivery was dropped", message.id);
      message.ack();
      continue;
    }
    const list = byTenant.get(message.body.tenantId) ?? [];
    list.push(message as Message<DeliveryMessage>);
    byTenant.set(message.body.tenantId, list);
  }
  await Promise.all(
    [...byTenant].map(async ([tenantId, messages]) => {
      try {
        await deliverForTenant(env, tenantId, messages, deps);
      } catch (error) {
        console.error(`webhooks: tenant ${tenantId}'s deliveries are retried`, error);
        for (const message of messages) message.retry({ delaySeconds: STORE_RETRY_SECONDS });
      }
    }),
  );
}

const pairKey = (endpointId: string, eventId: string) => `${endpointId} ${eventId}`;

/** One endpoint's state over the batch: its streak and whether this batch disabled it. */
interface EndpointState {
  row: EndpointRow;
  failingSince: string | null;
  streakChanged: boolean;
  disabled: "gone" | "failing" | null;
}

async function deliverForTenant(
  env: Env,
  tenantId: string,
  messages: Message<DeliveryMessage>[],
  deps: ConsumerDeps,
): Promise<void> {
  const tenant = await findTenant(env.DB, tenantId);
  const placement = tenant ? placementOfRow(tenant) : null;
  if (!tenant || !placement) {
    // Erased, or never placed: nothing of it is left to deliver to.
    for (const message of messages) message.ack();
    return;
  }
  const scope = scopeOn(env, placement);
  const pairs = messages.map((m) => ({ endpointId: m.body.endpointId, eventId: m.body.eventId }));
  const [dueRead, endpointRead] = await scope.db.batch([
    pendingFor(scope, pairs),
    endpointsIn(scope, [...new Set(pairs.map((p) => p.endpointId))]),
  ]);
  const due = new Map<string, DueDelivery>();
  // Ordered by attempt: the latest pending attempt of a pair is the one due.
  for (const row of (dueRead?.results ?? []) as DueDelivery[]) due.set(pairKey(row.endpoint_id, row.event_id), row);
  const endpoints = new Map<string, EndpointState>();
  for (const row of (endpointRead?.results ?? []) as EndpointRow[]) {
    endpoints.set(row.endpoint_id, { row, failingSince: row.failing_since, streakChanged: false, disabled: null });
  }

  const nowMs = deps.clock();
  const now = new Date(nowMs).toISOString();
  const stopped = tenant.status !== "active";
  const cipher = tenantCipher(env, tenantId, {
    kmsKeyId: tenant.kms_key_id,
    encryptionVersion: tenant.encryption_version,
  });

  // Which message sends which attempt: one per pair (a repeated message is acknowledged).
  const work: { message: Message<DeliveryMessage>; row: DueDelivery; endpoint: EndpointState }[] = [];
  const settled: { message: Message<DeliveryMessage>; statement: D1PreparedStatement | null }[] = [];
  const taken = new Set<string>();
  for (const message of messages) {
    const key = pairKey(message.body.endpointId, message.body.eventId);
    const row = due.get(key);
    const endpoint = endpoints.get(message.body.endpointId);
    if (!row || !endpoint || taken.has(key)) {
      // Settled already (a repeated message), or its endpoint deleted (its log with it).
      settled.push({ message, statement: null });
      continue;
    }
    taken.add(key);
    if (stopped || endpoint.row.enabled !== 1) {
      const why = stopped ? "tenant_stopped" : "endpoint_disabled";
      settled.push({ message, statement: settleAttempt(scope, row.delivery_id, cancelled(why)) });
      continue;
    }
    work.push({ message, row, endpoint });
  }

  const secrets = new Map<string, string[]>();
  for (const { endpoint } of work) {
    if (!secrets.has(endpoint.row.endpoint_id)) {
      secrets.set(endpoint.row.endpoint_id, await signingSecrets(cipher, endpoint.row, nowMs));
    }
  }
  const attempts = await Promise.all(
    work.map(({ row, endpoint }) =>
      attempt(endpoint.row, row, secrets.get(endpoint.row.endpoint_id) as string[], deps),
    ),
  );

  const statements: D1PreparedStatement[] = [];
  const results = work.map(({ row, endpoint }, i) => {
    const tried = attempts[i] as Attempted;
    const ok = tried.responseStatus !== null && tried.responseStatus >= 200 && tried.responseStatus < 300;
    const outcome: AttemptOutcome = { ...tried, status: ok ? "delivered" : "failed", nextRetryAt: null };
    let retry: { delay: number; next: PendingDelivery } | null = null;
    if (ok) {
      if (endpoint.failingSince !== null) endpoint.streakChanged = true;
      endpoint.failingSince = null;
    } else if (tried.responseStatus === 410) {
      endpoint.disabled ??= "gone";
    } else {
      if (endpoint.failingSince === null) endpoint.streakChanged = true;
      endpoint.failingSince ??= tried.attemptedAt;
      if (nowMs - Date.parse(endpoint.failingSince) >= FAILING_DISABLES_AFTER_MS) endpoint.disabled ??= "failing";
      const delay = retryDelaySeconds(row.try_number, deps.random);
      if (delay !== null) {
        const dueAt = new Date(nowMs + delay * 1000).toISOString();
        retry = {
          delay,
          next: {
            deliveryId: newId("webhookDelivery", nowMs),
            endpointId: row.endpoint_id,
            eventId: row.event_id,
            eventType: row.event_type,
            attempt: row.attempt + 1,
            tryNumber: row.try_number + 1,
            origin: row.origin,
            dueAt,
            createdAt: now,
          },
        };
      }
    }
    return { outcome, retry };
  });
  // An endpoint this batch disabled takes no retry: its attempts end here.
  const retries = new Map<Message<DeliveryMessage>, number>();
  const next: PendingDelivery[] = [];
  work.forEach(({ message, row, endpoint }, i) => {
    const { outcome, retry } = results[i] as (typeof results)[number];
    if (retry && endpoint.disabled === null) {
      outcome.nextRetryAt = retry.next.dueAt;
      retries.set(message, retry.delay);
      next.push(retry.next);
    }
    statements.push(settleAttempt(scope, row.delivery_id, outcome));
  });
  for (const { statement } of settled) if (statement) statements.push(statement);
  if (next.length > 0) statements.push(insertPending(scope, next));

  // The endpoints' streaks, and those this batch disabled (every pending attempt of
  // theirs, from earlier batches, is cancelled with them).
  const disabled = [...endpoints.values()].filter((e) => e.disabled !== null);
  for (const state of endpoints.values()) {
    if (state.streakChanged && state.disabled === null) {
      statements.push(setFailingSince(scope, state.row.endpoint_id, state.failingSince));
    }
  }
  const notices = disabled.length > 0 ? await disabledNotices(scope, disabled, now, nowMs) : null;
  for (const state of disabled) {
    const reason = state.disabled as "gone" | "failing";
    statements.push(
      disableEndpoint(scope, state.row.endpoint_id, reason, now),
      cancelPending(scope, state.row.endpoint_id, `endpoint_disabled_${reason}`, now),
      auditStatement(
        scope.db,
        { tenantId, userId: "system", ip: null, userAgent: null, requestId: `webhooks:${state.row.endpoint_id}` },
        {
          action: "webhook_endpoint.disable",
          resourceType: "webhook_endpoint",
          resourceId: state.row.endpoint_id,
          metadata: { reason, url: state.row.url, failing_since: state.failingSince },
        },
        now,
      ),
    );
  }
  if (notices) statements.push(...notices.statements);

  if (statements.length > 0) await scope.db.batch(statements);
  if (notices && notices.messages.length > 0) await enqueueDeliveries(env, notices.messages).catch(noticeLost);

  for (const { message } of settled) message.ack();
  for (const { message } of work) {
    const delay = retries.get(message);
    if (delay !== undefined) message.retry({ delaySeconds: delay });
    else message.ack();
  }
}

function cancelled(why: string): AttemptOutcome {
  return {
    status: "cancelled",
    responseStatus: null,
    latencyMs: null,
    error: why,
    attemptedAt: null,
    nextRetryAt: null,
  };
}

function noticeLost(error: unknown): void {
  // The events and their pending attempts are in the shard; a redelivery sends them.
  console.error("webhooks: an endpoint-disabled notice could not be queued", error);
}

/**
 * The webhook.endpoint_disabled events for the tenant's other endpoints: the events
 * and their first attempts (written with the batch), and the messages to queue after it.
 */
async function disabledNotices(
  scope: TenantScope,
  disabled: readonly EndpointState[],
  now: string,
  nowMs: number,
): Promise<{ statements: D1PreparedStatement[]; messages: DeliveryMessage[] }> {
  const gone = new Set(disabled.map((state) => state.row.endpoint_id));
  const others = (await subscriptions(scope)).filter((s) => !gone.has(s.endpointId));
  const targets = targetsOf(others, "webhook.endpoint_disabled");
  if (targets.length === 0) return { statements: [], messages: [] };
  const events = disabled.map((state) => {
    const data: EndpointDisabledData = {
      endpoint_id: state.row.endpoint_id,
      url: state.row.url,
      reason: state.disabled as "gone" | "failing",
      failing_since: state.failingSince,
    };
    return eventRecord(newId("webhookEvent", nowMs), "webhook.endpoint_disabled", now, data);
  });
  const pending: PendingDelivery[] = events.flatMap((event) =>
    targets.map((endpointId) => ({
      deliveryId: newId("webhookDelivery", nowMs),
      endpointId,
      eventId: event.eventId,
      eventType: event.type,
      attempt: 1,
      tryNumber: 1,
      origin: "event" as const,
      dueAt: now,
      createdAt: now,
    })),
  );
  return {
    statements: [insertEvents(scope, events), insertPending(scope, pending)],
    messages: pending.map((p) => ({ tenantId: scope.tenantId, endpointId: p.endpointId, eventId: p.eventId })),
  };
}

/** Sends one attempt, signed now, within the deadline. */
async function attempt(
  endpoint: EndpointRow,
  row: DueDelivery,
  secrets: readonly string[],
  deps: ConsumerDeps,
): Promise<Attempted> {
  const startedMs = deps.clock();
  const attemptedAt = new Date(startedMs).toISOString();
  const headers = await signedHeaders(secrets, row.event_id, Math.floor(startedMs / 1000), row.body);
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineError());
    }, DELIVERY_TIMEOUT_MS);
  });
  deadline.catch(() => undefined);
  try {
    const request = new Request(endpoint.url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "user-agent": USER_AGENT },
      body: row.body,
      // A redirect is an answer like any other non-2xx: the URL is the tenant's to fix.
      redirect: "manual",
      signal: controller.signal,
    });
    const response = await Promise.race([deps.send(request), deadline]);
    // Nothing of the receiver's body is kept; the connection is let go.
    await response.body?.cancel().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return {
      responseStatus: response.status,
      latencyMs: deps.clock() - startedMs,
      error: ok ? null : `http_${response.status}`,
      attemptedAt,
    };
  } catch (error) {
    const timedOut = error instanceof DeadlineError;
    return {
      responseStatus: null,
      latencyMs: deps.clock() - startedMs,
      error: timedOut ? "timeout" : "connection_failed",
      attemptedAt,
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

class DeadlineError extends Error {
  override name = "DeadlineError";
}
