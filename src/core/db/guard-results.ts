// Guard results (guard_results): automated checks of a candidate (contrast, safe margin,
// logo protection, ...) and the auto-fixes applied. The table has no tenant column;
// a result belongs to its content's tenant, so every statement here goes through the
// tenant's content row.
import { parseJson } from "./json-column";
import type { TenantScope } from "./tenant-scope";
import { iso } from "./time";

export interface GuardResultRow {
  result_id: string;
  request_id: string;
  content_id: string;
  guard_id: string;
  pass: number;
  metrics_json: string | null;
  auto_fixed: number;
  action_taken: string | null;
  created_at: string;
}

export function toGuardResult(row: GuardResultRow) {
  return {
    id: row.result_id,
    request_id: row.request_id,
    content_id: row.content_id,
    guard_id: row.guard_id,
    pass: row.pass === 1,
    metrics: parseJson<Record<string, unknown> | null>(row.metrics_json, null),
    auto_fixed: row.auto_fixed === 1,
    action_taken: row.action_taken,
    created_at: iso(row.created_at),
  };
}

/** Inserts a result only if the content is the tenant's (checked in the statement itself). */
export function insertGuardResult(
  scope: TenantScope,
  r: Omit<GuardResultRow, "metrics_json"> & { metrics: Record<string, unknown> | null },
): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO guard_results (result_id, request_id, content_id, guard_id, pass, metrics_json, auto_fixed,
                                  action_taken, created_at)
       SELECT ?, ?, content_id, ?, ?, ?, ?, ?, ?
       FROM generated_content WHERE tenant_id = ? AND content_id = ?`,
    )
    .bind(
      r.result_id,
      r.request_id,
      r.guard_id,
      r.pass,
      r.metrics === null ? null : JSON.stringify(r.metrics),
      r.auto_fixed,
      r.action_taken,
      r.created_at,
      scope.tenantId,
      r.content_id,
    );
}

/**
 * Recomputes the content's guard summary from the latest result of each guard: a
 * guard run again after an auto-fix counts once, with its newest verdict.
 */
export function refreshGuardSummary(scope: TenantScope, contentId: string): D1PreparedStatement {
  return scope.db
    .prepare(
      `WITH latest AS (
         SELECT pass FROM (
           SELECT pass, ROW_NUMBER() OVER (PARTITION BY guard_id ORDER BY created_at DESC, result_id DESC) AS n
           FROM guard_results WHERE content_id = ?1)
         WHERE n = 1)
       UPDATE generated_content SET
         guards_passed = (SELECT COUNT(*) FROM latest WHERE pass = 1),
         guards_failed = (SELECT COUNT(*) FROM latest WHERE pass = 0),
         guard_pass_rate = (SELECT AVG(pass) FROM latest)
       WHERE tenant_id = ?2 AND content_id = ?1`,
    )
    .bind(contentId, scope.tenantId);
}

/** A content's results, oldest first, after `afterId`; the content is the tenant's. */
export async function listGuardResults(
  scope: TenantScope,
  contentId: string,
  page: { afterId?: string; limit: number },
): Promise<{ rows: GuardResultRow[]; hasMore: boolean }> {
  const { results } = await scope.db
    .prepare(
      `SELECT g.* FROM guard_results g
       JOIN generated_content c ON c.content_id = g.content_id AND c.tenant_id = ?1
       WHERE g.content_id = ?2 AND (?3 IS NULL OR g.result_id > ?3)
       ORDER BY g.result_id LIMIT ?4`,
    )
    .bind(scope.tenantId, contentId, page.afterId ?? null, page.limit + 1)
    .all<GuardResultRow>();
  return { rows: results.slice(0, page.limit), hasMore: results.length > page.limit };
}
