// The daily review of skills against the promotion policy: promote what earned it,
// mark failing global skills, retire global skills left failing. Each change is one
// batch (compare and set on the status it was read in, its sharing event, its audit
// row), so a skill changed concurrently is left alone, and a second review of the
// same day finds nothing left to do.

import { isTriggerAbort } from "../db/errors";
import { operatorAuditStatement } from "../db/operator-audit";
import { PRECONDITION_FAILED } from "../db/preconditions";
import { SYSTEM_ACTOR } from "../db/sharing-events";
import type { SkillRow } from "../db/skills";
import { nowIso } from "../db/time";
import { syncSkillVectors } from "../vector/skill-vectors";
import { addDays } from "./calendar";
import { evidenceFor } from "./evidence";
import { GLOBAL, type SkillStatus } from "./lifecycle";
import { type Evidence, FAILURE, failureReasons, PROMOTION, RETIREMENT, unmetForPromotion } from "./promotion-policy";
import { type Move, moveStatements } from "./skill-writes";

export interface ReviewReport {
  promoted: string[];
  failing: string[];
  retired: string[];
}

/** A skill that is not yet in the global catalogue as an active skill, and is not failing. */
export function promotable(skill: Pick<SkillRow, "status" | "visibility">): boolean {
  return skill.status === "testing" || (skill.status === "active" && skill.visibility !== GLOBAL);
}

export function promotionMove(actor: string, evidence: Evidence): Move {
  return {
    to: "active",
    promote: true,
    actor,
    tenantId: null,
    reason: `Met the promotion thresholds across ${evidence.tenants} tenants over ${PROMOTION.windowDays} days`,
    metadata: { evidence },
  };
}

async function candidates(env: Env, ids: string[]): Promise<SkillRow[]> {
  // Skills with evidence, and every failing global skill (retirement needs no new uses).
  const { results } = await env.DB.prepare(
    `SELECT * FROM skills
     WHERE status <> 'retired'
       AND (skill_id IN (SELECT value FROM json_each(?)) OR (visibility = 'global' AND status = 'failing'))
     ORDER BY skill_id`,
  )
    .bind(JSON.stringify(ids))
    .all<SkillRow>();
  return results;
}

function decide(
  skill: SkillRow,
  recent: Evidence | undefined,
  month: Evidence | undefined,
  today: string,
): Move | null {
  if (promotable(skill) && month && unmetForPromotion(month).length === 0) return promotionMove(SYSTEM_ACTOR, month);
  if (skill.visibility !== GLOBAL) return null;
  const reasons = failureReasons(recent);
  if (["testing", "active", "champion"].includes(skill.status) && reasons.length > 0) {
    return {
      to: "failing",
      actor: SYSTEM_ACTOR,
      tenantId: null,
      reason: `Failing across ${recent?.tenants} tenants over ${FAILURE.windowDays} days: ${reasons.join("; ")}`,
      metadata: { evidence: recent },
    };
  }
  // A global skill's updated_at moves only with its status (no route renames or
  // re-versions a global skill), so it dates the move to failing.
  if (skill.status === "failing" && skill.updated_at <= `${addDays(today, -RETIREMENT.failingDays)}T23:59:59.999Z`) {
    return {
      to: "retired",
      actor: SYSTEM_ACTOR,
      tenantId: null,
      reason: `Failing for ${RETIREMENT.failingDays} days without being taken back to testing`,
      metadata: recent ? { evidence: recent } : undefined,
    };
  }
  return null;
}

const ACTIONS: Partial<Record<SkillStatus, keyof ReviewReport>> = { failing: "failing", retired: "retired" };

/** Reviews every skill with evidence as of `today` (YYYY-MM-DD): windows end yesterday. */
export async function reviewSkills(env: Env, today: string): Promise<ReviewReport> {
  const yesterday = addDays(today, -1);
  const [month, recent] = await Promise.all([
    evidenceFor(env, addDays(today, -PROMOTION.windowDays), yesterday),
    evidenceFor(env, addDays(today, -FAILURE.windowDays), yesterday),
  ]);
  const report: ReviewReport = { promoted: [], failing: [], retired: [] };
  const changed: SkillRow[] = [];
  for (const skill of await candidates(env, [...month.keys()])) {
    const move = decide(skill, recent.get(skill.skill_id), month.get(skill.skill_id), today);
    if (!move) continue;
    const now = nowIso();
    const audit = operatorAuditStatement(
      env.DB,
      { tenantId: null, userId: SYSTEM_ACTOR, ip: null, userAgent: null, requestId: null },
      {
        action: move.promote ? "skill.promote" : `skill.${move.to === "retired" ? "retire" : "mark_failing"}`,
        resourceType: "skill",
        resourceId: skill.skill_id,
        metadata: { reason: move.reason, from_status: skill.status, to_status: move.to },
      },
      now,
    );
    try {
      await env.DB.batch([...moveStatements(env.DB, skill, move, now), audit]);
    } catch (error) {
      if (isTriggerAbort(error, PRECONDITION_FAILED)) continue; // changed meanwhile: next run decides
      throw error;
    }
    report[move.promote ? "promoted" : (ACTIONS[move.to] as keyof ReviewReport)].push(skill.skill_id);
    changed.push({ ...skill, status: move.to, visibility: move.promote ? GLOBAL : skill.visibility });
  }
  await syncSkillVectors(env, changed);
  return report;
}
