// A tenant's audit trail, in its shard. An audit row is written in the same D1 batch
// as the change it records (so neither exists without the other) when the change is
// in the same shard; src/http/audit.ts says what happens when it is not. Metadata never carries a secret: callers pass ids and field names only.

import { FilterClause } from "./filter-clause";
import { newId } from "./ids";
import { jsonFields, jsonRowsSource } from "./json-rows";
import type { TenantScope } from "./tenant-scope";
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

export interface AuditFilters {
  action?: string;
  userId?: string;
  resourceType?: string;
  resourceId?: string;
  from?: string;
  to?: string;
  success?: boolean;
}

export interface AuditCursor {
  timestamp: string;
  logId: string;
}

/**
 * Newest first; the cursor is the last row's (timestamp, id). The WHERE clause holds
 * only the filters given, so SQLite seeks the index of the most selective one
 * (migration 0013: the tenant's trail in page order, by action, the failures; the
 * seed's by user and by resource) and starts at the cursor instead of counting up to it.
 */
export async function listAuditLogs(
  scope: TenantScope,
  filters: AuditFilters,
  page: { after?: AuditCursor; limit: number },
): Promise<{ rows: AuditLogRow[]; hasMore: boolean }> {
  // A user's or a resource's rows are few among the tenant's: `+tenant_id` keeps SQLite
  // from reading the tenant's whole trail in page order instead of theirs (the seed's
  // idx_audit_logs_user and idx_audit_logs_resource), which it prefers without
  // statistics; the tenant is still checked on each row they hold.
  const few = filters.userId !== undefined || filters.resourceId !== undefined;
  const where = new FilterClause(few ? "+tenant_id = ?" : "tenant_id = ?", scope.tenantId)
    .given("action = ?", filters.action)
    .given("user_id = ?", filters.userId)
    .given("resource_type = ?", filters.resourceType)
    .given("resource_id = ?", filters.resourceId)
    .given("timestamp >= ?", filters.from);
  // A constant, not a bound value, so that success = 0 matches the failures' partial index.
  if (filters.success !== undefined) where.always(filters.success ? "success = 1" : "success = 0");
  // One upper bound, the tighter, which implies the other (SQLite seeks by one): the
  // cursor when it lies before `to`, else `to` (ISO strings compare here as in SQLite).
  const { after } = page;
  if (after && (filters.to === undefined || after.timestamp < filters.to)) {
    where.always("(timestamp, log_id) < (?, ?)", after.timestamp, after.logId);
  } else {
    where.given("timestamp < ?", filters.to);
  }
  const { results } = await scope.db
    .prepare(`SELECT * FROM audit_logs WHERE ${where.sql} ORDER BY timestamp DESC, log_id DESC LIMIT ?`)
    .bind(...where.params, page.limit + 1)
    .all<AuditLogRow>();
  return { rows: results.slice(0, page.limit), hasMore: results.length > page.limit };
}
