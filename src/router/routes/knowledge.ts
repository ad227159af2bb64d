// The tenant's knowledge base: list, create, read, change, delete. An entry with an
// embedding is searchable (routes/knowledge-search.ts) while it is active.

import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isoNow } from "../../core/clock";
import { newId } from "../../core/db/ids";
import { jsonOrNull } from "../../core/db/json-column";
import {
  ENTRY_STATUSES,
  ENTRY_TYPES,
  insertKnowledgeEntry,
  KNOWLEDGE,
  type KnowledgeRow,
  recordAccess,
  toKnowledgeEntry,
} from "../../core/db/knowledge";
import { deleteRow, getRow, pageRows, updateRow } from "../../core/db/tenant-rows";
import { vectorToBytes } from "../../core/vector/codec";
import { VECTOR_INDEXES } from "../../core/vector/indexes";
import { knowledgeIndex, syncKnowledgeVector, upsertKnowledgeVector } from "../../core/vector/knowledge-vectors";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { commitAudited } from "../http/audit";
import { idParam } from "../http/content-schemas";
import { countGuard, overQuota, refuseWhenFull } from "../http/count-quotas";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { pageSchema } from "../http/identity-schemas";
import { indexAfterCommit } from "../http/index-sync";
import { jsonObject } from "../http/json-field";
import { CategoryField, KnowledgeEntrySchema } from "../http/knowledge-schemas";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { caller } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { plainText } from "../http/text-field";
import { vectorField } from "../http/vector-field";

const fields = {
  title: plainText(1, 200),
  entry_type: z.enum(ENTRY_TYPES),
  category: CategoryField.nullable(),
  content: z.string().min(1).max(65_536),
  metadata: jsonObject(16_384).nullable(),
  embedding: vectorField(VECTOR_INDEXES.knowledge)
    .nullable()
    .openapi({ description: "1536-dimension embedding of the content (write-only); null: not searchable" }),
};

const CreateEntry = z
  .object({
    ...fields,
    category: fields.category.default(null),
    metadata: fields.metadata.default(null),
    embedding: fields.embedding.default(null),
  })
  .strict()
  .openapi("CreateKnowledgeEntry");

