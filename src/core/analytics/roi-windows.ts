// The windows ROI by campaign answers for, in days back from now. Fixed, because the
// TenantObject keeps a running total per window and campaign (objects/analytics/
// campaign-ledger.ts): a report then reads one row per campaign instead of every
// campaign post of its window (a read in proportion to the answer).
export const ROI_WINDOWS = [7, 30, 90, 365] as const;
export type RoiWindow = (typeof ROI_WINDOWS)[number];

/** Whether `days` is one of the kept windows (the query and a cursor both ask). */
export function isRoiWindow(days: number): days is RoiWindow {
  return (ROI_WINDOWS as readonly number[]).includes(days);
}
