// Evidence about skills over a window of days: the uses-weighted figures of their
// daily metrics rows, and how many distinct tenants used them (counted per tenant
// shard and summed: a tenant is resident in exactly one).
import { windowFigures } from "../db/skill-metrics";
import { residentOnly, tenantDatabases } from "../db/tenant-databases";
import { addDays, startOf } from "./calendar";
import type { Evidence } from "./promotion-policy";

async function tenantCounts(env: Env, from: string, to: string, skillId?: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const db of tenantDatabases(env)) {
    const { results } = await db
      .prepare(
        `SELECT c.skill_id, COUNT(DISTINCT c.tenant_id) AS tenants FROM generated_content c
         WHERE c.skill_id IS NOT NULL AND c.created_at >= ?1 AND c.created_at < ?2 AND (?3 IS NULL OR c.skill_id = ?3)
           AND ${residentOnly("c")}
         GROUP BY c.skill_id`,
      )
      .bind(startOf(from), startOf(addDays(to, 1)), skillId ?? null)
      .all<{ skill_id: string; tenants: number }>();
    for (const row of results) counts.set(row.skill_id, (counts.get(row.skill_id) ?? 0) + row.tenants);
  }
  return counts;
}

/** Evidence per skill for the days `from` to `to` (inclusive), or for one skill. */
export async function evidenceFor(
  env: Env,
  from: string,
  to: string,
  skillId?: string,
): Promise<Map<string, Evidence>> {
  const [figures, tenants] = await Promise.all([
    windowFigures(env.DB, from, to, skillId),
    tenantCounts(env, from, to, skillId),
  ]);
  const evidence = new Map<string, Evidence>();
  for (const [id, f] of figures) {
    evidence.set(id, {
      tenants: tenants.get(id) ?? 0,
      uses: f.uses,
      pass_rate: f.pass_rate,
      defect_rate: f.defect_rate,
      selection_rate: f.selection_rate,
      approval_rate: f.approval_rate,
    });
  }
  return evidence;
}
