// skill_metrics_daily: one row per day, skill and context (task, platform
// and modality), written with absolute values so that writing a day again replaces it.
// A global table of cross-tenant aggregates; reads that leave the platform go through
// the k-anonymity rule (src/core/skills/k-anonymity.ts).
import type { SkillMetrics } from "../skills/metric-aggregate";
import { FilterClause } from "./filter-clause";

export interface MetricsRow extends SkillMetrics {
  date: string;
  skill_id: string;
  skill_version_id: string;
  context_hash: string;
}

export function upsertMetrics(db: D1Database, row: MetricsRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO skill_metrics_daily (date, skill_id, skill_version_id, context_hash, uses, pass_rate, defect_rate,
         selection_rate, approval_rate, cost_avg, latency_p50, latency_p95, unique_tenants)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(date, skill_id, context_hash) DO UPDATE SET
         skill_version_id = excluded.skill_version_id, uses = excluded.uses, pass_rate = excluded.pass_rate,
         defect_rate = excluded.defect_rate, selection_rate = excluded.selection_rate,
         approval_rate = excluded.approval_rate, cost_avg = excluded.cost_avg, latency_p50 = excluded.latency_p50,
         latency_p95 = excluded.latency_p95, unique_tenants = excluded.unique_tenants`,
    )
    .bind(
      row.date,
      row.skill_id,
      row.skill_version_id,
      row.context_hash,
      row.uses,
      row.pass_rate,
      row.defect_rate,
      row.selection_rate,
      row.approval_rate,
      row.cost_avg,
      row.latency_p50,
      row.latency_p95,
      row.unique_tenants,
    );
}

/** A skill's rows between two dates (inclusive), oldest first. */
export async function metricsOfSkill(db: D1Database, skillId: string, from: string, to: string): Promise<MetricsRow[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM skill_metrics_daily WHERE skill_id = ? AND date BETWEEN ? AND ?
       ORDER BY date, context_hash`,
    )
    .bind(skillId, from, to)
    .all<MetricsRow>();
  return results;
}

/** Uses-weighted figures of each skill over a window of days (inclusive). */
export interface WindowFigures {
  skill_id: string;
  uses: number;
  pass_rate: number;
  defect_rate: number;
  selection_rate: number;
  approval_rate: number;
}

/**
 * Over every skill (the daily review: the window's rows, from the key in date order), or
 * one skill's (its rows of the window, from idx_metrics_skill_date). The WHERE clause
 * holds the skill only when one is given: the catch-all `(? IS NULL OR skill_id = ?)`
 * read every skill's rows of the window, with statistics and without.
 */
export async function windowFigures(
  db: D1Database,
  from: string,
  to: string,
  skillId?: string,
): Promise<Map<string, WindowFigures>> {
  const where = new FilterClause("date BETWEEN ? AND ?", from, to).given("skill_id = ?", skillId);
  const { results } = await db
    .prepare(
      `SELECT skill_id, SUM(uses) AS uses,
              SUM(pass_rate * uses) / SUM(uses) AS pass_rate,
              SUM(defect_rate * uses) / SUM(uses) AS defect_rate,
              SUM(selection_rate * uses) / SUM(uses) AS selection_rate,
              SUM(approval_rate * uses) / SUM(uses) AS approval_rate
       FROM skill_metrics_daily WHERE ${where.sql}
       GROUP BY skill_id HAVING SUM(uses) > 0`,
    )
    .bind(...where.params)
    .all<WindowFigures>();
  return new Map(results.map((r) => [r.skill_id, r]));
}
