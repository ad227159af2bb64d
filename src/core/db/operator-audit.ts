// The trail of changes to the global registry made by the operator or the platform
// itself (migrations/global/0012: operator_audit_logs). It lives in the global
// database, beside the rows it records, so such a change and its row are one batch. A
// change concerning one tenant is audited in that tenant's shard instead (audit-logs.ts).
import type { AuditActor, AuditEvent } from "./audit-logs";
import { newId } from "./ids";

export function operatorAuditStatement(
  db: D1Database,
  actor: AuditActor,
  event: AuditEvent,
  now: string,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO operator_audit_logs (log_id, actor, action, resource_type, resource_id, ip_address, user_agent,
         request_id, metadata, success, error_message, timestamp)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      newId("auditLog"),
      actor.userId ?? "operator",
      event.action,
      event.resourceType,
      event.resourceId ?? null,
      actor.ip,
      actor.userAgent?.slice(0, 512) ?? null,
      actor.requestId,
      event.metadata ? JSON.stringify(event.metadata) : null,
      event.success === false ? 0 : 1,
      event.errorMessage?.slice(0, 1000) ?? null,
      now,
    );
}
