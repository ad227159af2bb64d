// The delivery log in a tenant's shard (webhook_deliveries, migration 0026): one row per
// attempt of one event to one endpoint. The queue carries only which event goes to
// which endpoint (./queue.ts); the row says which attempt is due, so a message repeated
// by the queue, or sent twice by a drain run again after a reset, finds the same
// pending row, and one already settled is not sent again.
import { jsonRowsSource } from "../db/json-rows";
import type { TenantScope } from "../db/tenant-scope";
import { isoOrNull } from "../db/time";

/**
 * Days the webhooks' events and delivery log stay in the shard, for every plan: the
 * daily retention job deletes them after (src/core/retention; docs/webhooks.md). An
 * event older than this can no longer be redelivered.
 */
export const WEBHOOK_LOG_DAYS = 30;

export type DeliveryStatus = "pending" | "delivered" | "failed" | "cancelled";
export type DeliveryOrigin = "event" | "redelivery" | "test";

export interface DeliveryRow {
  delivery_id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  try_number: number;
  origin: DeliveryOrigin;
  status: DeliveryStatus;
  response_status: number | null;
  latency_ms: number | null;
  error: string | null;
  attempted_at: string | null;
  next_retry_at: string | null;
  created_at: string;
}

/** An attempt made due: the first of an event (attempt 1) or a retry (attempt + 1). */
export interface PendingDelivery {
  deliveryId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  tryNumber: number;
  origin: DeliveryOrigin;
  /** When it is due (the retry's time, or now). */
  dueAt: string;
  createdAt: string;
}

const PENDING_FIELDS = [
  "delivery_id",
  "endpoint_id",
  "event_id",
  "event_type",
  "attempt",
  "try_number",
  "origin",
  "next_retry_at",
  "created_at",
] as const;

/** Inserts pending attempts; one whose (endpoint, event, attempt) is there already is left alone. */
export function insertPending(scope: TenantScope, rows: readonly PendingDelivery[]): D1PreparedStatement {
  const values = rows.map((r) => ({
    delivery_id: r.deliveryId,
    endpoint_id: r.endpointId,
    event_id: r.eventId,
    event_type: r.eventType,
    attempt: r.attempt,
    try_number: r.tryNumber,
    origin: r.origin,
    next_retry_at: r.dueAt,
    created_at: r.createdAt,
  }));
  return scope.db
    .prepare(
      `INSERT INTO webhook_deliveries (tenant_id, status, ${PENDING_FIELDS.join(", ")})
       ${jsonRowsSource(PENDING_FIELDS, ["?2", "'pending'"])}
       ON CONFLICT (tenant_id, endpoint_id, event_id, attempt) DO NOTHING`,
    )
    .bind(JSON.stringify(values), scope.tenantId);
}

/**
 * A new series of attempts of an event to an endpoint (a redelivery or a test): its
 * attempt number follows the pair's last, its try number is 1.
 */
