// The operator's view of a tenant's pending posts (ADMIN_TOKEN; docs/publishing.md, Held
// posts). While a tenant is suspended or deleted every credential of its own is
// refused, so it cannot cancel anything itself: the operator lists its scheduled and
// held posts and cancels them. Both work whatever the tenant's status; a cancel is
// recorded in the tenant's own trail, under the operator.
import { createRoute, z } from "@hono/zod-openapi";
import { idPattern } from "../../core/db/ids";
import { listPublishRequests } from "../../core/db/publish-request-list";
import { toPost } from "../../core/db/publish-requests";
import { scopeOn, type TenantScope } from "../../core/db/tenant-scope";
import { findTenant } from "../../core/db/tenants";
import { placementOfRow } from "../../core/placement/directory";
import { operatorGuard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { auditActor } from "../http/audit";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { jsonResponse } from "../http/openapi-parts";
import { cancelPost } from "../http/post-cancel";
import { ProblemError } from "../http/problem";
import { PostPageSchema, PostSchema } from "../http/publishing-schemas";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset, tenantObjectAt } from "../objects";

const security = [{ bearerAuth: [] }];
const errors = {
  400: problemResponseSpec("Invalid input"),
  401: problemResponseSpec("Not the operator"),
  404: problemResponseSpec("No such tenant, or no such post of the tenant"),
};

const tenantId = z
  .string()
  .regex(idPattern("tenant"), "a tenant id (ten_...)")
  .openapi({ param: { name: "id", in: "path" } });
const postId = z
  .string()
  .regex(idPattern("post"), "a post id (post_...)")
  .openapi({ param: { name: "post_id", in: "path" } });

const listRoute = createRoute({
  method: "get",
  path: "/v1/admin/tenants/{id}/posts",
  operationId: "list_tenant_posts",
  tags: ["Operator"],
  summary: "A tenant's scheduled or held posts, newest first (works while the tenant is suspended)",
  security,
  middleware: operatorGuard({ action: "tenant.posts_read", resource: "tenant", idParam: "id" }),
  request: {
    params: z.object({ id: tenantId }),
    query: PageQuery.extend({ status: z.enum(["held", "scheduled"]) }),
  },
  responses: {
    200: jsonResponse("A page of posts", PostPageSchema),
    ...errors,
  },
});

const cancelRoute = createRoute({
  method: "post",
  path: "/v1/admin/tenants/{id}/posts/{post_id}/cancel",
  operationId: "cancel_tenant_post",
  tags: ["Operator"],
  summary: "Cancel a tenant's scheduled or held post (works while the tenant is suspended)",
  security,
  middleware: operatorGuard({ action: "post.cancel", resource: "post", idParam: "post_id" }),
  request: { params: z.object({ id: tenantId, post_id: postId }) },
  responses: {
    200: jsonResponse("Cancelled", PostSchema),
    409: problemResponseSpec("The post is neither scheduled nor held (any more)"),
    ...errors,
  },
});

/** The tenant's scope and object, whatever its status; D1 has every post its object answered for. */
async function tenantPosts(env: Env, id: string): Promise<{ scope: TenantScope; object: TenantObjectOf }> {
  const row = await findTenant(env.DB, id);
  const placement = row ? placementOfRow(row) : null;
  if (!placement) throw new ProblemError("notFound", "No such tenant");
  const object = await tenantObjectAt(env, placement);
  await retryOnReset(object, "settleRecords");
  return { scope: scopeOn(env, placement), object };
}
type TenantObjectOf = Awaited<ReturnType<typeof tenantObjectAt>>;

const PostCursor = z.object({ id: z.string() });

export const adminPostsRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const beforeId = decodeCursor(query.cursor, PostCursor)?.id;
    const { scope } = await tenantPosts(c.env, id);
    const page = await listPublishRequests(scope, { beforeId, limit: query.limit, status: query.status });
    return c.json(
      pageOf(page.rows.map(toPost), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  })
  .openapi(cancelRoute, async (c) => {
    const { id, post_id } = c.req.valid("param");
    const { scope, object } = await tenantPosts(c.env, id);
    const post = await cancelPost(scope, object, post_id, { ...auditActor(c), tenantId: id });
    return c.json(post as z.infer<typeof PostSchema>, 200);
  });
