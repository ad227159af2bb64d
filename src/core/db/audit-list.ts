// The tenant's audit trail, newest first, by the filters given (GET /v1/audit-logs).
// The cursor is the last row's (timestamp, id). Which index answers depends on the
// filters (migrations 0013 and 0015), so a page reads about as many rows as it returns:
//
//   a user, a resource id    their own indexes (their rows are few among the tenant's);
//   an action, a type        idx_audit_logs_tenant_type_action (tenant, type, action,
//                            time): one range per (type, action) pair, merged in time
//                            order (orderedMerge), the pairs found by a skip scan of the
//                            same index that reads one entry per distinct type or action;
//   failures                 their partial index; of a type or an action,
//                            idx_audit_logs_failures_type_action, the same ranges
//                            of failures only (migration 0018), merged the same way;
//   anything else            the tenant's trail in page order.
//
// Each statement names the index it reads or leaves SQLite no other (`+tenant_id`), so
// a page costs the same with or without the planner's statistics.

import type { AuditLogRow } from "./audit-logs";
import { FilterClause } from "./filter-clause";
import { orderedMerge } from "./ordered-merge";
import type { TenantScope } from "./tenant-scope";

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

type Page = { after?: AuditCursor; limit: number };
type Listed = { rows: AuditLogRow[]; hasMore: boolean };

const BY_TYPE_AND_ACTION = "idx_audit_logs_tenant_type_action";
/** The same ranges, failures only (a partial index: its statements say `success = 0`). */
const FAILURES_BY_TYPE_AND_ACTION = "idx_audit_logs_failures_type_action";
/** D1 binds at most 100 values a statement: pairs beyond this are read by one plain query. */
const MAX_PAIRS = 40;

export async function listAuditLogs(scope: TenantScope, filters: AuditFilters, page: Page): Promise<Listed> {
  const few = filters.userId !== undefined || filters.resourceId !== undefined;
  if (!few && (filters.action !== undefined || filters.resourceType !== undefined)) {
    const pairs = await typeActionPairs(scope, filters);
    if (pairs.length === 0) return { rows: [], hasMore: false };
    if (pairs.length <= MAX_PAIRS) return mergedByPairs(scope, filters, page, pairs);
  }
  // A user's or a resource's rows are few among the tenant's: `+tenant_id` keeps SQLite
  // from reading the tenant's whole trail in page order instead of theirs
  // (idx_audit_logs_user_cursor, migration 0018, and the seed's idx_audit_logs_resource),
  // which it prefers without statistics; the tenant is still checked on each row they hold.
  const where = new FilterClause(few ? "+tenant_id = ?" : "tenant_id = ?", scope.tenantId)
    .given("action = ?", filters.action)
    .given("user_id = ?", filters.userId)
    .given("resource_type = ?", filters.resourceType)
    .given("resource_id = ?", filters.resourceId);
  restOf(where, filters, page);
  const { results } = await scope.db
    .prepare(`SELECT * FROM audit_logs WHERE ${where.sql} ORDER BY timestamp DESC, log_id DESC LIMIT ?`)
    .bind(...where.params, page.limit + 1)
    .all<AuditLogRow>();
  return { rows: results.slice(0, page.limit), hasMore: results.length > page.limit };
}

/** The filters on time, outcome and the cursor, which every index above reads in order. */
function restOf(where: FilterClause, filters: AuditFilters, page: Page): FilterClause {
  where.given("timestamp >= ?", filters.from);
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
  return where;
}

interface Pair {
  type: string;
  action: string;
}

/**
 * The (type, action) pairs the filters select among the tenant's rows. Both given: that
 * pair. A type: its actions, a type's next action found by one seek of the index past the
 * last (a skip scan). An action: the tenant's types the same way, each kept when it has a
 * row of that action (one more seek).
 */
async function typeActionPairs(scope: TenantScope, filters: AuditFilters): Promise<Pair[]> {
  const { resourceType: type, action } = filters;
  if (type !== undefined && action !== undefined) return [{ type, action }];
  // Failures alone have their own ranges: only the pairs that have failures are found.
  const { index, failures } = rangesOf(filters);
  if (type !== undefined) {
    const { results } = await scope.db
      .prepare(
        `WITH RECURSIVE actions(a) AS (
           SELECT (SELECT action FROM audit_logs INDEXED BY ${index}
                   WHERE tenant_id = ?1 AND resource_type = ?2${failures} ORDER BY action LIMIT 1)
           UNION ALL
           SELECT (SELECT action FROM audit_logs INDEXED BY ${index}
                   WHERE tenant_id = ?1 AND resource_type = ?2 AND action > actions.a${failures} ORDER BY action LIMIT 1)
           FROM actions WHERE actions.a IS NOT NULL
         )
         SELECT a FROM actions WHERE a IS NOT NULL`,
      )
      .bind(scope.tenantId, type)
      .all<{ a: string }>();
    return results.map((r) => ({ type, action: r.a }));
  }
  const { results } = await scope.db
    .prepare(
      `WITH RECURSIVE types(t) AS (
         SELECT (SELECT resource_type FROM audit_logs INDEXED BY ${index}
                 WHERE tenant_id = ?1${failures} ORDER BY resource_type LIMIT 1)
         UNION ALL
         SELECT (SELECT resource_type FROM audit_logs INDEXED BY ${index}
                 WHERE tenant_id = ?1 AND resource_type > types.t${failures} ORDER BY resource_type LIMIT 1)
         FROM types WHERE types.t IS NOT NULL
       )
       SELECT t FROM types
       WHERE t IS NOT NULL AND EXISTS (
         SELECT 1 FROM audit_logs INDEXED BY ${index}
         WHERE tenant_id = ?1 AND resource_type = types.t AND action = ?2${failures}
       )`,
    )
    .bind(scope.tenantId, action as string)
    .all<{ t: string }>();
  return results.map((r) => ({ type: r.t, action: action as string }));
}

/**
 * The index whose (type, action) ranges a list reads: failures' own when the list is of
 * failures (its statements then repeat the partial index's condition).
 */
function rangesOf(filters: AuditFilters): { index: string; failures: string } {
  return filters.success === false
    ? { index: FAILURES_BY_TYPE_AND_ACTION, failures: " AND success = 0" }
    : { index: BY_TYPE_AND_ACTION, failures: "" };
}

/** One range per pair, each read in page order from the index, merged (orderedMerge). */
async function mergedByPairs(scope: TenantScope, filters: AuditFilters, page: Page, pairs: Pair[]): Promise<Listed> {
  const { index } = rangesOf(filters);
  const shared = restOf(new FilterClause("tenant_id = ?", scope.tenantId), filters, page);
  const params = shared.params;
  const next = () => `?${params.length + 1}`;
  const selects = pairs.map((pair) => {
    const type = next();
    params.push(pair.type);
    const action = next();
    params.push(pair.action);
    return `SELECT * FROM audit_logs INDEXED BY ${index}
            WHERE ${shared.numberedSql()} AND resource_type = ${type} AND action = ${action}`;
  });
  const limit = next();
  params.push(page.limit + 1);
  const { results } = await scope.db
    .prepare(orderedMerge(selects, "timestamp DESC, log_id DESC", limit))
    .bind(...params)
    .all<AuditLogRow>();
  return { rows: results.slice(0, page.limit), hasMore: results.length > page.limit };
}
