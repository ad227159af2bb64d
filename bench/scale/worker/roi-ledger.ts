// ROI by campaign as the TenantObject answers it (objects/analytics/campaign-ledger.ts),
// in a Durable Object of the benchmark with the TenantObject's own SQLite schema: the
// ledger is rebuilt from the generated shard through a recording binding (D1's rows
// read, as on a tenant's first report and daily after), then reports are answered
// from the running totals and the rows the object's SQLite read are counted (its
// cursors' rowsRead: Durable Object SQLite bills rows read as D1 does).

import { AGEING_POSTS, CampaignLedger, DAY_MS } from "../../../objects/analytics/campaign-ledger";
import { rebuildCampaignLedger } from "../../../objects/analytics/campaign-rebuild";
import type { AttributionModel } from "../../../src/core/analytics/attribution";
import type { RoiWindow } from "../../../src/core/analytics/roi-windows";
import { systemClock } from "../../../src/core/clock";
import type { TenantScope } from "../../../src/core/db/tenant-scope";
import type { Recorder } from "./recorder";

export interface LedgerFigure {
  name: string;
  kind: "read" | "job";
  statements: number;
  rowsRead: number;
  rowsWritten: number;
  rowsReturned: number;
  detail: { sql: string; read: number; written: number; returned: number }[];
}

export async function measureRoiLedger(
  storage: DurableObjectStorage,
  scope: TenantScope,
  recorder: Recorder,
): Promise<LedgerFigure[]> {
  const ledger = new CampaignLedger(storage.sql);
  const rebuilt = await rebuildCampaignLedger({ storage, ledger, scope: async () => scope, clock: systemClock });
  const d1 = recorder.totals();
  const figures: LedgerFigure[] = [
    {
      name: "job: ROI ledger rebuilt from D1 (first report, then daily)",
      kind: "job",
      ...d1,
      rowsReturned: rebuilt.posts,
      detail: recorder.log.map((r) => ({
        sql: r.sql.slice(0, 160),
        read: r.rowsRead,
        written: r.rowsWritten,
        returned: r.rowsReturned,
      })),
    },
  ];
  const report = (name: string, window: RoiWindow, model: AttributionModel, atMs: number): LedgerFigure => {
    const page = ledger.report({ window, model, costPerPost: 50, limit: 50 }, atMs);
    return {
      name,
      kind: "read",
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
  figures.push({ ...day, kind: "job" });
  return figures;
}
