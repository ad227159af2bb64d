// GET /v1/posts/{id}/analytics: a post's live figures from its TenantObject, or the
// last flushed row in D1 for a post the object no longer counts.
import { createRoute, z } from "@hono/zod-openapi";
import type { PostFigures } from "../../../objects/tenant-object/contract";
import { idPattern } from "../../core/db/ids";
import { parseJson } from "../../core/db/json-column";
import { guard } from "../auth/guard";
import { PostFiguresSchema } from "../http/analytics-schemas";
import { createRouter } from "../http/app-env";
import { ProblemError } from "../http/problem";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset } from "../objects";

const route = createRoute({
  method: "get",
  path: "/v1/posts/{id}/analytics",
  operationId: "get_post_analytics",
  tags: ["Analytics"],
  summary: "A post's figures, live",
  security: [{ bearerAuth: [] }],
  middleware: guard("analytics.read", { action: "post_analytics.read", resource: "post", idParam: "id" }),
  request: {
    params: z.object({
      id: z
        .string()
        .regex(idPattern("post"), "a post id (post_...)")
        .openapi({ param: { name: "id", in: "path" } }),
    }),
  },
  responses: {
    200: { description: "The figures", content: { "application/json": { schema: PostFiguresSchema } } },
    400: problemResponseSpec("Invalid id"),
    401: problemResponseSpec("No valid credential"),
    403: problemResponseSpec("Role or scope does not allow it"),
    404: problemResponseSpec("No such published post in this tenant"),
  },
});

export const postAnalyticsRoutes = createRouter().openapi(route, async (c) => {
  const { id } = c.req.valid("param");
  const object = await callerObject(c);
  const live = await retryOnReset(object, "postFigures", id);
  if (live) return c.json(live, 200);
  const { scope } = caller(c);
  const row = await scope.db
    .prepare(
      `SELECT pa.*, p.account_id, p.published_at FROM post_analytics pa
       JOIN published_posts p ON p.post_id = pa.post_id AND p.tenant_id = pa.tenant_id
       WHERE pa.tenant_id = ? AND pa.post_id = ?`,
    )
    .bind(scope.tenantId, id)
    .first<Record<string, unknown>>();
  if (!row) throw new ProblemError("notFound", "No such published post");
  return c.json(
    {
      ...(row as unknown as PostFigures),
      share_rate: null,
      performance_score: Number(row.performance_score ?? 0),
      performance_score_breakdown: parseJson(row.performance_score_breakdown as string, {
        engagement: 0,
        reach: 0,
        shares: 0,
        basis: "none" as const,
      }),
      is_anomaly: row.is_anomaly === 1,
      anomaly_type: (row.anomaly_type as PostFigures["anomaly_type"]) ?? "normal",
      followers: null,
      updated_at: String(row.updated_at),
    },
    200,
  );
});
