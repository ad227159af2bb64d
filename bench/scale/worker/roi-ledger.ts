// ROI by campaign as the TenantObject answers it (objects/analytics/campaign-ledger.ts),
// in a Durable Object of the benchmark with the TenantObject's own SQLite schema: the
// ledger is rebuilt from the generated shard (the rebuild's D1 reads are measured as a
// job of ./jobs.ts), then reports are answered from the running totals and the rows the
// object's SQLite read are counted (its cursors' rowsRead: Durable Object SQLite bills
// rows read as D1 does).

import {
  AGEING_POSTS,
  ageingReadBudget,
  CampaignLedger,
  DAY_MS,
  LONGEST_WINDOW,
} from "../../../objects/analytics/campaign-ledger";
import { rebuildCampaignLedger } from "../../../objects/analytics/campaign-rebuild";
import type { AttributionModel } from "../../../src/core/analytics/attribution";
import type { RoiWindow } from "../../../src/core/analytics/roi-windows";
import type { Clock } from "../../../src/core/clock";
import type { TenantScope } from "../../../src/core/db/tenant-scope";

export interface LedgerFigure {
  name: string;
  kind: "read" | "job";
  /** A job's budget (rows read). */
  limit: number;
  statements: number;
  rowsRead: number;
  rowsWritten: number;
  rowsReturned: number;
  detail: { sql: string; read: number; written: number; returned: number }[];
}

export async function measureRoiLedger(
  storage: DurableObjectStorage,
  scope: TenantScope,
  clock: Clock,
): Promise<LedgerFigure[]> {
  const ledger = new CampaignLedger(storage.sql);
  const rebuilt = await rebuildCampaignLedger({ storage, ledger, scope: async () => scope, clock });
  const figures: LedgerFigure[] = [];
  const report = (name: string, window: RoiWindow, model: AttributionModel, atMs: number): LedgerFigure => {
    const page = ledger.report({ window, model, costPerPost: 50, limit: 50 }, atMs);
    return {
      name,
      kind: "read",
      limit: 2 * page.rows.length + 100,
      statements: 0,
      rowsRead: page.rowsRead,
      rowsWritten: 0,
      rowsReturned: page.rows.length,
      detail: [
        {
          sql: "TenantObject SQLite: ageing, then campaign_totals of the window",
          read: page.rowsRead,
          written: 0,
          returned: page.rows.length,
        },
      ],
    };
  };
  const now = rebuilt.builtAtMs;
  figures.push(report("report: ROI by campaign, 365 days (TenantObject)", 365, "last_touch", now));
  figures.push(report("report: ROI by campaign, 90 days (TenantObject)", 90, "linear", now));
  // The worst a report finds to age: just before the ledger's timer would have run.
  const due = ledger.nextAgeingMs(AGEING_POSTS) ?? now;
  figures.push(report("report: ROI by campaign, 30 days, just before the ageing timer", 30, "time_decay", due - 1));
  // Without the timer, a report a day on would age a day of posts itself.
  const day = report("job: ROI ledger ageing a whole day at once (no timer)", 7, "first_touch", due + DAY_MS);
  figures.push({ ...day, kind: "job", limit: ageingReadBudget(rebuilt.posts / LONGEST_WINDOW, day.rowsReturned) });
  return figures;
}
