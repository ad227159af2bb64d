// Skills the caller may use: global skills and the tenant's private ones. Tenants
// create private skills (with their first version) and move their own through the
// lifecycle; global skills are the platform's (routes/admin-skills.ts).

import { createRoute, z } from "@hono/zod-openapi";
import { isoNow } from "../../core/clock";
import { tenantActor } from "../../core/db/sharing-events";
import { listVisibleSkills, renameSkill, toSkill } from "../../core/db/skills";
import { allowedNext, canMove, privateTo, SKILL_STATUSES } from "../../core/skills/lifecycle";
import { moveStatements, newSkillStatements } from "../../core/skills/skill-writes";
import { syncSkillVector } from "../../core/vector/skill-vectors";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { idParam, PlatformField } from "../http/content-schemas";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { indexAfterCommit } from "../http/index-sync";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { caller } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { commitSkillChange, ownSkill, SKILL_NOT_FOUND, visibleSkill } from "../http/skill-access";
import { newSkillInput } from "../http/skill-inputs";
import { CreateSkillBody, ReasonField, SkillFields, SkillSchema } from "../http/skill-schemas";

const Params = z.object({ id: idParam("skill") });
const skillResponse = (description: string) => jsonResponse(description, SkillSchema);

const PatchSkill = z
  .object({
    name: SkillFields.name.optional(),
    status: z.enum(SKILL_STATUSES).optional(),
    reason: ReasonField.optional().openapi({ description: "Why the status changes (required with status)" }),
  })
  .strict()
  .refine((v) => v.name !== undefined || v.status !== undefined, "give name or status")
  .refine((v) => v.status === undefined || v.reason !== undefined, {
    message: "a status change says why",
    path: ["reason"],
  })
  .openapi("PatchSkill");

const listRoute = createRoute({
  method: "get",
  path: "/v1/skills",
  operationId: "list_skills",
  tags: ["Skills"],
  summary: "Global skills and the tenant's private ones",
  security: bearer,
  middleware: guard("skills.read", { action: "skill.list", resource: "skill" }),
  request: {
    query: PageQuery.extend({
      task: SkillFields.task.optional(),
      platform: PlatformField.optional(),
      modality: SkillFields.modality.optional(),
      status: z.enum(SKILL_STATUSES).optional(),
      visibility: z.enum(["global", "private"]).optional(),
    }),
  },
  responses: { 200: jsonResponse("A page of skills", pageSchema(SkillSchema, "SkillPage")), ...problems() },
});

const createSkillRoute = createRoute({
  method: "post",
  path: "/v1/skills",
  operationId: "create_skill",
  tags: ["Skills"],
  summary: "Create a private skill with its first version (status testing)",
  security: bearer,
  middleware: guard("skills.write", { action: "skill.create", resource: "skill" }),
  request: jsonBody(CreateSkillBody),
  responses: { 201: skillResponse("Created"), ...problems() },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/skills/{id}",
  operationId: "get_skill",
  tags: ["Skills"],
  summary: "One skill the tenant may use",
  security: bearer,
  middleware: guard("skills.read", { action: "skill.read", resource: "skill", idParam: "id" }),
  request: { params: Params },
  responses: { 200: skillResponse("The skill"), ...problems(SKILL_NOT_FOUND) },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/v1/skills/{id}",
  operationId: "update_skill",
  tags: ["Skills"],
  summary: "Rename a private skill or move it through its lifecycle",
  description:
    "testing → active | failing | retired; active → testing | champion | failing | retired; champion → active | failing | retired; failing → testing | retired; retired is final. Retiring records a sharing event.",
  security: bearer,
  middleware: guard("skills.write", { action: "skill.update", resource: "skill", idParam: "id" }),
  request: { params: Params, ...jsonBody(PatchSkill) },
  responses: {
    200: skillResponse("Updated"),
    409: problemResponseSpec("Not a transition the lifecycle allows, or the skill changed meanwhile"),
    ...problems(SKILL_NOT_FOUND),
  },
});

const Cursor = z.object({ id: z.string() });

export const skillsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { user } = caller(c);
    const query = c.req.valid("query");
    const page = await listVisibleSkills(
      c.env.DB,
      user.tenantId,
      {
        task: query.task,
        platform: query.platform,
        modality: query.modality,
        status: query.status,
        visibility: query.visibility,
      },
      { afterId: decodeCursor(query.cursor, Cursor)?.id, limit: query.limit },
    );
    return c.json(
      pageOf(page.rows.map(toSkill), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  })
  .openapi(createSkillRoute, async (c) => {
    const { user } = caller(c);
    const body = c.req.valid("json");
    const made = newSkillStatements(c.env.DB, newSkillInput(body, privateTo(user.tenantId)), isoNow(c.var.clock));
    await commitSkillChange(c, made.statements, {
      action: "skill.create",
      resourceType: "skill",
      resourceId: made.skillId,
      metadata: { name: body.name, version_id: made.versionId, embedded: body.version.embedding !== undefined },
    });
    await indexAfterCommit(c, "skills", () => syncSkillVector(c.env, made.skillId));
    return c.json(toSkill(await visibleSkill(c, made.skillId)), 201);
  })
  .openapi(getRoute, async (c) => c.json(toSkill(await visibleSkill(c, c.req.valid("param").id)), 200))
  .openapi(patchRoute, async (c) => {
    const { user } = caller(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const skill = await ownSkill(c, id);
    const now = isoNow(c.var.clock);
    const statements: D1PreparedStatement[] = [];
    if (body.name !== undefined) statements.push(renameSkill(c.env.DB, id, body.name, now));
    if (body.status !== undefined && body.status !== skill.status) {
      if (!canMove(skill.status, body.status)) {
        throw new ProblemError(
          "conflict",
          `A ${skill.status} skill cannot become ${body.status}; it may become: ${allowedNext(skill.status).join(", ") || "nothing (retired is final)"}`,
        );
      }
      statements.push(
        ...moveStatements(
          c.env.DB,
          skill,
          {
            to: body.status,
            actor: tenantActor(user.tenantId),
            tenantId: user.tenantId,
            reason: body.reason as string,
          },
          now,
        ),
      );
    }
    // Asking for the status it already has changes nothing (PATCH is idempotent).
    if (statements.length === 0) return c.json(toSkill(skill), 200);
    await commitSkillChange(c, statements, {
      action: "skill.update",
      resourceType: "skill",
      resourceId: id,
      metadata: { name: body.name, from_status: skill.status, to_status: body.status, reason: body.reason },
    });
    await indexAfterCommit(c, "skills", () => syncSkillVector(c.env, id));
    return c.json(toSkill(await visibleSkill(c, id)), 200);
  });
