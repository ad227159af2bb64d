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
//
// A page makes at most ARCHIVE_CALLS_PER_PAGE R2 calls (the listing, then one read a
// day), whatever the filters: a filter that matches nothing would otherwise read the
// whole archive in one request. A page that stops with archived days unread holds only
// rows newer than the newest unread day (fewer than `limit`, even none), and its cursor
// names the day after that one, so the next page carries on into older days (docs/retention.md,
// "Reading").
import { type AuditCursor, type AuditFilters, listAuditLogs } from "../db/audit-list";
import type { AuditLogRow } from "../db/audit-logs";
import type { TenantScope } from "../db/tenant-scope";
import { regionOfShard } from "../placement/shards";
import { addDays } from "../skills/calendar";
import { archiveBucket, auditPrefix, dayOfAuditKey } from "./archive-bucket";
import { newestFirst, readDay } from "./audit-day-object";

/** R2 calls one page may make: list calls first, then a get per archived day read. */
export const ARCHIVE_CALLS_PER_PAGE = 31;

export interface AuditPage {
  rows: AuditLogRow[];
  /** Where the next page starts; null at the end of the trail. */
  next: AuditCursor | null;
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

/**
 * The tenant's archived days from `low` (inclusive) that can hold a row before `upper`
 * (a day's rows all sort after its bare date, so a bare date excludes its own day),
 * either open, ascending; and the R2 list calls it took (one per 1,000 days).
 */
async function archivedDays(
  bucket: R2Bucket,
  tenantId: string,
  low: string | null,
  upper: string | null,
): Promise<{ days: string[]; calls: number }> {
  const prefix = auditPrefix(tenantId);
  const days: string[] = [];
  let cursor: string | undefined;
  for (let calls = 1; ; calls++) {
    const listing = await bucket.list({
      prefix,
      // Keys sort by day: start just before `low`'s object ("<prefix><low>" < "<prefix><low>.ndjson.gz").
      ...(cursor ? { cursor } : low ? { startAfter: `${prefix}${low}` } : {}),
    });
    for (const object of listing.objects) {
      const day = dayOfAuditKey(tenantId, object.key);
      if (day === null || (low !== null && day < low)) continue;
      if (upper !== null && day >= upper) return { days, calls };
      days.push(day);
    }
    if (!listing.truncated) return { days, calls };
    cursor = listing.cursor;
  }
}

function cursorAt(row: AuditLogRow): AuditCursor {
  return { timestamp: row.timestamp, logId: row.log_id };
}

export async function listAuditTrail(
  env: Env,
  scope: TenantScope,
  filters: AuditFilters,
  page: { after?: AuditCursor; limit: number },
): Promise<AuditPage> {
  const d1 = await listAuditLogs(scope, filters, page);
  const region = regionOfShard(scope.shard);
  const last = d1.rows.at(-1);
  if (!region) return { rows: d1.rows, next: d1.hasMore && last ? cursorAt(last) : null };
  const bucket = archiveBucket(env, region);
  const upper = [filters.to, page.after?.timestamp].filter((t): t is string => t !== undefined).sort()[0];
  const listing = await archivedDays(bucket, scope.tenantId, filters.from?.slice(0, 10) ?? null, upper ?? null);
  // What the listing left of the page's R2 calls; at least one read, so paging always moves on.
  let reads = Math.max(1, ARCHIVE_CALLS_PER_PAGE - listing.calls);
  // D1 filled the page: archived days before its last row's day cannot enter it.
  const floor = d1.rows.length >= page.limit ? (last as AuditLogRow).timestamp.slice(0, 10) : null;
  const unread = [...listing.days];
  const archived: AuditLogRow[] = [];
  for (let day = unread.at(-1); day !== undefined; day = unread.at(-1)) {
    if ((floor !== null && day < floor) || archived.length >= page.limit || reads === 0) break;
    unread.pop();
    reads -= 1;
    const object = await readDay(bucket, scope.tenantId, day);
    archived.push(...(object?.rows ?? []).filter((row) => matches(row, filters, page.after)));
  }
  const newestUnread = unread.at(-1);
  const seen = new Set(d1.rows.map((row) => row.log_id));
  const merged = [...d1.rows, ...archived.filter((row) => !seen.has(row.log_id))].sort(newestFirst);
  // A day not read yet may hold rows newer than anything from an older day: the page ends above it.
  const listed =
    newestUnread === undefined ? merged : merged.filter((row) => row.timestamp.slice(0, 10) > newestUnread);
  const rows = listed.slice(0, page.limit);
  const end = rows.at(-1);
  if (!(listed.length > page.limit || d1.hasMore || newestUnread !== undefined)) return { rows, next: null };
  if (end && (rows.length === page.limit || newestUnread === undefined)) return { rows, next: cursorAt(end) };
  // A short page (the read budget ran out): go on below the newest unread day. The bare
  // date sorts before every timestamp of the day after it, and "" before every id.
  return { rows, next: { timestamp: addDays(newestUnread as string, 1), logId: "" } };
}
