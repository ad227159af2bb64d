// Feedback on a generated candidate: revision events (a defect or a preference, with
// labels and confidence) and guard results (checks and the auto-fixes applied). Both
// feed the daily skill metrics.

import { createRoute, z } from "@hono/zod-openapi";
import { isoNow } from "../../core/clock";
import { getContent, setFeedback, toContent } from "../../core/db/content";
import { insertGuardResult, listGuardResults, refreshGuardSummary, toGuardResult } from "../../core/db/guard-results";
import { newId } from "../../core/db/ids";
import {
  CLASSIFICATIONS,
  getRevision,
  insertRevision,
  listRevisions,
  REVISION_TYPES,
  type RevisionRow,
  toRevision,
} from "../../core/db/revision-events";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { CONTENT_NOT_FOUND, ownContent } from "../http/content-access";
import { idParam, labelList, ScoreField, Timestamp } from "../http/content-schemas";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { jsonObject } from "../http/json-field";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { caller } from "../http/request-context";
import { clientId } from "../http/text-field";

const RevisionSchema = z
  .object({
    id: z.string(),
    request_id: z.string(),
    content_id: z.string(),
    skill_id: z.string().nullable(),
    skill_version_id: z.string().nullable(),
    classification: z.enum(CLASSIFICATIONS),
    confidence: z.number().nullable(),
    labels_defect: z.array(z.string()),
    labels_preference: z.array(z.string()),
    user_notes: z.string().nullable(),
    revision_type: z.enum(REVISION_TYPES),
    created_at: Timestamp,
  })
  .openapi("Revision");

const GuardResultSchema = z
  .object({
    id: z.string(),
    request_id: z.string(),
    content_id: z.string(),
    guard_id: z.string(),
    pass: z.boolean(),
    metrics: z.record(z.string(), z.unknown()).nullable(),
    auto_fixed: z.boolean(),
    action_taken: z.string().nullable(),
    created_at: Timestamp,
  })
  .openapi("GuardResult");

const CreateRevision = z
  .object({
    request_id: clientId(128).optional().openapi({ description: "Default: the content's request" }),
    classification: z.enum(CLASSIFICATIONS),
    confidence: ScoreField.optional(),
    labels_defect: labelList(20)
      .default([])
      .openapi({ example: ["low_contrast", "text_overlap"] }),
    labels_preference: labelList(20)
      .default([])
      .openapi({ example: ["tone_adjustment"] }),
    user_notes: z.string().trim().min(1).max(2000).optional(),
    revision_type: z.enum(REVISION_TYPES).openapi({ description: '"approved" also marks the content approved' }),
  })
  .strict()
  .openapi("CreateRevision");

const GuardRun = z
  .object({
    request_id: clientId(128).optional().openapi({ description: "Default: the content's request" }),
    results: z
      .array(
        z
          .object({
            guard_id: z.string().regex(/^[a-z0-9_.-]{1,64}$/, "a guard id such as contrast or safe_margin"),
            pass: z.boolean(),
            metrics: jsonObject(8192).optional(),
            auto_fixed: z.boolean().default(false),
            action_taken: z.string().trim().min(1).max(500).optional(),
          })
          .strict()
          .refine((r) => !r.auto_fixed || r.action_taken !== undefined, {
            message: "an auto-fix names the action taken",
            path: ["action_taken"],
          }),
      )
      .min(1)
      .max(50)
      .refine((rs) => new Set(rs.map((r) => r.guard_id)).size === rs.length, "one result per guard per run"),
  })
  .strict()
  .openapi("GuardRun");

const GuardRunResult = z
  .object({
    results: z.array(GuardResultSchema),
    summary: z.object({
      guards_passed: z.number().int().nullable(),
      guards_failed: z.number().int().nullable(),
      guard_pass_rate: z.number().nullable(),
    }),
  })
  .openapi("GuardRunResult");

const Params = z.object({ id: idParam("content") });
const Cursor = z.object({ id: z.string() });

const createRevisionRoute = createRoute({
  method: "post",
  path: "/v1/content/{id}/revisions",
  operationId: "create_content_revision",
  tags: ["Content"],
  summary: "Record a revision: a defect or a preference, with labels and confidence",
  security: bearer,
  middleware: guard("content.write", { action: "content.revision", resource: "content", idParam: "id" }),
  request: { params: Params, ...jsonBody(CreateRevision) },
  responses: { 201: jsonResponse("Recorded", RevisionSchema), ...problems(CONTENT_NOT_FOUND) },
});

