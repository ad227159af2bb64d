// Generated content of the caller's tenant: record a candidate, list and read them,
// record the user's selection and approval. Feedback (revisions, guard results) is in
// routes/content-feedback.ts.

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isoNow } from "../../core/clock";
import { CONTENT_TYPES, insertContent, listContent, setFeedback, toContent } from "../../core/db/content";
import { isForeignKeyViolation, isTriggerAbort } from "../../core/db/errors";
import { newId } from "../../core/db/ids";
import { POST_CONFIGURATIONS, recordConfigurationUse } from "../../core/db/post-configurations";
import { getVersion } from "../../core/db/skill-versions";
import { getVisibleSkill } from "../../core/db/skills";
import { recordTemplateUse, TEMPLATES } from "../../core/db/templates";
import { getRow } from "../../core/db/tenant-rows";
import { invalidField } from "../../core/field-error";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { CONTENT_NOT_FOUND, ownContent } from "../http/content-access";
import { idField, idParam, ScoreField, Timestamp } from "../http/content-schemas";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { boundedJson } from "../http/json-field";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { caller } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { clientId } from "../http/text-field";

const ContentSchema = z
  .object({
    id: z.string(),
    request_id: z.string(),
    intent_spec: z.record(z.string(), z.unknown()),
    skill_id: z.string().nullable(),
    skill_version_id: z.string().nullable(),
    template_id: z.string().nullable(),
    configuration_id: z.string().nullable(),
    content_type: z.enum(CONTENT_TYPES),
    text_content: z.string().nullable(),
    image_url: z.string().nullable(),
    video_url: z.string().nullable(),
    hashtags: z.array(z.string()).nullable(),
    brand_voice_score: z.number().nullable(),
    guard_pass_rate: z.number().nullable(),
    guards_passed: z.number().int().nullable(),
    guards_failed: z.number().int().nullable(),
    cost: z.number().nullable().openapi({ description: "API cost in USD" }),
    generation_time_ms: z.number().int().nullable(),
    model_used: z.string().nullable(),
    user_selected: z.boolean(),
    user_approved: z.boolean(),
    created_at: Timestamp,
  })
  .openapi("Content");

const Url = z.url({ protocol: /^https?$/ }).max(2048);

/** task / platform / modality, when given, are the context the daily metrics group by. */
const IntentSpec = boundedJson(
  z.looseObject({
    task: z.string().min(1).max(100).optional(),
    platform: z.string().min(1).max(50).optional(),
    modality: z.string().min(1).max(50).optional(),
  }),
  32_768,
).openapi({ example: { task: "social_image_post", platform: "linkedin", goal: "launch" } });

