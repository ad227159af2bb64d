// The daily sweep of expired exports (docs/privacy.md, "A tenant's export"): every
// object under exports/ in each region's archive bucket carries its expiry
// (src/core/privacy/export-layout.ts, expiryMetadata); those past it are deleted. A
// download after expiry answers 410 and deletes the export's objects itself
// (src/router/routes/tenant-exports.ts), so this sweep is what removes an export no
// one asks for again, and the parts of one that never finished. Bounded by a call
// budget; safe to run again (what is left is found by the next run).
import type { Region } from "../db/tenants";
import { REGIONS } from "../db/tenants";
import { archiveBucket } from "./archive-bucket";
import { type BudgetLimits, CallBudget } from "./budget";

/** R2 calls one sweep may make (lists and deletes), well within the cron's limits. */
const SWEEP_BUDGET: BudgetLimits = { d1: 0, r2: 200 };

export interface ExportSweepReport {
  checked: number;
  deleted: number;
  complete: boolean;
  failures: { region: Region; reason: string }[];
}

export async function sweepExpiredExports(env: Env, nowMs: number, limits = SWEEP_BUDGET): Promise<ExportSweepReport> {
  const budget = new CallBudget(limits);
  const report: ExportSweepReport = { checked: 0, deleted: 0, complete: true, failures: [] };
  for (const region of REGIONS) {
    try {
      const bucket = archiveBucket(env, region);
      let cursor: string | undefined;
      do {
        if (!budget.affords(0, 2)) {
          report.complete = false;
          return report;
        }
        const page = await budget.r2(() =>
          bucket.list({ prefix: "exports/", cursor, limit: 1000, include: ["customMetadata"] }),
        );
        report.checked += page.objects.length;
        const expired = page.objects
          .filter((object) => {
            const at = Date.parse(object.customMetadata?.expires_at ?? "");
            return Number.isFinite(at) && at <= nowMs;
          })
          .map((object) => object.key);
        if (expired.length > 0) {
          await budget.r2(() => bucket.delete(expired));
          report.deleted += expired.length;
        }
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
    } catch (error) {
      report.failures.push({ region, reason: (error instanceof Error ? error.message : String(error)).slice(0, 300) });
    }
  }
  return report;
}

/** Deletes every object of one export now (a download found it expired). */
export async function deleteExportObjects(bucket: R2Bucket, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor, limit: 1000 });
    const keys = page.objects.map((object) => object.key);
    if (keys.length > 0) await bucket.delete(keys);
    deleted += keys.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}
