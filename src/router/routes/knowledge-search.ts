// POST /v1/knowledge/search: the tenant's entries nearest to a query vector.
//
// The tenant is never the client's to choose: the body has no tenant field (an
// unknown field is a 400), and the server scopes the index query to the caller's
// namespace and tenant_id, then reads each hit back from D1 under the caller's scope.

import { createRoute, z } from "@hono/zod-openapi";
import { isoNow } from "../../core/clock";
import { activeEntriesById, ENTRY_TYPES, recordAccess, toKnowledgeEntry } from "../../core/db/knowledge";
import { VECTOR_INDEXES } from "../../core/vector/indexes";
import { searchKnowledge } from "../../core/vector/knowledge-vectors";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { oneOrMany } from "../http/content-schemas";
import { CategoryField, KnowledgeEntrySchema } from "../http/knowledge-schemas";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { caller } from "../http/request-context";
import { vectorField } from "../http/vector-field";

const SearchBody = z
  .object({
    vector: vectorField(VECTOR_INDEXES.knowledge),
    top_k: z.number().int().min(1).max(50).default(10),
    filter: z
      .object({
        entry_type: oneOrMany(z.enum(ENTRY_TYPES)).optional(),
        category: oneOrMany(CategoryField).optional(),
      })
      .strict()
      .default({})
      .openapi({ description: "entry_type and category: one value or a list (any of them)" }),
  })
  .strict()
  .openapi("KnowledgeSearch");

const SearchResult = z
  .object({
    matches: z.array(z.object({ score: z.number(), entry: KnowledgeEntrySchema })),
  })
  .openapi("KnowledgeSearchResult");

const route = createRoute({
  method: "post",
  path: "/v1/knowledge/search",
  operationId: "search_knowledge",
  tags: ["Knowledge"],
  summary: "The tenant's active entries nearest to a vector (cosine similarity, best first)",
  security: bearer,
  middleware: guard("content.read", { action: "knowledge.search", resource: "knowledge_entry" }),
  request: jsonBody(SearchBody),
  responses: { 200: jsonResponse("Matches, best first", SearchResult), ...problems() },
});

export const knowledgeSearchRoutes = createRouter().openapi(route, async (c) => {
  const { scope } = caller(c);
  const body = c.req.valid("json");
  const hits = await searchKnowledge(c.env, scope.tenantId, body.vector, body.top_k, {
    entryTypes: body.filter.entry_type,
    categories: body.filter.category,
  });
  const rows = await activeEntriesById(
    scope,
    hits.map((hit) => hit.id),
  );
  // D1 is the truth: a hit whose entry has since changed type or category is dropped.
  const { entry_type: types, category: categories } = body.filter;
  const matches = hits.flatMap((hit) => {
    const row = rows.get(hit.id);
    if (!row || (types && !types.includes(row.entry_type as (typeof types)[number]))) return [];
    if (categories && !(row.category !== null && categories.includes(row.category))) return [];
    return [{ score: hit.score, row }];
  });
  const now = isoNow(c.var.clock);
  if (matches.length > 0) {
    await scope.db.batch(
      recordAccess(
        scope,
        matches.map((m) => m.row.entry_id),
        now,
      ),
    );
  }
  return c.json(
    {
      matches: matches.map(({ score, row }) => ({
        score,
        entry: toKnowledgeEntry({ ...row, access_count: row.access_count + 1, last_accessed_at: now }),
      })),
    },
    200,
  );
});
