// The platform operator's skill routes (ADMIN_TOKEN): create global skills, promote a
// skill that meets the promotion policy, retire a skill, read the sharing trail, and
// run the daily skill job on demand (a backfill, or in development where no cron fires).

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isoNow } from "../../core/clock";
import { listSharingEvents, OPERATOR_ACTOR, SHARING_ACTIONS, toSharingEvent } from "../../core/db/sharing-events";
import { getSkill, type SkillWithVersion, toSkill } from "../../core/db/skills";
import { addDays, dayOf, isDay } from "../../core/skills/calendar";
import { runDailySkillJob } from "../../core/skills/daily-job";
import { evidenceFor } from "../../core/skills/evidence";
import { GLOBAL } from "../../core/skills/lifecycle";
import { PROMOTION, unmetForPromotion } from "../../core/skills/promotion-policy";
import { promotable, promotionMove } from "../../core/skills/review";
import { type Move, moveStatements, newSkillStatements } from "../../core/skills/skill-writes";
import { syncSkillVector } from "../../core/vector/skill-vectors";
import { operatorGuard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { commitOperatorAudited } from "../http/audit";
import { idField, idParam, Timestamp } from "../http/content-schemas";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { indexAfterCommit } from "../http/index-sync";
import { jsonBody, jsonResponse } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { problemResponseSpec } from "../http/schemas";
import { commitSkillChange } from "../http/skill-access";
import { newSkillInput } from "../http/skill-inputs";
import { CreateSkillBody, ReasonField, SkillSchema } from "../http/skill-schemas";

const security = [{ bearerAuth: [] }];
const errors = {
  400: problemResponseSpec("Invalid input"),
  401: problemResponseSpec("Not the operator"),
};
const NOT_FOUND = "No such skill";
const Params = z.object({ id: idParam("skill") });
const ReasonBody = z.object({ reason: ReasonField }).strict();

async function anySkill(c: Context<AppEnv>, id: string): Promise<SkillWithVersion> {
  const skill = await getSkill(c.env.DB, id);
  if (!skill) throw new ProblemError("notFound", NOT_FOUND);
  return skill;
}

/** Applies a move with its audit row; a concurrent change of the skill is a 409. */
async function applyMove(c: Context<AppEnv>, skill: SkillWithVersion, move: Move, action: string) {
  await commitSkillChange(c, moveStatements(c.env.DB, skill, move, isoNow(c.var.clock)), {
    action,
    resourceType: "skill",
    resourceId: skill.skill_id,
    metadata: { reason: move.reason, from_status: skill.status, to_status: move.to },
  });
  await indexAfterCommit(c, "skills", () => syncSkillVector(c.env, skill.skill_id));
  return toSkill(await anySkill(c, skill.skill_id));
}

const createGlobalRoute = createRoute({
  method: "post",
  path: "/v1/admin/skills",
  operationId: "create_global_skill",
  tags: ["Operator"],
  summary: "Create a global skill (status testing) with its first version (operator)",
  security,
  middleware: operatorGuard({ action: "skill.create_global", resource: "skill" }),
  request: jsonBody(CreateSkillBody),
  responses: { 201: jsonResponse("Created", SkillSchema), ...errors },
});

const promoteRoute = createRoute({
  method: "post",
  path: "/v1/admin/skills/{id}/promote",
  operationId: "promote_skill",
  tags: ["Operator"],
  summary: "Promote a skill to the global catalogue (active) if it meets the promotion policy (operator)",
  description: `Thresholds over ${PROMOTION.windowDays} days: at least ${PROMOTION.minTenants} tenants, ${PROMOTION.minUses} uses, pass rate ${PROMOTION.minPassRate}, approval rate ${PROMOTION.minApprovalRate}, defect rate at most ${PROMOTION.maxDefectRate}.`,
  security,
  middleware: operatorGuard({ action: "skill.promote", resource: "skill", idParam: "id" }),
  request: { params: Params, ...jsonBody(ReasonBody) },
  responses: {
    200: jsonResponse("Promoted", SkillSchema),
    404: problemResponseSpec(NOT_FOUND),
    409: problemResponseSpec("Not promotable, or the thresholds are not met (the problem lists them)"),
    ...errors,
  },
});

const retireRoute = createRoute({
  method: "post",
  path: "/v1/admin/skills/{id}/retire",
  operationId: "retire_skill",
  tags: ["Operator"],
  summary: "Retire a skill (operator)",
  security,
  middleware: operatorGuard({ action: "skill.retire", resource: "skill", idParam: "id" }),
  request: { params: Params, ...jsonBody(ReasonBody) },
  responses: {
    200: jsonResponse("Retired", SkillSchema),
    404: problemResponseSpec(NOT_FOUND),
    409: problemResponseSpec("Already retired, or changed meanwhile"),
    ...errors,
  },
});

const SharingEventSchema = z
  .object({
    id: z.string(),
    action: z.enum(SHARING_ACTIONS),
    actor: z.string(),
    tenant_id: z.string().nullable(),
    skill_id: z.string(),
    reason: z.string(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    timestamp: Timestamp,
  })
  .openapi("SharingEvent");

const sharingEventsRoute = createRoute({
  method: "get",
  path: "/v1/admin/sharing-events",
  operationId: "list_sharing_events",
  tags: ["Operator"],
  summary: "Skill promotions, forks and retirements, newest first (operator)",
  security,
  middleware: operatorGuard({ action: "sharing_event.list", resource: "sharing_event" }),
  request: {
    query: PageQuery.extend({ skill_id: idField("skill").optional(), action: z.enum(SHARING_ACTIONS).optional() }),
  },
  responses: {
    200: jsonResponse("A page of sharing events", pageSchema(SharingEventSchema, "SharingEventPage")),
    ...errors,
  },
});

const JobBody = z
  .object({
    as_of: z
      .string()
      .refine(isDay, "a date, YYYY-MM-DD")
      .optional()
      .openapi({ description: "Run as the cron would on this UTC day (default: today)" }),
  })
  .strict();

const JobReport = z
  .object({
    days: z.array(z.string()),
    rows: z.number().int(),
    promoted: z.array(z.string()),
    failing: z.array(z.string()),
    retired: z.array(z.string()),
    reindexed: z.number().int(),
    unindexed: z
      .array(z.object({ skill_id: z.string(), reason: z.string() }))
      .openapi({ description: "Skills left out of the index: their stored vector is one the index refuses" }),
  })
  .openapi("DailySkillJobReport");

const jobRoute = createRoute({
  method: "post",
  path: "/v1/admin/jobs/daily-skills",
  operationId: "run_daily_skills_job",
  tags: ["Operator"],
  summary: "Run the daily skill job now: roll up metrics and review skills (operator)",
  security,
  middleware: operatorGuard({ action: "job.daily_skills", resource: "job" }),
  request: jsonBody(JobBody),
  responses: { 200: jsonResponse("What the job did", JobReport), ...errors },
});

const Cursor = z.object({ id: z.string() });

export const adminSkillsRoutes = createRouter()
  .openapi(createGlobalRoute, async (c) => {
    const body = c.req.valid("json");
    const made = newSkillStatements(c.env.DB, newSkillInput(body, GLOBAL), isoNow(c.var.clock));
    await commitOperatorAudited(c, made.statements, {
      action: "skill.create_global",
      resourceType: "skill",
      resourceId: made.skillId,
      metadata: { name: body.name, version_id: made.versionId },
    });
    await indexAfterCommit(c, "skills", () => syncSkillVector(c.env, made.skillId));
    return c.json(toSkill(await anySkill(c, made.skillId)), 201);
  })
  .openapi(promoteRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { reason } = c.req.valid("json");
    const skill = await anySkill(c, id);
    if (!promotable(skill)) {
      throw new ProblemError(
        "conflict",
        `A ${skill.visibility === GLOBAL ? "global" : "private"} ${skill.status} skill is not promotable`,
      );
    }
    const today = dayOf(new Date(c.var.clock()));
    const evidence = (await evidenceFor(c.env, addDays(today, -PROMOTION.windowDays), addDays(today, -1), id)).get(id);
    const unmet = unmetForPromotion(evidence);
    if (unmet.length > 0) {
      throw new ProblemError("conflict", `The promotion thresholds are not met: ${unmet.join("; ")}`, {
        unmet,
        evidence,
      });
    }
    const move = promotionMove(OPERATOR_ACTOR, evidence as NonNullable<typeof evidence>);
    return c.json(await applyMove(c, skill, { ...move, reason: `${reason} (${move.reason})` }, "skill.promote"), 200);
  })
  .openapi(retireRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { reason } = c.req.valid("json");
    const skill = await anySkill(c, id);
    if (skill.status === "retired") throw new ProblemError("conflict", "The skill is already retired");
    const move: Move = { to: "retired", actor: OPERATOR_ACTOR, tenantId: null, reason };
    return c.json(await applyMove(c, skill, move, "skill.retire"), 200);
  })
  .openapi(sharingEventsRoute, async (c) => {
    const query = c.req.valid("query");
    const page = await listSharingEvents(
      c.env.DB,
      { skillId: query.skill_id, action: query.action },
      { beforeId: decodeCursor(query.cursor, Cursor)?.id, limit: query.limit },
    );
    return c.json(
      pageOf(page.rows.map(toSharingEvent), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  })
  .openapi(jobRoute, async (c) => {
    const { as_of } = c.req.valid("json");
    const report = await runDailySkillJob(c.env, as_of);
    await commitOperatorAudited(c, [], {
      action: "job.daily_skills",
      resourceType: "job",
      // The skills left out by id only, and a bounded number of them: the trail is not the report.
      metadata: { as_of, ...report, unindexed: report.unindexed.slice(0, 100).map((u) => u.skill_id) },
    });
    return c.json(report, 200);
  });
