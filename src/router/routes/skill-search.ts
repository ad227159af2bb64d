// POST /v1/skills/search: the skills nearest to a vector among those the caller may
// use. The visibility filter (global or the caller's own) is the server's; the client
// narrows by task, platform, modality and status. Hits are read back from D1 with the
// same visibility, so the answer never holds another tenant's private skill.
import { createRoute, z } from "@hono/zod-openapi";
import { toSkill, visibleSkillsById } from "../../core/db/skills";
import { SKILL_STATUSES } from "../../core/skills/lifecycle";
import { VECTOR_INDEXES } from "../../core/vector/indexes";
import { searchSkillVectors } from "../../core/vector/skill-vectors";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { oneOrMany, PlatformField } from "../http/content-schemas";
import { bearer, jsonBody, jsonResponse, problems } from "../http/openapi-parts";
import { caller } from "../http/request-context";
import { SkillFields, SkillSchema } from "../http/skill-schemas";
import { vectorField } from "../http/vector-field";

/** Usable skills unless the client asks for other statuses. */
const USABLE = ["testing", "active", "champion"];

const SearchBody = z
  .object({
    vector: vectorField(VECTOR_INDEXES.skills),
    top_k: z.number().int().min(1).max(50).default(5),
    filter: z
      .object({
        task: oneOrMany(SkillFields.task).optional(),
        platform: oneOrMany(PlatformField).optional(),
        modality: oneOrMany(SkillFields.modality).optional(),
        status: oneOrMany(z.enum(SKILL_STATUSES)).optional(),
      })
      .strict()
      .default({})
      .openapi({
        description: "Each: one value or a list (any of them). status defaults to testing, active, champion",
      }),
  })
  .strict()
  .openapi("SkillSearch");

const SearchResult = z
  .object({ matches: z.array(z.object({ score: z.number(), skill: SkillSchema })) })
  .openapi("SkillSearchResult");

const route = createRoute({
  method: "post",
  path: "/v1/skills/search",
  operationId: "search_skills",
  tags: ["Skills"],
  summary: "Skills nearest to a vector (cosine similarity, best first) among global and the tenant's own",
  security: bearer,
  middleware: guard("skills.read", { action: "skill.search", resource: "skill" }),
  request: jsonBody(SearchBody),
  responses: { 200: jsonResponse("Matches, best first", SearchResult), ...problems() },
});

export const skillSearchRoutes = createRouter().openapi(route, async (c) => {
  const { user } = caller(c);
  const { vector, top_k, filter } = c.req.valid("json");
  const status = filter.status ?? USABLE;
  const hits = await searchSkillVectors(c.env, user.tenantId, vector, top_k, { ...filter, status });
  const rows = await visibleSkillsById(
    c.env.DB,
    user.tenantId,
    hits.map((h) => h.id),
  );
  // D1 is the truth: a hit whose skill has since changed status or visibility is dropped.
  const matches = hits.flatMap((hit) => {
    const row = rows.get(hit.id);
    return row && status.includes(row.status) ? [{ score: hit.score, skill: toSkill(row) }] : [];
  });
  return c.json({ matches }, 200);
});
