// One archived day of a tenant's audit trail: gzip-compressed NDJSON, one audit_logs
// row per line exactly as D1 held it (every column, in the table's order), newest
// first (timestamp DESC, log_id DESC, as GET /v1/audit-logs lists them).
//
// Writes are compare-and-set on the object's etag: a day is rewritten only by someone
// who read the object as it is now and merged into it, so no row is ever lost, whatever
// runs at once (the cron and the operator's route, a late trail row, a person's erasure
// rewriting their rows in place: objects/privacy/archive-erasure.ts). The
// upload carries its SHA-256, which R2 checks before it stores anything; the same
// digest is kept in the object's metadata and checked on every read.

import { toHex } from "../crypto/encoding";
import { AUDIT_FIELDS, type AuditLogRow } from "../db/audit-logs";
import { auditDayKey } from "./archive-bucket";

/** What each NDJSON line holds: every column of audit_logs, in table order. */
export const ARCHIVED_FIELDS = AUDIT_FIELDS;

const FORMAT = "audit_logs.ndjson.gz/v1";

export interface DayObject {
  rows: AuditLogRow[];
  /** The etag to compare-and-set against when rewriting the day. */
  etag: string;
}

export interface WrittenDay {
  etag: string;
  size: number;
  sha256: string;
  rows: number;
}

/** The listing order: timestamp DESC, then log_id DESC (binary text comparison, as SQLite's). */
export function newestFirst(a: AuditLogRow, b: AuditLogRow): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? 1 : -1;
  if (a.log_id === b.log_id) return 0;
  return a.log_id < b.log_id ? 1 : -1;
}

function line(row: AuditLogRow): string {
  const ordered: Record<string, unknown> = {};
  for (const field of ARCHIVED_FIELDS) ordered[field] = row[field] ?? null;
  return JSON.stringify(ordered);
}

async function pipe(bytes: BodyInit, transform: CompressionStream | DecompressionStream): Promise<ArrayBuffer> {
  const body = new Response(bytes).body;
  if (!body) return new ArrayBuffer(0);
  return new Response(body.pipeThrough(transform)).arrayBuffer();
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

function parseRows(text: string, key: string): AuditLogRow[] {
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l, i) => {
      const row = JSON.parse(l) as AuditLogRow;
      if (typeof row?.log_id !== "string" || typeof row.timestamp !== "string") {
        throw new Error(`${key}: line ${i + 1} is not an audit row`);
      }
      return row;
    });
}

/** The day's archived rows, or null when the day has no object. A damaged object throws. */
export async function readDay(bucket: R2Bucket, tenantId: string, day: string): Promise<DayObject | null> {
  const key = auditDayKey(tenantId, day);
  const object = await bucket.get(key);
  if (!object) return null;
  const gz = await object.arrayBuffer();
  const expected = object.customMetadata?.sha256;
  if (expected && expected !== (await sha256Hex(gz))) throw new Error(`${key}: content does not match its SHA-256`);
  const text = new TextDecoder().decode(await pipe(gz, new DecompressionStream("gzip")));
  return { rows: parseRows(text, key), etag: object.etag };
}

/**
 * Writes the day as `rows` (sorted here), replacing the object read with etag
 * `previous`, or creating it when `previous` is null. Null when the object changed
 * (or appeared) since it was read: nothing was written, read it again.
 */
export async function writeDay(
  bucket: R2Bucket,
  tenantId: string,
  day: string,
  rows: AuditLogRow[],
  previous: string | null,
): Promise<WrittenDay | null> {
  const sorted = [...rows].sort(newestFirst);
  const text = `${sorted.map(line).join("\n")}\n`;
  const gz = await pipe(text, new CompressionStream("gzip"));
  const sha256 = await sha256Hex(gz);
  const put = await bucket.put(auditDayKey(tenantId, day), gz, {
    onlyIf: previous === null ? { etagDoesNotMatch: "*" } : { etagMatches: previous },
    sha256,
    httpMetadata: { contentType: "application/gzip" },
    customMetadata: { format: FORMAT, rows: String(sorted.length), sha256 },
  });
  if (!put) return null;
  return { etag: put.etag, size: gz.byteLength, sha256, rows: sorted.length };
}

/**
 * True when the stored object is the one just written: same etag, same size, and the
 * SHA-256 R2 computed on upload equals ours. Only then may D1 let go of its rows.
 */
export async function isStored(bucket: R2Bucket, tenantId: string, day: string, written: WrittenDay): Promise<boolean> {
  const head = await bucket.head(auditDayKey(tenantId, day));
  if (!head || head.etag !== written.etag || head.size !== written.size) return false;
  if (head.customMetadata?.sha256 !== written.sha256) return false;
  const stored = head.checksums.sha256;
  return stored === undefined || toHex(new Uint8Array(stored)) === written.sha256;
}
