// Posts: publish now (201), schedule (202), list, read, cancel a scheduled or held one
// (releasing a held one: post-release.ts). POST /v1/posts takes an Idempotency-Key: a
// repeat returns the first answer and calls no platform.
import { createRoute, z } from "@hono/zod-openapi";
import type { FlowResult, PublishNowResult } from "../../../objects/tenant-object/contract";
import { sha256, toHex, utf8 } from "../../core/crypto/encoding";
import { idPattern, newId } from "../../core/db/ids";
import { listPublishRequests } from "../../core/db/publish-request-list";
import { getPublishRequest, type PostStatus, toPost } from "../../core/db/publish-requests";
import { platformAdapter } from "../../core/platforms";
import { refreshAtPlatform } from "../../core/platforms/refresh";
import { PLATFORMS } from "../../core/platforms/types";
import { acceptPrincipal, setRateLimitHeaders } from "../auth/authenticate";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { auditActor } from "../http/audit";
import { decodeCursor, PageQuery, pageOf } from "../http/cursor";
import { DRAFTED_VIA_HEADER } from "../http/drafted-via";
import { cancelPost } from "../http/post-cancel";
import { ProblemError } from "../http/problem";
import { answerPublish } from "../http/publish-answers";
import { PostBody, PostPageSchema, PostParams, type PostSchema, postResponse } from "../http/publishing-schemas";
import { caller, callerObject, settlePosts } from "../http/request-context";
import { idempotencyHeader, problemResponseSpec } from "../http/schemas";
import { retryOnReset } from "../objects";

const security = [{ bearerAuth: [] }];
const errors = {
  400: problemResponseSpec("Invalid input, or the post breaks the platform's rules (fields named)"),
  401: problemResponseSpec("No valid credential"),
  403: problemResponseSpec("Role or scope does not allow it"),
};
const IdempotencyHeader = idempotencyHeader("Repeat a request with the same key to get its first answer back");

