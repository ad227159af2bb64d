// A person's audit rows archived to R2 (docs/privacy.md, "A person's data"), for their
// data a page at a time: the tenant's archived days (src/core/retention/audit-day-object.ts)
// oldest first, and in each the rows they are the actor of, oldest first. A page reads
// at most ARCHIVE_DAYS_PER_PAGE days and lists at most ARCHIVE_LISTS_PER_PAGE times, so
// a tenant with years of archive answers every page in bounded time: a page may then
// hold fewer rows than asked, or none, and its cursor goes on from the last day read.
import type { AuditLogRow } from "../db/audit-logs";
import { auditPrefix, dayOfAuditKey } from "../retention/archive-bucket";
import { readDay } from "../retention/audit-day-object";

/** Archived days one page reads at most. */
export const ARCHIVE_DAYS_PER_PAGE = 30;
/** R2 list calls one page makes at most (a call lists up to 1,000 days). */
const ARCHIVE_LISTS_PER_PAGE = 2;

/** Where the next page starts: after the archive key `afterKey` (under the tenant's prefix), or inside a day. */
export type ArchiveCursor = { afterKey: string } | { day: string; timestamp: string; logId: string };

export interface ArchivePage {
  rows: AuditLogRow[];
  /** Null once every archived day was read. */
  next: ArchiveCursor | null;
}

function oldestFirst(a: AuditLogRow, b: AuditLogRow): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  return a.log_id < b.log_id ? -1 : a.log_id > b.log_id ? 1 : 0;
}

/** Up to `limit` of the person's archived rows after `after`. */
export async function personArchivePage(
  bucket: R2Bucket,
  tenantId: string,
  userId: string,
  after: ArchiveCursor | null,
  limit: number,
): Promise<ArchivePage> {
  const prefix = auditPrefix(tenantId);
  const within = after && "day" in after ? after : null;
  // Inside a day: "<prefix><day>" sorts just before that day's key, so the listing starts with it.
  let startAfter: string | null =
    after === null ? null : "day" in after ? `${prefix}${after.day}` : `${prefix}${after.afterKey}`;
  const rows: AuditLogRow[] = [];
  let reads = 0;
  const resume = (): ArchivePage => ({
    rows,
    next: startAfter === null ? after : { afterKey: startAfter.slice(prefix.length) },
  });
  for (let lists = 0; lists < ARCHIVE_LISTS_PER_PAGE; lists++) {
    const listing = await bucket.list({ prefix, ...(startAfter === null ? {} : { startAfter }) });
    for (const object of listing.objects) {
      const day = dayOfAuditKey(tenantId, object.key);
      if (day !== null) {
        if (reads === ARCHIVE_DAYS_PER_PAGE || rows.length === limit) return resume();
        reads += 1;
        const theirs = ((await readDay(bucket, tenantId, day))?.rows ?? [])
          .filter((row) => row.user_id === userId)
          .filter(
            (row) =>
              within?.day !== day ||
              row.timestamp > within.timestamp ||
              (row.timestamp === within.timestamp && row.log_id > within.logId),
          )
          .sort(oldestFirst);
        const room = limit - rows.length;
        if (theirs.length > room) {
          rows.push(...theirs.slice(0, room));
          const last = rows.at(-1) as AuditLogRow;
          return { rows, next: { day, timestamp: last.timestamp, logId: last.log_id } };
        }
        rows.push(...theirs);
      }
      startAfter = object.key;
    }
    if (!listing.truncated) return { rows, next: null };
  }
  return resume();
}
