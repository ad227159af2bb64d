// A tenant's webhook events in its shard (webhook_events, migration 0026): each event
// sent to at least one endpoint, with the exact body delivered, kept 30 days for
// redelivery (src/core/retention). Written many rows to a statement (one bound JSON
// array: src/core/db/json-rows.ts) and by id, so a batch written twice writes nothing twice.
import { jsonRowsSource } from "../db/json-rows";
import type { TenantScope } from "../db/tenant-scope";
import type { WebhookEventRecord, WebhookEventType } from "./events";

export interface EventRow {
  event_id: string;
  tenant_id: string;
  type: WebhookEventType;
  post_id: string | null;
  body: string;
  created_at: string;
}

const FIELDS = ["event_id", "type", "post_id", "body", "created_at"] as const;

/** Inserts the events not already there (one statement for up to MAX_JSON_ROWS of them). */
export function insertEvents(scope: TenantScope, events: readonly WebhookEventRecord[]): D1PreparedStatement {
  const rows = events.map((e) => ({
    event_id: e.eventId,
    type: e.type,
    post_id: e.postId,
    body: e.body,
    created_at: e.createdAt,
  }));
  return scope.db
    .prepare(
      `INSERT INTO webhook_events (tenant_id, ${FIELDS.join(", ")})
       ${jsonRowsSource(FIELDS, ["?2"])}
       ON CONFLICT (event_id) DO NOTHING`,
    )
    .bind(JSON.stringify(rows), scope.tenantId);
}

export function getEvent(scope: TenantScope, eventId: string): Promise<EventRow | null> {
  return scope.db
    .prepare("SELECT * FROM webhook_events WHERE tenant_id = ? AND event_id = ?")
    .bind(scope.tenantId, eventId)
    .first<EventRow>();
}