const createPostRoute = createRoute({
  method: "post",
  path: "/v1/posts",
  operationId: "create_post",
  tags: ["Posts"],
  summary: "Publish a post now (201) or at scheduled_at (202), under its post configuration",
  description:
    "Admission is exact per account window; over it: 429 with Retry-After and the window. If the platform does not answer in time after the post was sent, the post is 'unknown' (202) and never retried blindly.",
  security,
  // posts.create: publish, or draft:posts alone, whose posts always wait (src/core/auth/approvals.ts).
  middleware: guard("posts.create", { action: "post.publish", resource: "post" }, { inObject: true, publishes: true }),
  request: {
    headers: IdempotencyHeader,
    body: { content: { "application/json": { schema: PostBody } }, required: true },
  },
  responses: {
    201: postResponse("Published"),
    202: postResponse(
      "Scheduled, waiting for an approver (pending_approval: docs/approvals.md), or sent with an unknown outcome (status says which)",
    ),
    402: problemResponseSpec(
      "The subscription is past_due beyond its grace, or canceled: nothing published or scheduled (payment-required)",
    ),
    404: problemResponseSpec("No such social account"),
    409: problemResponseSpec(
      "The account cannot publish, its platform is not configured in this deployment (platform-not-configured), or the same Idempotency-Key is in flight",
    ),
    422: problemResponseSpec(
      "The platform refused the post, the key was used for another request, or the post configuration refuses it (platform-not-allowed, guard-not-passed, brand-voice-too-low: rule names the configuration's field; nothing was sent)",
    ),
    429: problemResponseSpec("A window is full: Retry-After, window, reset_at"),
    503: problemResponseSpec("The platform is unavailable; nothing was published"),
    ...errors,
    400: problemResponseSpec(
      "Invalid input, the post breaks the platform's rules or its configuration's (hashtag cap, call to action too long, no best time), or its media was refused when fetched (fields named)",
    ),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/posts",
  operationId: "list_posts",
  tags: ["Posts"],
  summary: "Posts, newest first",
  security,
  middleware: guard("posts.read", { action: "post.list", resource: "post" }),
  request: {
    query: PageQuery.extend({
      status: z
        .enum(["pending_approval", "rejected", "scheduled", "held", "published", "failed", "cancelled", "unknown"])
        .optional()
        .openapi({ description: "pending_approval: the approval queue (docs/approvals.md)" }),
      account_id: z.string().regex(idPattern("socialAccount")).optional(),
      platform: z.enum(PLATFORMS).optional(),
      at_risk: z.enum(["true"]).optional().openapi({
        description:
          "true: only scheduled posts the pre-flight check found at risk (docs/publishing.md, Pre-flight checks), newest first",
      }),
    }),
  },
  responses: {
    200: {
      description: "A page of posts",
      content: { "application/json": { schema: PostPageSchema } },
    },
    ...errors,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/posts/{id}",
  operationId: "get_post",
  tags: ["Posts"],
  summary: "One post",
  security,
  middleware: guard("posts.read", { action: "post.read", resource: "post", idParam: "id" }),
  request: { params: PostParams },
  responses: { 200: postResponse("The post"), 404: problemResponseSpec("No such post in this tenant"), ...errors },
});

const cancelRoute = createRoute({
  method: "delete",
  path: "/v1/posts/{id}",
  operationId: "cancel_post",
  tags: ["Posts"],
  summary: "Cancel a scheduled or held post, or withdraw one waiting for approval",
  security,
  middleware: guard("posts.publish", { action: "post.cancel", resource: "post", idParam: "id" }),
  request: { params: PostParams },
  responses: {
    200: postResponse("Cancelled"),
    404: problemResponseSpec("No such post in this tenant"),
    409: problemResponseSpec("The post is neither scheduled nor held (any more)"),
    ...errors,
  },
});

/** A canonical digest of the request, to refuse a key reused for another request. */
async function requestHash(body: z.infer<typeof PostBody>): Promise<string> {
  const canonical = JSON.stringify(body, Object.keys(body).sort());
  return toHex(
    await sha256(utf8(`${canonical}|${JSON.stringify(body.utm_params ?? null)}|${JSON.stringify(body.hashtags)}`)),
  );
}

const PostCursor = z.object({ id: z.string() });

export const postsRoutes = createRouter()
  .openapi(createPostRoute, async (c) => {
    const body = c.req.valid("json");
    const idempotencyKey = c.req.valid("header")["idempotency-key"] ?? null;
    const object = await callerObject(c);
    const input = {
      attemptId: newId("post"),
      idempotencyKey,
      // Compared only to refuse an Idempotency-Key reused for another request.
      requestHash: idempotencyKey ? await requestHash(body) : "",
      accountId: body.account_id,
      draft: {
        text: body.text,
        imageUrl: body.image_url ?? null,
        videoUrl: body.video_url ?? null,
        hashtags: body.hashtags,
      },
      // "best": the object picks the time from the post's configuration, on its own clock.
      scheduledAtMs: body.scheduled_at && body.scheduled_at !== "best" ? Date.parse(body.scheduled_at) : null,
      bestTime: body.scheduled_at === "best",
      configurationId: body.configuration_id ?? null,
      campaignId: body.campaign_id ?? null,
      utmParams: body.utm_params ?? null,
      contentId: body.content_id ?? null,
      actor: auditActor(c),
      // Drafted through the MCP server: an agent's post (docs/approvals.md). The header
      // can only make a post wait, never spare one, so a client may send it too.
      ...(c.req.header(DRAFTED_VIA_HEADER) === "mcp" ? { via: "mcp" as const } : {}),
    };
    // A repeat after a reset goes with `retry` set (REPEAT in the object's contract).
    const started = await retryOnReset(object, "publishNow", input, c.var.deferredAuth);
    if (started.principal) acceptPrincipal(c, started.principal);
    if (started.keyAdmission) setRateLimitHeaders(c, started.keyAdmission);
    let result: PublishNowResult | FlowResult = started;
    // The route's own step of a publish (step 6 of objects/publishing/publish-flow.ts): a
    // token to refresh first is refreshed here, since this request outlives a reset of
    // the object (why: publishNow in the object's contract).
    while (result.kind === "refresh_needed") {
      const { attemptId, lease } = result;
      const outcome = await refreshAtPlatform(platformAdapter(c.env, lease.platform, new URL(c.req.url).origin), lease);
      result = await retryOnReset(object, "resumePublish", attemptId, lease.leaseId, outcome);
    }
    return answerPublish(c, result);
  })
  .openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    await settlePosts(c);
    const page = await listPublishRequests(caller(c).scope, {
      beforeId: decodeCursor(query.cursor, PostCursor)?.id,
      limit: query.limit,
      status: query.status as PostStatus | undefined,
      accountId: query.account_id,
      platform: query.platform,
      atRisk: query.at_risk === "true",
    });
    return c.json(
      pageOf(page.rows.map(toPost), page.hasMore, (last) => ({ id: last.id })),
      200,
    );
  })
  .openapi(getRoute, async (c) => {
    const id = c.req.valid("param").id;
    await settlePosts(c);
    const row = await getPublishRequest(caller(c).scope, id);
    if (!row) throw new ProblemError("notFound", "No such post");
    return c.json(toPost(row), 200);
  })
  .openapi(cancelRoute, async (c) => {
    const { id } = c.req.valid("param");
    await settlePosts(c);
    const post = await cancelPost(caller(c).scope, await callerObject(c), id, auditActor(c));
    return c.json(post as z.infer<typeof PostSchema>, 200);
  });
