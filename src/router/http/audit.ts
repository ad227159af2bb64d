// Writing audit rows from a request. A tenant's trail lives in its shard; the
// operator's changes to the global registry are audited in the global database
// (operator_audit_logs). Three ways to commit a change with its row:
//
// - commitAudited: a change to the tenant's own rows; change and row are one batch
//   on the tenant's shard, so neither exists without the other.
// - commitOperatorAudited: a change to the global registry by the operator; one
//   batch on the global database.
// - commitGlobalForTenant: a change to the global database made by or for one tenant
//   (its directory row, its private skills). Two databases, so two batches, in this
//   order: the change first, then the tenant's audit row. The repair path: an audit
//   row its shard refuses is handed to the tenant's TenantObject, which keeps it in
//   its own storage and writes it on its alarm until the shard takes it (a row is
//   delayed, never lost; its log id is fixed, so a retry cannot write it twice).
//
// Refusals and failures are recorded by the error handler (auditFailure).

import type { Context } from "hono";
import { isoNow } from "../../core/clock";
import {
  type AuditActor,
  type AuditEvent,
  auditStatement,
  type PendingAuditRow,
  pendingAuditRow,
  pendingAuditStatement,
} from "../../core/db/audit-logs";
import { operatorAuditStatement } from "../../core/db/operator-audit";
import { tenantScope } from "../../core/db/tenant-scope";
import { retryOnReset, tenantObject } from "../objects";
import type { AppEnv } from "./app-env";

export function auditActor(c: Context<AppEnv>): AuditActor {
  return {
    tenantId: c.var.user?.tenantId ?? c.var.scope?.tenantId ?? null,
    userId: c.var.user?.userId ?? (c.var.operator ? "operator" : null),
    ip: c.req.header("CF-Connecting-IP") ?? null,
    userAgent: c.req.header("User-Agent") ?? null,
    requestId: c.var.requestId ?? null,
  };
}

/**
 * Runs `statements` and the audit row of `event` as one D1 batch on `db` (the
 * tenant's shard): the change and its record commit together or not at all.
 */
export async function commitAudited(
  c: Context<AppEnv>,
  db: D1Database,
  statements: D1PreparedStatement[],
  event: AuditEvent,
  actor: AuditActor = auditActor(c),
): Promise<D1Result[]> {
  const results = await db.batch([...statements, auditStatement(db, actor, event, isoNow(c.var.clock))]);
  return results.slice(0, statements.length);
}

/** A change of the global registry by the operator, with its operator audit row, in one global batch. */
export async function commitOperatorAudited(
  c: Context<AppEnv>,
  statements: D1PreparedStatement[],
  event: AuditEvent,
): Promise<D1Result[]> {
  const db = c.env.DB;
  const results = await db.batch([
    ...statements,
    operatorAuditStatement(db, auditActor(c), event, isoNow(c.var.clock)),
  ]);
  return results.slice(0, statements.length);
}

/**
 * A change of the global database made by or for `tenantId`, then its audit row in
 * the tenant's shard (see the top of this file for the order and the repair path).
 */
export async function commitGlobalForTenant(
  c: Context<AppEnv>,
  tenantId: string,
  statements: D1PreparedStatement[],
  event: AuditEvent,
  actor: AuditActor = { ...auditActor(c), tenantId },
): Promise<D1Result[]> {
  const results = statements.length > 0 ? await c.env.DB.batch(statements) : [];
  await auditInTenantShard(c.env, tenantId, [pendingAuditRow({ ...actor, tenantId }, event, isoNow(c.var.clock))]);
  return results;
}

/** Writes audit rows to their tenant's shard, or leaves them with the tenant's object to write later. */
export async function auditInTenantShard(env: Env, tenantId: string, rows: PendingAuditRow[]): Promise<void> {
  try {
    const scope = await tenantScope(env, tenantId);
    await scope.db.batch([pendingAuditStatement(scope.db, rows)]);
  } catch (error) {
    console.warn(`audit rows of ${tenantId} refused by its shard (${String(error)}); its object keeps them`);
    const object = await tenantObject(env, tenantId);
    await retryOnReset(object, "keepAuditRows", rows);
  }
}

/** Records that the pending action was refused or failed with `status`. */
export async function auditFailure(c: Context<AppEnv>, status: number, message: string): Promise<void> {
  const pending = c.var.pendingAudit;
  if (!pending || !(c.var.user || c.var.operator)) return;
  if (!pending.mutation && status !== 403) return;
  const event: AuditEvent = {
    action: pending.action,
    resourceType: pending.resourceType,
    resourceId: pending.resourceId,
    success: false,
    errorMessage: `${status}: ${message}`,
  };
  try {
    const scope = c.var.scope;
    // A tenant's row goes through auditInTenantShard: refused by its shard (fenced while
    // the tenant moves), it is kept by the tenant's object rather than lost.
    if (scope)
      await auditInTenantShard(c.env, scope.tenantId, [pendingAuditRow(auditActor(c), event, isoNow(c.var.clock))]);
    else await c.env.DB.batch([operatorAuditStatement(c.env.DB, auditActor(c), event, isoNow(c.var.clock))]);
  } catch (error) {
    // The response must not change because the trail could not be written; say so loudly.
    console.error(`[${c.var.requestId}] audit row for a failed ${pending.action} was not written: ${String(error)}`);
  }
}