const listRevisionsRoute = createRoute({
  method: "get",
  path: "/v1/content/{id}/revisions",
  operationId: "list_content_revisions",
  tags: ["Content"],
  summary: "Revisions of a candidate, oldest first",
  security: bearer,
  middleware: guard("content.read", { action: "content.revision_list", resource: "content", idParam: "id" }),
  request: { params: Params, query: PageQuery },
  responses: {
    200: jsonResponse("A page of revisions", pageSchema(RevisionSchema, "RevisionPage")),
    ...problems(CONTENT_NOT_FOUND),
  },
});

const createGuardsRoute = createRoute({
  method: "post",
  path: "/v1/content/{id}/guards",
  operationId: "create_guard_results",
  tags: ["Content"],
  summary: "Record a guard run: each guard's result and any auto-fix",
  description:
    "The content's guards_passed, guards_failed and guard_pass_rate are recomputed from the latest result of each guard.",
  security: bearer,
  middleware: guard("content.write", { action: "content.guards", resource: "content", idParam: "id" }),
  request: { params: Params, ...jsonBody(GuardRun) },
  responses: { 201: jsonResponse("Recorded", GuardRunResult), ...problems(CONTENT_NOT_FOUND) },
});

const listGuardsRoute = createRoute({
  method: "get",
  path: "/v1/content/{id}/guards",
  operationId: "list_guard_results",
  tags: ["Content"],
  summary: "Guard results of a candidate, oldest first",
  security: bearer,
  middleware: guard("content.read", { action: "content.guard_list", resource: "content", idParam: "id" }),
  request: { params: Params, query: PageQuery },
  responses: {
    200: jsonResponse("A page of guard results", pageSchema(GuardResultSchema, "GuardResultPage")),
    ...problems(CONTENT_NOT_FOUND),
  },
});

export const contentFeedbackRoutes = createRouter()
  .openapi(createRevisionRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const content = toContent(await ownContent(c, id));
    const eventId = newId("revision");
    const now = isoNow(c.var.clock);
    const statements = [
      insertRevision(scope, {
        event_id: eventId,
        request_id: body.request_id ?? content.request_id,
        content_id: id,
        skill_id: content.skill_id,
        skill_version_id: content.skill_version_id,
        classification: body.classification,
        confidence: body.confidence ?? null,
        labels_defect: body.labels_defect,
        labels_preference: body.labels_preference,
        user_notes: body.user_notes ?? null,
        revision_type: body.revision_type,
        created_at: now,
      }),
    ];
    if (body.revision_type === "approved") {
      statements.push(setFeedback(scope, id, { approved: true }));
    }
    await commitAudited(c, scope.db, statements, {
      action: "content.revision",
      resourceType: "content",
      resourceId: id,
      metadata: { revision_id: eventId, classification: body.classification, revision_type: body.revision_type },
    });
    return c.json(toRevision((await getRevision(scope, eventId)) as RevisionRow), 201);
  })
  .openapi(listRevisionsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    await ownContent(c, id);
    const page = await listRevisions(caller(c).scope, id, {
      afterId: decodeCursor(query.cursor, Cursor)?.id,
      limit: query.limit,
    });
    return c.json(
      pageOf(page.rows.map(toRevision), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  })
  .openapi(createGuardsRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const content = toContent(await ownContent(c, id));
    const now = isoNow(c.var.clock);
    const results = body.results.map((r) => ({
      result_id: newId("guardResult"),
      request_id: body.request_id ?? content.request_id,
      content_id: id,
      guard_id: r.guard_id,
      pass: r.pass ? 1 : 0,
      metrics: r.metrics ?? null,
      auto_fixed: r.auto_fixed ? 1 : 0,
      action_taken: r.action_taken ?? null,
      created_at: now,
    }));
    await commitAudited(
      c,
      scope.db,
      [...results.map((r) => insertGuardResult(scope, r)), refreshGuardSummary(scope, id)],
      {
        action: "content.guards",
        resourceType: "content",
        resourceId: id,
        metadata: { guards: results.map((r) => r.guard_id), failed: results.filter((r) => !r.pass).length },
      },
    );
    const updated = await getContent(scope, id);
    return c.json(
      {
        results: results.map((r) =>
          toGuardResult({ ...r, metrics_json: r.metrics === null ? null : JSON.stringify(r.metrics) }),
        ),
        summary: {
          guards_passed: updated?.guards_passed ?? null,
          guards_failed: updated?.guards_failed ?? null,
          guard_pass_rate: updated?.guard_pass_rate ?? null,
        },
      },
      201,
    );
  })
  .openapi(listGuardsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    await ownContent(c, id);
    const page = await listGuardResults(caller(c).scope, id, {
      afterId: decodeCursor(query.cursor, Cursor)?.id,
      limit: query.limit,
    });
    return c.json(
      pageOf(page.rows.map(toGuardResult), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  });