const PatchEntry = z
  .object({
    title: fields.title.optional(),
    entry_type: fields.entry_type.optional(),
    category: fields.category.optional(),
    content: fields.content.optional(),
    metadata: fields.metadata.optional(),
    embedding: fields.embedding.optional(),
    status: z.enum(ENTRY_STATUSES).optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "give at least one field")
  .openapi("PatchKnowledgeEntry");

const Params = z.object({ id: idParam("knowledgeEntry") });
const entryResponse = (description: string) => jsonResponse(description, KnowledgeEntrySchema);
const NOT_FOUND = "No such knowledge entry";

async function target(c: Context<AppEnv>, id: string): Promise<KnowledgeRow> {
  const row = await getRow<KnowledgeRow>(caller(c).scope, KNOWLEDGE, id);
  if (!row) throw new ProblemError("notFound", NOT_FOUND);
  return row;
}

const listRoute = createRoute({
  method: "get",
  path: "/v1/knowledge",
  operationId: "list_knowledge",
  tags: ["Knowledge"],
  summary: "Knowledge entries of the tenant, oldest first",
  security: bearer,
  middleware: guard("content.read", { action: "knowledge.list", resource: "knowledge_entry" }),
  request: {
    query: PageQuery.extend({
      entry_type: z.enum(ENTRY_TYPES).optional(),
      category: CategoryField.optional(),
      status: z.enum(ENTRY_STATUSES).optional(),
    }),
  },
  responses: {
    200: jsonResponse("A page of entries", pageSchema(KnowledgeEntrySchema, "KnowledgeEntryPage")),
    ...problems(),
  },
});

const createEntryRoute = createRoute({
  method: "post",
  path: "/v1/knowledge",
  operationId: "create_knowledge_entry",
  tags: ["Knowledge"],
  summary: "Add a knowledge entry",
  security: bearer,
  middleware: guard("content.write", { action: "knowledge.create", resource: "knowledge_entry" }),
  request: jsonBody(CreateEntry),
  responses: {
    201: entryResponse("Created"),
    ...problems(),
    403: problemResponseSpec(
      "Role or scope does not allow it, or the plan's knowledge entries are all in use (quota-knowledge-entries)",
    ),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/knowledge/{id}",
  operationId: "get_knowledge_entry",
  tags: ["Knowledge"],
  summary: "One knowledge entry (counts as an access)",
  security: bearer,
  middleware: guard("content.read", { action: "knowledge.read", resource: "knowledge_entry", idParam: "id" }),
  request: { params: Params },
  responses: { 200: entryResponse("The entry"), ...problems(NOT_FOUND) },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/v1/knowledge/{id}",
  operationId: "update_knowledge_entry",
  tags: ["Knowledge"],
  summary: "Change, archive or re-embed a knowledge entry",
  security: bearer,
  middleware: guard("content.write", { action: "knowledge.update", resource: "knowledge_entry", idParam: "id" }),
  request: { params: Params, ...jsonBody(PatchEntry) },
  responses: { 200: entryResponse("Updated"), ...problems(NOT_FOUND) },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/v1/knowledge/{id}",
  operationId: "delete_knowledge_entry",
  tags: ["Knowledge"],
  summary: "Delete a knowledge entry and its vector",
  security: bearer,
  middleware: guard("content.write", { action: "knowledge.delete", resource: "knowledge_entry", idParam: "id" }),
  request: { params: Params },
  responses: { 204: { description: "Deleted" }, ...problems(NOT_FOUND) },
});

const Cursor = z.object({ id: z.string() });

export const knowledgeRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const page = await pageRows<KnowledgeRow>(caller(c).scope, KNOWLEDGE, {
      afterId: decodeCursor(query.cursor, Cursor)?.id,
      limit: query.limit,
      filters: { entry_type: query.entry_type, category: query.category, status: query.status },
    });
    return c.json(
      pageOf(page.rows.map(toKnowledgeEntry), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  })
  .openapi(createEntryRoute, async (c) => {
    const { scope } = caller(c);
    const body = c.req.valid("json");
    // The plan's knowledge entries (docs/billing.md, Tiers and quotas): refused before the vector is stored.
    const quota = await countGuard(c, scope, "knowledge_entries");
    await refuseWhenFull(quota);
    const entryId = newId("knowledgeEntry");
    const now = isoNow(c.var.clock);
    const embedding = body.embedding ? vectorToBytes(body.embedding) : null;
    // A new entry's vector goes in first: if the insert then fails, the vector is an
    // orphan no search can return (hits are read back from D1), and a retried POST
    // never finds a saved entry missing from the index.
    if (body.embedding) {
      const entry = { entry_id: entryId, tenant_id: scope.tenantId, ...body };
      await upsertKnowledgeVector(c.env, entry, body.embedding).catch((error: unknown) => {
        console.error(`[${c.var.requestId}] knowledge index not updated`, error);
        throw new ProblemError(
          "unavailable",
          "The knowledge index is unavailable; nothing was saved",
          {},
          {
            "Retry-After": "1",
          },
        );
      });
    }
    try {
      await commitAudited(
        c,
        scope.db,
        [
          insertKnowledgeEntry(scope, {
            entryId,
            title: body.title,
            entryType: body.entry_type,
            category: body.category,
            content: body.content,
            metadata: body.metadata,
            embedding,
            now,
          }),
          quota.check,
        ],
        {
          action: "knowledge.create",
          resourceType: "knowledge_entry",
          resourceId: entryId,
          metadata: { entry_type: body.entry_type, category: body.category, embedded: embedding !== null },
        },
      );
    } catch (error) {
      // Best effort: an orphan left behind is harmless (see above).
      if (embedding)
        await knowledgeIndex(c.env)
          .deleteByIds([entryId])
          .catch(() => undefined);
      throw await overQuota(quota, error);
    }
    return c.json(toKnowledgeEntry(await target(c, entryId)), 201);
  })
  .openapi(getRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    await target(c, id);
    await scope.db.batch(recordAccess(scope, [id], isoNow(c.var.clock)));
    return c.json(toKnowledgeEntry(await target(c, id)), 200);
  })
  .openapi(patchRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    await target(c, id);
    const patch = {
      ...body,
      metadata: body.metadata === undefined ? undefined : jsonOrNull(body.metadata),
      embedding: body.embedding === undefined ? undefined : body.embedding && vectorToBytes(body.embedding),
    };
    await commitAudited(c, scope.db, [updateRow(scope, KNOWLEDGE, id, patch, isoNow(c.var.clock))], {
      action: "knowledge.update",
      resourceType: "knowledge_entry",
      resourceId: id,
      metadata: { fields: Object.keys(body), status: body.status },
    });
    await indexAfterCommit(c, "knowledge", () => syncKnowledgeVector(c.env, scope, id));
    return c.json(toKnowledgeEntry(await target(c, id)), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { scope } = caller(c);
    const { id } = c.req.valid("param");
    await target(c, id);
    await commitAudited(c, scope.db, [deleteRow(scope, KNOWLEDGE, id)], {
      action: "knowledge.delete",
      resourceType: "knowledge_entry",
      resourceId: id,
    });
    await indexAfterCommit(c, "knowledge", () => knowledgeIndex(c.env).deleteByIds([id]));
    return c.body(null, 204);
  });