const CreateContent = z
  .object({
    request_id: clientId(128).optional().openapi({
      description: "The generation request; candidates of one request share it (default: the content's id)",
    }),
    intent_spec: IntentSpec,
    skill_id: idField("skill").optional(),
    skill_version_id: idField("skillVersion").optional(),
    template_id: idField("template").optional(),
    configuration_id: idField("postConfiguration").optional(),
    content_type: z.enum(CONTENT_TYPES),
    text_content: z.string().min(1).max(20_000).optional(),
    image_url: Url.optional(),
    video_url: Url.optional(),
    hashtags: z
      .array(z.string().regex(/^#?[\p{L}\p{N}_]{1,100}$/u, "a hashtag"))
      .max(60)
      .optional(),
    brand_voice_score: ScoreField.optional(),
    guard_pass_rate: ScoreField.optional(),
    guards_passed: z.number().int().min(0).max(1000).optional(),
    guards_failed: z.number().int().min(0).max(1000).optional(),
    cost: z.number().min(0).max(1000).optional(),
    generation_time_ms: z.number().int().min(0).max(3_600_000).optional(),
    model_used: z.string().min(1).max(100).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const needs: Record<string, (keyof typeof v)[]> = {
      text: ["text_content"],
      image: ["image_url"],
      "text+image": ["text_content", "image_url"],
      video: ["video_url"],
    };
    for (const field of needs[v.content_type] ?? []) {
      if (v[field] === undefined) {
        ctx.addIssue({ code: "custom", path: [field], message: `required for ${v.content_type} content` });
      }
    }
    if (v.skill_version_id && !v.skill_id) {
      ctx.addIssue({ code: "custom", path: ["skill_id"], message: "required with skill_version_id" });
    }
  })
  .openapi("CreateContent");

const Feedback = z
  .object({
    user_selected: z.boolean().optional(),
    user_approved: z.boolean().optional().openapi({ description: "Approving also selects" }),
  })
  .strict()
  .refine((v) => v.user_selected !== undefined || v.user_approved !== undefined, "give user_selected or user_approved")
  .openapi("ContentFeedback");

const Params = z.object({ id: idParam("content") });
const contentResponse = (description: string) => jsonResponse(description, ContentSchema);

const listRoute = createRoute({
  method: "get",
  path: "/v1/content",
  operationId: "list_content",
  tags: ["Content"],
  summary: "Generated content of the tenant, newest first",
  security: bearer,
  middleware: guard("content.read", { action: "content.list", resource: "content" }),
  request: {
    query: PageQuery.extend({
      skill_id: idField("skill").optional(),
      request_id: z.string().max(128).optional(),
      content_type: z.enum(CONTENT_TYPES).optional(),
      selected: z.enum(["true", "false"]).optional(),
      approved: z.enum(["true", "false"]).optional(),
    }),
  },
  responses: { 200: jsonResponse("A page of content", pageSchema(ContentSchema, "ContentPage")), ...problems() },
});

const createContentRoute = createRoute({
  method: "post",
  path: "/v1/content",
  operationId: "create_content",
  tags: ["Content"],
  summary: "Record a generated candidate",
  security: bearer,
  middleware: guard("content.write", { action: "content.create", resource: "content" }),
  request: jsonBody(CreateContent),
  responses: {
    201: contentResponse("Recorded"),
    409: problemResponseSpec("The skill is retired, or a referenced row was deleted meanwhile"),
    ...problems(),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/content/{id}",
  operationId: "get_content",
  tags: ["Content"],
  summary: "One generated candidate",
  security: bearer,
  middleware: guard("content.read", { action: "content.read", resource: "content", idParam: "id" }),
  request: { params: Params },
  responses: { 200: contentResponse("The content"), ...problems(CONTENT_NOT_FOUND) },
});

const feedbackRoute = createRoute({
  method: "patch",
  path: "/v1/content/{id}",
  operationId: "update_content",
  tags: ["Content"],
  summary: "Record the user's selection or approval of a candidate",
  security: bearer,
  middleware: guard("content.write", { action: "content.feedback", resource: "content", idParam: "id" }),
  request: { params: Params, ...jsonBody(Feedback) },
  responses: { 200: contentResponse("Updated"), ...problems(CONTENT_NOT_FOUND) },
});

/** The skill, version, template and configuration a candidate names, each the caller's to use. */
async function references(c: Context<AppEnv>, body: z.infer<typeof CreateContent>) {
  const { scope } = caller(c);
  if (body.template_id && !(await getRow(scope, TEMPLATES, body.template_id))) {
    throw invalidField("template_id", "no such template");
  }
  if (body.configuration_id && !(await getRow(scope, POST_CONFIGURATIONS, body.configuration_id))) {
    throw invalidField("configuration_id", "no such post configuration");
  }
  if (!body.skill_id) return { skillId: null, versionId: null };
  const skill = await getVisibleSkill(c.env.DB, scope.tenantId, body.skill_id);
  if (!skill) throw invalidField("skill_id", "no such skill");
  if (skill.status === "retired") throw new ProblemError("conflict", "The skill is retired");
  if (!body.skill_version_id) return { skillId: skill.skill_id, versionId: skill.active_version_id };
  if (!(await getVersion(c.env.DB, skill.skill_id, body.skill_version_id))) {
    throw invalidField("skill_version_id", "no such version of this skill");
  }
  return { skillId: skill.skill_id, versionId: body.skill_version_id };
}

const Cursor = z.object({ t: z.string(), id: z.string() });
const flag = (v: "true" | "false" | undefined) => (v === undefined ? undefined : v === "true");

export const contentRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const after = decodeCursor(query.cursor, Cursor);
    const page = await listContent(
      caller(c).scope,
      {
        skillId: query.skill_id,
        requestId: query.request_id,
        contentType: query.content_type,
        selected: flag(query.selected),
        approved: flag(query.approved),
      },
      { after: after ? { createdAt: after.t, id: after.id } : undefined, limit: query.limit },
    );
    return c.json(
      pageOf(page.rows.map(toContent), page.hasMore, (last) => ({ t: last.created_at, id: last.id })),
      200,
    );
  })
  .openapi(createContentRoute, async (c) => {
    const { scope } = caller(c);
    const body = c.req.valid("json");
    const { skillId, versionId } = await references(c, body);
    const contentId = newId("content");
    const now = isoNow(c.var.clock);
    const statements = [
      insertContent(scope, {
        content_id: contentId,
        request_id: body.request_id ?? contentId,
        intent_spec: body.intent_spec,
        skill_id: skillId,
        skill_version_id: versionId,
        template_id: body.template_id ?? null,
        config_id: body.configuration_id ?? null,
        content_type: body.content_type,
        text_content: body.text_content ?? null,
        image_url: body.image_url ?? null,
        video_url: body.video_url ?? null,
        hashtags: body.hashtags ?? null,
        brand_voice_score: body.brand_voice_score ?? null,
        guard_pass_rate: body.guard_pass_rate ?? null,
        guards_passed: body.guards_passed ?? null,
        guards_failed: body.guards_failed ?? null,
        cost: body.cost ?? null,
        generation_time_ms: body.generation_time_ms ?? null,
        model_used: body.model_used ?? null,
        created_at: now,
      }),
    ];
    if (body.template_id) statements.push(recordTemplateUse(scope, body.template_id, now));
    if (body.configuration_id) statements.push(recordConfigurationUse(scope, body.configuration_id, now));
    try {
      await commitAudited(c, scope.db, statements, {
        action: "content.create",
        resourceType: "content",
        resourceId: contentId,
        metadata: { skill_id: skillId, template_id: body.template_id, content_type: body.content_type },
      });
    } catch (error) {
      // Checked above; only a concurrent delete of a referenced row gets here.
      if (isForeignKeyViolation(error) || isTriggerAbort(error, "post configuration of another tenant")) {
        throw new ProblemError("conflict", "A referenced template, configuration or skill version is gone");
      }
      throw error;
    }
    return c.json(toContent(await ownContent(c, contentId)), 201);
  })
  .openapi(getRoute, async (c) => c.json(toContent(await ownContent(c, c.req.valid("param").id)), 200))
  .openapi(feedbackRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    await ownContent(c, id);
    await commitAudited(
      c,
      scope.db,
      [setFeedback(scope, id, { selected: body.user_selected, approved: body.user_approved })],
      { action: "content.feedback", resourceType: "content", resourceId: id, metadata: body },
    );
    return c.json(toContent(await ownContent(c, id)), 200);
  });
