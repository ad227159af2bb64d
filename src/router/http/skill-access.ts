// How the skills routes reach a skill for the caller: visible (global or its own) to
// read, its own private skill to change. Another tenant's private skill answers 404,
// exactly like a missing one; a global skill is the platform's to change (403).
import type { Context } from "hono";
import { isTriggerAbort, isUniqueViolation } from "../../core/db/errors";
import { PRECONDITION_FAILED } from "../../core/db/preconditions";
import { getVisibleSkill, type SkillWithVersion } from "../../core/db/skills";
import { GLOBAL } from "../../core/skills/lifecycle";
import type { AppEnv } from "./app-env";
import { type commitAudited, commitGlobalForTenant, commitOperatorAudited } from "./audit";
import { ProblemError } from "./problem";
import { caller } from "./request-context";

export const SKILL_NOT_FOUND = "No such skill";

export async function visibleSkill(c: Context<AppEnv>, skillId: string): Promise<SkillWithVersion> {
  const row = await getVisibleSkill(c.env.DB, caller(c).user.tenantId, skillId);
  if (!row) throw new ProblemError("notFound", SKILL_NOT_FOUND);
  return row;
}

export async function ownSkill(c: Context<AppEnv>, skillId: string): Promise<SkillWithVersion> {
  const row = await visibleSkill(c, skillId);
  if (row.visibility === GLOBAL) {
    throw new ProblemError("forbidden", "Global skills are changed by the platform; fork it to change your own copy");
  }
  return row;
}

/**
 * Commits a change to the global skill tables with its audit row: the operator's in
 * the same global batch (operator_audit_logs); a tenant's in its shard, after the
 * change (commitGlobalForTenant: the order and the repair path are described there).
 */
export async function commitSkillChange(
  c: Context<AppEnv>,
  statements: D1PreparedStatement[],
  event: Parameters<typeof commitAudited>[3],
): Promise<void> {
  try {
    const tenantId = c.var.user?.tenantId;
    if (tenantId) await commitGlobalForTenant(c, tenantId, statements, event);
    else await commitOperatorAudited(c, statements, event);
  } catch (error) {
    if (isTriggerAbort(error, PRECONDITION_FAILED) || isUniqueViolation(error)) {
      throw new ProblemError("conflict", "The skill changed meanwhile; read it again and retry");
    }
    throw error;
  }
}
