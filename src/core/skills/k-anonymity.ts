// What may leave the platform of the cross-tenant metrics: a daily row only when at
// least K_ANONYMITY distinct tenants contributed to it; otherwise only that the day
// had figures and they are withheld: not the tenant count, and not the context (its
// hash of task, platform and modality is easily guessed).
import type { MetricsRow } from "../db/skill-metrics";
import { K_ANONYMITY } from "./promotion-policy";

export type PublishedRow =
  | ({ status: "shown"; date: string; context_hash: string; skill_version_id: string } & Omit<
      MetricsRow,
      "date" | "context_hash" | "skill_version_id" | "skill_id"
    >)
  | { status: "withheld"; date: string };

/** Shown rows as they are; the withheld rows of a day as one "withheld" entry. */
export function publish(rows: MetricsRow[]): PublishedRow[] {
  const out: PublishedRow[] = [];
  for (const row of rows) {
    if (row.unique_tenants >= K_ANONYMITY) {
      const { skill_id: _skill, ...figures } = row;
      out.push({ status: "shown", ...figures });
    } else if (!out.some((r) => r.status === "withheld" && r.date === row.date)) {
      out.push({ status: "withheld", date: row.date });
    }
  }
  return out;
}

/**
 * Uses-weighted figures over the shown rows only. Latency percentiles do not combine
 * across rows, so they are given per row and not summarised.
 */
export function summarise(rows: PublishedRow[]) {
  const shown = rows.filter((r): r is Extract<PublishedRow, { status: "shown" }> => r.status === "shown");
  const uses = shown.reduce((sum, r) => sum + r.uses, 0);
  if (uses === 0) return null;
  const weighted = (pick: (r: (typeof shown)[number]) => number) =>
    shown.reduce((sum, r) => sum + pick(r) * r.uses, 0) / uses;
  return {
    uses,
    pass_rate: weighted((r) => r.pass_rate),
    defect_rate: weighted((r) => r.defect_rate),
    selection_rate: weighted((r) => r.selection_rate),
    approval_rate: weighted((r) => r.approval_rate),
    cost_avg: weighted((r) => r.cost_avg),
  };
}
