// POST /v1/skills/{id}/fork: a private copy of a skill the tenant may use, starting
// from its active version (and embedding), with the parent recorded. The fork is the
// tenant's to change; a sharing event records who forked what, and why.

import { createRoute, z } from "@hono/zod-openapi";
import { isoNow } from "../../core/clock";
import { insertSharingEvent, tenantActor } from "../../core/db/sharing-events";
import { embeddingOfVersion, getActiveVersion } from "../../core/db/skill-versions";
import { toSkill } from "../../core/db/skills";
import { privateTo } from "../../core/skills/lifecycle";
import { newSkillStatements } from "../../core/skills/skill-writes";
import { syncSkillVector } from "../../core/vector/skill-vectors";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { idParam } from "../http/content-schemas";
import { indexAfterCommit } from "../http/index-sync";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { caller } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { commitSkillChange, SKILL_NOT_FOUND, visibleSkill } from "../http/skill-access";
import { ReasonField, SkillFields, SkillSchema } from "../http/skill-schemas";

const ForkBody = z
  .object({
    name: SkillFields.name.optional().openapi({ description: "Default: the parent's name" }),
    reason: ReasonField.default("Forked for the tenant's own use"),
  })
  .strict()
  .openapi("ForkSkill");

const route = createRoute({
  method: "post",
  path: "/v1/skills/{id}/fork",
  operationId: "fork_skill",
  tags: ["Skills"],
  summary: "Fork a skill into a private child (status testing) from its active version",
  security: bearer,
  middleware: guard("skills.write", { action: "skill.fork", resource: "skill", idParam: "id" }),
  request: { params: z.object({ id: idParam("skill") }), ...jsonBody(ForkBody) },
  responses: {
    201: jsonResponse("The fork", SkillSchema),
    409: problemResponseSpec("The skill is retired or has no active version"),
    ...problems(SKILL_NOT_FOUND),
  },
});

export const skillForkRoutes = createRouter().openapi(route, async (c) => {
  const { user } = caller(c);
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const parent = await visibleSkill(c, id);
  if (parent.status === "retired") throw new ProblemError("conflict", "A retired skill cannot be forked");
  const version = await getActiveVersion(c.env.DB, id);
  if (!version) throw new ProblemError("conflict", "The skill has no active version to fork");
  const embedding = await embeddingOfVersion(c.env.DB, version.skill_version_id);
  const now = isoNow(c.var.clock);
  const made = newSkillStatements(
    c.env.DB,
    {
      name: body.name ?? parent.name,
      task: parent.task,
      platform: parent.platform,
      modality: parent.modality,
      visibility: privateTo(user.tenantId),
      parentSkillId: parent.skill_id,
      version: {
        promptFragments: JSON.parse(version.prompt_fragments_json),
        constraints: JSON.parse(version.constraints_json),
        toolchain: JSON.parse(version.toolchain_json),
        guards: JSON.parse(version.guards_json),
        notes: `Forked from ${parent.skill_id} v${version.version_number}`,
        embedding: embedding ? new Uint8Array(embedding.vector) : null,
        tags: embedding?.tags ? JSON.parse(embedding.tags) : null,
      },
    },
    now,
  );
  const event = insertSharingEvent(
    c.env.DB,
    {
      action: "fork_skill",
      actor: tenantActor(user.tenantId),
      tenantId: user.tenantId,
      skillId: made.skillId,
      reason: body.reason,
      metadata: { parent_skill_id: parent.skill_id, parent_version_id: version.skill_version_id },
    },
    now,
  );
  await commitSkillChange(c, [...made.statements, event], {
    action: "skill.fork",
    resourceType: "skill",
    resourceId: made.skillId,
    metadata: { parent_skill_id: parent.skill_id, parent_version_id: version.skill_version_id },
  });
  await indexAfterCommit(c, "skills", () => syncSkillVector(c.env, made.skillId));
  return c.json(toSkill(await visibleSkill(c, made.skillId)), 201);
});
