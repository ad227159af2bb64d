// Where a tenant's archive lives: one R2 bucket per region, bound as
// ARCHIVE_<REGION> (ARCHIVE_EU_WEST, ARCHIVE_US_EAST, ARCHIVE_AP_SOUTHEAST), like the
// region's D1 shards (SHARD_<REGION>_<N>). The product promises each tenant that its
// data stays in its region, and an audit trail is personal data (who did what, from
// which address, with which browser): the EU bucket is created in R2's `eu`
// jurisdiction (a guarantee, as the EU shards and Durable Objects have), the others
// with their region's location hint (R2 places a bucket once, at creation, as D1 does
// its databases). A tenant's region never changes, so neither does its bucket: a move
// between shards of the region leaves its archive where it is.
import type { Region } from "../db/tenants";
import { REGION_PLACEMENT } from "../placement/regions";

/** The binding name of a region's archive bucket. */
export function archiveBindingOf(region: Region): string {
  return `ARCHIVE_${REGION_PLACEMENT[region].bindingPart}`;
}

/** The region's archive bucket. A region without one is a deployment error, never a silent skip. */
export function archiveBucket(env: Env, region: Region): R2Bucket {
  const name = archiveBindingOf(region);
  const bucket = (env as unknown as Record<string, unknown>)[name];
  if (!isBucket(bucket)) throw new Error(`no R2 bucket is bound as ${name} (the ${region} archive)`);
  return bucket;
}

function isBucket(value: unknown): value is R2Bucket {
  return typeof value === "object" && value !== null && typeof (value as R2Bucket).put === "function";
}

/** Every archived day of a tenant's audit trail sits under this prefix. */
export function auditPrefix(tenantId: string): string {
  return `audit/${tenantId}/`;
}

/** One object per tenant and UTC day: audit/<tenant_id>/<YYYY-MM-DD>.ndjson.gz. */
export function auditDayKey(tenantId: string, day: string): string {
  return `${auditPrefix(tenantId)}${day}.ndjson.gz`;
}

/** The day an archive key names; null for a key that is not a day object. */
export function dayOfAuditKey(tenantId: string, key: string): string | null {
  const prefix = auditPrefix(tenantId);
  if (!key.startsWith(prefix)) return null;
  const match = /^(\d{4}-\d{2}-\d{2})\.ndjson\.gz$/.exec(key.slice(prefix.length));
  return match ? (match[1] as string) : null;
}

/**
 * Every export of a tenant sits under this prefix (docs/privacy.md, "A tenant's
 * export"): exports/<tenant_id>/<export_id>/, in the tenant's own region like its audit
 * archive, so an export never leaves the region either.
 */
export function tenantExportsPrefix(tenantId: string): string {
  return `exports/${tenantId}/`;
}

/** One export's objects: its manifest and the parts of its files (src/core/privacy/export-layout.ts). */
export function exportPrefix(tenantId: string, exportId: string): string {
  return `${tenantExportsPrefix(tenantId)}${exportId}/`;
}
