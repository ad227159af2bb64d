// Writing audit rows from a request: the actor comes from the context, the row goes
// into the same batch as the change (commitAudited), and refusals and failures are
// recorded by the error handler (auditFailure).
import type { Context } from "hono";
import { type AuditActor, type AuditEvent, auditStatement } from "../db/audit-logs";
import { nowIso } from "../db/time";
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
 * Runs `statements` and the audit row of `event` as one D1 batch on `db`: the change
 * and its record commit together or not at all. Returns the statements' results.
 */
export async function commitAudited(
  c: Context<AppEnv>,
  db: D1Database,
  statements: D1PreparedStatement[],
  event: AuditEvent,
  actor: AuditActor = auditActor(c),
): Promise<D1Result[]> {
  const results = await db.batch([...statements, auditStatement(db, actor, event, nowIso())]);
  return results.slice(0, statements.length);
}

/** Records that the pending action was refused or failed with `status`. */
export async function auditFailure(c: Context<AppEnv>, status: number, message: string): Promise<void> {
  const pending = c.var.pendingAudit;
  if (!pending || !(c.var.user || c.var.operator)) return;
  if (!pending.mutation && status !== 403) return;
  const db = c.var.scope?.db ?? c.env.DB;
  try {
    await db.batch([
      auditStatement(
        db,
        auditActor(c),
        {
          action: pending.action,
          resourceType: pending.resourceType,
          resourceId: pending.resourceId,
          success: false,
          errorMessage: `${status}: ${message}`,
        },
        nowIso(),
      ),
    ]);
  } catch (error) {
    // The response must not change because the trail could not be written; say so loudly.
    console.error(`[${c.var.requestId}] audit row for a failed ${pending.action} was not written`, error);
  }
}
