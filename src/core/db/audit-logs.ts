// A tenant's audit trail, in its shard. An audit row is written in the same D1 batch
// as the change it records (so neither exists without the other) when the change is
// in the same shard; src/router/http/audit.ts says what happens when it is not. Metadata never carries a secret: callers pass ids and field names only.

import { newId } from "./ids";
import { jsonFields, jsonRowsSource } from "./json-rows";
import { isoOrNull } from "./time";

/** Who did it, from where: taken from the request. */
export interface AuditActor {
  tenantId: string | null;
  userId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditEvent {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  metadata?: Record<string, unknown>;
  success?: boolean;
  errorMessage?: string | null;
}

/** The columns of audit_logs, in table order (the archive's NDJSON lines hold the same). */
export const AUDIT_FIELDS = [
  "log_id",
  "tenant_id",
  "user_id",
  "action",
  "resource_type",
  "resource_id",
  "ip_address",
  "user_agent",
  "request_id",
  "metadata",
  "success",
  "error_message",
  "timestamp",
] as const satisfies readonly (keyof AuditLogRow)[];

type AuditEntry = { actor: AuditActor; event: AuditEvent; now: string };

/** An audit row as written, its id fixed when it is made. */
export type PendingAuditRow = Record<(typeof AUDIT_FIELDS)[number], string | number | null>;

export function pendingAuditRow(actor: AuditActor, event: AuditEvent, now: string): PendingAuditRow {
  return {
    log_id: newId("auditLog"),
    tenant_id: actor.tenantId,
    user_id: actor.userId,
    action: event.action,
    resource_type: event.resourceType,
    resource_id: event.resourceId ?? null,
    ip_address: actor.ip,
    user_agent: actor.userAgent?.slice(0, 512) ?? null,
    request_id: actor.requestId,
    metadata: event.metadata ? JSON.stringify(event.metadata) : null,
    success: event.success === false ? 0 : 1,
    error_message: event.errorMessage?.slice(0, 1000) ?? null,
    timestamp: now,
  };
}

function auditRows(entries: readonly AuditEntry[]): string {
  return JSON.stringify(entries.map(({ actor, event, now }) => pendingAuditRow(actor, event, now)));
}

/**
 * Rows made earlier (pendingAuditRow) and written now, perhaps not for the first time:
 * a row whose id is already there is left as it is.
 */
export function pendingAuditStatement(db: D1Database, rows: readonly PendingAuditRow[]): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO audit_logs (${AUDIT_FIELDS.join(", ")}) ${jsonRowsSource(AUDIT_FIELDS)} ON CONFLICT(log_id) DO NOTHING`,
    )
    .bind(JSON.stringify(rows));
}

/** One audit row per entry, in one statement (at most MAX_JSON_ROWS entries). */
export function auditStatements(db: D1Database, entries: readonly AuditEntry[]): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO audit_logs (${AUDIT_FIELDS.join(", ")}) ${jsonRowsSource(AUDIT_FIELDS)}`)
    .bind(auditRows(entries));
}

/**
 * As auditStatements, leaving out an entry whose resource already has a row of the
 * same action: for a batch that may be written again because its answer was lost
 * after D1 committed it (the publish outbox), so the trail records each event once.
 */
export function auditStatementsOnce(db: D1Database, entries: readonly AuditEntry[]): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO audit_logs (${AUDIT_FIELDS.join(", ")})
       SELECT ${jsonFields(AUDIT_FIELDS)} FROM json_each(?1)
       WHERE NOT EXISTS (SELECT 1 FROM audit_logs AS a WHERE a.resource_type = json_extract(value, '$.resource_type')
         AND a.resource_id = json_extract(value, '$.resource_id') AND a.action = json_extract(value, '$.action'))`,
    )
    .bind(auditRows(entries));
}

export function auditStatement(db: D1Database, actor: AuditActor, event: AuditEvent, now: string): D1PreparedStatement {
  return auditStatements(db, [{ actor, event, now }]);
}

export interface AuditLogRow {
  log_id: string;
  tenant_id: string | null;
  user_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  request_id: string | null;
  metadata: string | null;
  success: number;
  error_message: string | null;
  timestamp: string;
}

export function toAuditLog(row: AuditLogRow) {
  return {
    id: row.log_id,
    user_id: row.user_id,
    action: row.action,
    resource_type: row.resource_type,
    resource_id: row.resource_id,
    ip_address: row.ip_address,
    user_agent: row.user_agent,
    request_id: row.request_id,
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null,
    success: row.success === 1,
    error_message: row.error_message,
    timestamp: isoOrNull(row.timestamp) as string,
  };
}