export function insertSeries(
  scope: TenantScope,
  row: Omit<PendingDelivery, "attempt" | "tryNumber">,
): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO webhook_deliveries (delivery_id, tenant_id, endpoint_id, event_id, event_type, attempt, try_number,
         origin, status, next_retry_at, created_at)
       SELECT ?1, ?2, ?3, ?4, ?5, COALESCE(MAX(attempt), 0) + 1, 1, ?6, 'pending', ?7, ?8
       FROM webhook_deliveries WHERE tenant_id = ?2 AND endpoint_id = ?3 AND event_id = ?4`,
    )
    .bind(
      row.deliveryId,
      scope.tenantId,
      row.endpointId,
      row.eventId,
      row.eventType,
      row.origin,
      row.dueAt,
      row.createdAt,
    );
}

/** A pending attempt with the body of its event. */
export interface DueDelivery extends DeliveryRow {
  body: string;
}

/**
 * The pending attempt of each (endpoint, event) pair, with its event's body: the latest
 * such attempt when, unusually, there are two (a redelivery asked while a retry waits).
 */
export function pendingFor(
  scope: TenantScope,
  pairs: readonly { endpointId: string; eventId: string }[],
): D1PreparedStatement {
  return scope.db
    .prepare(
      `SELECT d.*, e.body FROM json_each(?2) AS j
       JOIN webhook_deliveries d ON d.tenant_id = ?1 AND d.endpoint_id = json_extract(j.value, '$.p')
         AND d.event_id = json_extract(j.value, '$.e') AND d.status = 'pending'
       JOIN webhook_events e ON e.event_id = d.event_id AND e.tenant_id = ?1
       ORDER BY d.attempt`,
    )
    .bind(scope.tenantId, JSON.stringify(pairs.map((p) => ({ p: p.endpointId, e: p.eventId }))));
}

/** How one attempt went. */
export interface AttemptOutcome {
  status: Exclude<DeliveryStatus, "pending">;
  responseStatus: number | null;
  latencyMs: number | null;
  error: string | null;
  attemptedAt: string | null;
  /** When the next try is due; null when there is none. */
  nextRetryAt: string | null;
}

/** Settles a pending attempt (only if it is still pending: a duplicate message settles nothing). */
export function settleAttempt(scope: TenantScope, deliveryId: string, outcome: AttemptOutcome): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE webhook_deliveries SET status = ?, response_status = ?, latency_ms = ?, error = ?, attempted_at = ?,
         next_retry_at = ? WHERE tenant_id = ? AND delivery_id = ? AND status = 'pending'`,
    )
    .bind(
      outcome.status,
      outcome.responseStatus,
      outcome.latencyMs,
      outcome.error,
      outcome.attemptedAt,
      outcome.nextRetryAt,
      scope.tenantId,
      deliveryId,
    );
}

/** Cancels every pending attempt of an endpoint (it was disabled). */
export function cancelPending(scope: TenantScope, endpointId: string, why: string, now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE webhook_deliveries SET status = 'cancelled', error = ?, attempted_at = NULL, next_retry_at = NULL
       WHERE tenant_id = ? AND endpoint_id = ? AND status = 'pending' AND created_at <= ?`,
    )
    .bind(why, scope.tenantId, endpointId, now);
}

/**
 * An endpoint's log, newest first, a page at a time (keyset on the ULID ids), or the
 * attempts of one event to it: each through an index that starts with the tenant and
 * the endpoint, so a page reads about as many rows as it returns.
 */
export async function listDeliveries(
  scope: TenantScope,
  endpointId: string,
  options: { beforeId?: string; limit: number; eventId?: string },
): Promise<{ rows: DeliveryRow[]; hasMore: boolean }> {
  const byEvent = options.eventId !== undefined;
  const { results } = await scope.db
    .prepare(
      `SELECT * FROM webhook_deliveries
       WHERE tenant_id = ?1 AND endpoint_id = ?2 AND delivery_id < ?3 ${byEvent ? "AND event_id = ?5" : ""}
       ORDER BY delivery_id DESC LIMIT ?4`,
    )
    .bind(
      scope.tenantId,
      endpointId,
      options.beforeId ?? "\uffff",
      options.limit + 1,
      ...(byEvent ? [options.eventId] : []),
    )
    .all<DeliveryRow>();
  return { rows: results.slice(0, options.limit), hasMore: results.length > options.limit };
}

/** One attempt as the API shows it. */
export function toDelivery(row: DeliveryRow) {
  return {
    id: row.delivery_id,
    event_id: row.event_id,
    event_type: row.event_type,
    attempt: row.attempt,
    try_number: row.try_number,
    origin: row.origin,
    status: row.status,
    response_status: row.response_status,
    latency_ms: row.latency_ms,
    error: row.error,
    attempted_at: isoOrNull(row.attempted_at),
    next_retry_at: isoOrNull(row.next_retry_at),
    created_at: row.created_at,
  };
}
