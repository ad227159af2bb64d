// GET /v1/audit-logs over the whole trail: the rows still in D1 and the days archived
// to R2, merged into one listing with the same filters, the same order (timestamp
// DESC, log_id DESC) and the same cursor, so a client pages from last week into last
// year without knowing where the rows are kept.
//
// D1 is read first, then R2: a row the retention job moves in between is then seen
// in at least one of them (the job writes the archive before it deletes), and a row
// seen in both is listed once. Archived days are read newest first, and only as far
// as the page needs: not past the day of D1's last row when D1 filled the page, and
// not past the day that brought the page to its size.
import { type AuditCursor, type AuditFilters, listAuditLogs } from "../db/audit-list";
import type { AuditLogRow } from "../db/audit-logs";
import type { TenantScope } from "../db/tenant-scope";
import { regionOfShard } from "../placement/shards";
import { archiveBucket, auditPrefix, dayOfAuditKey } from "./archive-bucket";
import { newestFirst, readDay } from "./audit-day-object";

export interface AuditPage {
  rows: AuditLogRow[];
  hasMore: boolean;
}

/** The same test the D1 query makes, on an archived row (text compared as SQLite compares it). */
function matches(row: AuditLogRow, filters: AuditFilters, after: AuditCursor | undefined): boolean {
  if (filters.action !== undefined && row.action !== filters.action) return false;
  if (filters.userId !== undefined && row.user_id !== filters.userId) return false;
  if (filters.resourceType !== undefined && row.resource_type !== filters.resourceType) return false;
  if (filters.resourceId !== undefined && row.resource_id !== filters.resourceId) return false;
  if (filters.from !== undefined && row.timestamp < filters.from) return false;
  if (filters.to !== undefined && row.timestamp >= filters.to) return false;
  if (filters.success !== undefined && row.success !== (filters.success ? 1 : 0)) return false;
  if (after && !(row.timestamp < after.timestamp || (row.timestamp === after.timestamp && row.log_id < after.logId))) {
    return false;
  }
  return true;
}

/** The tenant's archived days between `low` and `high` (inclusive, either open), ascending. */
async function archivedDays(
  bucket: R2Bucket,
  tenantId: string,
  low: string | null,
  high: string | null,
): Promise<string[]> {
  const prefix = auditPrefix(tenantId);
  const days: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const listing = await bucket.list({
      prefix,
      // Keys sort by day: start just before `low`'s object ("<prefix><low>" < "<prefix><low>.ndjson.gz").
      ...(cursor ? { cursor } : low ? { startAfter: `${prefix}${low}` } : {}),
    });
    for (const object of listing.objects) {
      const day = dayOfAuditKey(tenantId, object.key);
      if (day === null || (low !== null && day < low)) continue;
      if (high !== null && day > high) return days;
      days.push(day);
    }
    if (!listing.truncated) return days;
    cursor = listing.cursor;
  }
}

export async function listAuditTrail(
  env: Env,
  scope: TenantScope,
  filters: AuditFilters,
  page: { after?: AuditCursor; limit: number },
): Promise<AuditPage> {
  const d1 = await listAuditLogs(scope, filters, page);
  const region = regionOfShard(scope.shard);
  if (!region) return d1;
  const bucket = archiveBucket(env, region);
  const upper = [filters.to, page.after?.timestamp].filter((t): t is string => t !== undefined).sort()[0];
  const days = await archivedDays(
    bucket,
    scope.tenantId,
    filters.from?.slice(0, 10) ?? null,
    upper?.slice(0, 10) ?? null,
  );
  // D1 filled the page: archived days before its last row's day cannot enter it.
  const floor = d1.rows.length >= page.limit ? (d1.rows.at(-1) as AuditLogRow).timestamp.slice(0, 10) : null;
  const archived: AuditLogRow[] = [];
  let unread = days.length;
  for (const day of days.toReversed()) {
    if ((floor !== null && day < floor) || archived.length >= page.limit) break;
    const object = await readDay(bucket, scope.tenantId, day);
    unread -= 1;
    archived.push(...(object?.rows ?? []).filter((row) => matches(row, filters, page.after)));
  }
  if (archived.length === 0 && unread === 0) return d1;
  const seen = new Set(d1.rows.map((row) => row.log_id));
  const merged = [...d1.rows, ...archived.filter((row) => !seen.has(row.log_id))].sort(newestFirst);
  return {
    rows: merged.slice(0, page.limit),
    hasMore: merged.length > page.limit || d1.hasMore || unread > 0,
  };
}
