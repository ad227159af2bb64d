// Versions of a skill. Exactly one is active: adding an active version or activating
// an older one switches the active version in one transaction (src/core/db/skill-versions.ts),
// and the skills index follows the active version's embedding.

import { createRoute, z } from "@hono/zod-openapi";
import { isoNow } from "../../core/clock";
import { activateVersion, getVersion, listVersions, toSkillVersion } from "../../core/db/skill-versions";
import { versionStatements } from "../../core/skills/skill-writes";
import { syncSkillVector } from "../../core/vector/skill-vectors";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { idParam } from "../http/content-schemas";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { indexAfterCommit } from "../http/index-sync";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { problemResponseSpec } from "../http/schemas";
import { commitSkillChange, ownSkill, SKILL_NOT_FOUND, visibleSkill } from "../http/skill-access";
import { versionInput } from "../http/skill-inputs";
import { SkillVersionSchema, VersionBody } from "../http/skill-schemas";

const SkillParams = z.object({ id: idParam("skill") });
const VersionParams = z.object({ id: idParam("skill"), versionId: idParam("skillVersion", "versionId") });
const versionResponse = (description: string) => jsonResponse(description, SkillVersionSchema);
const VERSION_NOT_FOUND = "No such skill or version";

const AddVersion = VersionBody.extend({
  activate: z.boolean().default(true).openapi({ description: "Make it the active version (default)" }),
}).openapi("AddSkillVersion");

const listRoute = createRoute({
  method: "get",
  path: "/v1/skills/{id}/versions",
  operationId: "list_skill_versions",
  tags: ["Skills"],
  summary: "Versions of a skill, newest first",
  security: bearer,
  middleware: guard("skills.read", { action: "skill.version_list", resource: "skill", idParam: "id" }),
  request: { params: SkillParams, query: PageQuery },
  responses: {
    200: jsonResponse("A page of versions", pageSchema(SkillVersionSchema, "SkillVersionPage")),
    ...problems(SKILL_NOT_FOUND),
  },
});

const addRoute = createRoute({
  method: "post",
  path: "/v1/skills/{id}/versions",
  operationId: "create_skill_version",
  tags: ["Skills"],
  summary: "Add a version to a private skill (active unless activate is false)",
  security: bearer,
  middleware: guard("skills.write", { action: "skill.version_create", resource: "skill", idParam: "id" }),
  request: { params: SkillParams, ...jsonBody(AddVersion) },
  responses: {
    201: versionResponse("Added"),
    409: problemResponseSpec("The skill is retired, or changed meanwhile"),
    ...problems(SKILL_NOT_FOUND),
  },
});

const activateRoute = createRoute({
  method: "post",
  path: "/v1/skills/{id}/versions/{versionId}/activate",
  operationId: "activate_skill_version",
  tags: ["Skills"],
  summary: "Make a version the skill's only active version",
  security: bearer,
  middleware: guard("skills.write", { action: "skill.version_activate", resource: "skill", idParam: "id" }),
  request: { params: VersionParams },
  responses: {
    200: versionResponse("Active"),
    409: problemResponseSpec("The skill is retired"),
    ...problems(VERSION_NOT_FOUND),
  },
});

const Cursor = z.object({ n: z.number().int() });

function refuseRetired(status: string): void {
  if (status === "retired") throw new ProblemError("conflict", "The skill is retired; fork it to carry on");
}

export const skillVersionsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    await visibleSkill(c, id);
    const page = await listVersions(c.env.DB, id, {
      beforeNumber: decodeCursor(query.cursor, Cursor)?.n,
      limit: query.limit,
    });
    return c.json(
      pageOf(page.rows.map(toSkillVersion), page.hasMore, (last) => ({ n: last.version_number })),
      200,
    );
  })
  .openapi(addRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { activate, ...definition } = c.req.valid("json");
    refuseRetired((await ownSkill(c, id)).status);
    const made = versionStatements(c.env.DB, id, versionInput(definition), activate, isoNow(c.var.clock));
    await commitSkillChange(c, made.statements, {
      action: "skill.version_create",
      resourceType: "skill",
      resourceId: id,
      metadata: { version_id: made.versionId, active: activate, embedded: definition.embedding !== undefined },
    });
    if (activate) await indexAfterCommit(c, "skills", () => syncSkillVector(c.env, id));
    const version = await getVersion(c.env.DB, id, made.versionId);
    return c.json(toSkillVersion(version as NonNullable<typeof version>), 201);
  })
  .openapi(activateRoute, async (c) => {
    const { id, versionId } = c.req.valid("param");
    refuseRetired((await ownSkill(c, id)).status);
    if (!(await getVersion(c.env.DB, id, versionId))) throw new ProblemError("notFound", VERSION_NOT_FOUND);
    await commitSkillChange(c, activateVersion(c.env.DB, id, versionId, isoNow(c.var.clock)), {
      action: "skill.version_activate",
      resourceType: "skill",
      resourceId: id,
      metadata: { version_id: versionId },
    });
    await indexAfterCommit(c, "skills", () => syncSkillVector(c.env, id));
    const version = await getVersion(c.env.DB, id, versionId);
    return c.json(toSkillVersion(version as NonNullable<typeof version>), 200);
  });
