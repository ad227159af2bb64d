// The sandbox Instagram API with Instagram Login: short- and long-lived tokens (the
// long-lived one renews itself), media containers, media_publish with a 24-hour
// publishing quota, content_publishing_limit, permalinks. As on Graph (Instagram
// Platform "Content Publishing", reference/ig-container): a reel's container stays
// IN_PROGRESS for minutes (measured on the sandbox's processing clock, clock.ts),
// media_publish refuses a container that is not FINISHED or already PUBLISHED, and
// images must be JPEG.
import { Hono } from "hono";
import { GRAPH_VERSION } from "../platforms/graph";
import { fail, faulty, formOf, presentedToken, type SandboxContext, withAccessToken } from "./context";
import { deadGrant, platformError } from "./dialects";
import { revokeGrant } from "./facebook";
import { batchIds, lifetime, ownPosts } from "./insight-reads";
import { authorize, redeem } from "./oauth";
import type { MediaRow } from "./store";

const LONG_TTL = 60 * 86_400;
/** How long a video container processes here: "several minutes", as real reels often do. */
export const INSTAGRAM_PROCESSING_MS = 3 * 60_000;
const NOT_JPEG = /\.(png|gif|webp|heic|heif|bmp|tiff?|svg)$/i;

/** Graph's error for a container that cannot be published (not ready, or published already). */
function notPublishable(message: string): Response {
  return Response.json(
    { error: { message, type: "OAuthException", code: 9007, error_subcode: 2207027, fbtrace_id: "sandbox" } },
    { status: 400 },
  );
}

/** A container's status now: a reel is FINISHED once the processing clock has passed its time. */
function containerStatus(ctx: SandboxContext, container: MediaRow): string {
  if (container.status !== "IN_PROGRESS") return container.status;
  if (ctx.store.processingNow() < container.created_at_ms + INSTAGRAM_PROCESSING_MS) return "IN_PROGRESS";
  ctx.store.setMediaStatus(container.media_id, "FINISHED");
  return "FINISHED";
}
/** The sandbox account's publishing quota per 24 hours. */
export const INSTAGRAM_QUOTA_TOTAL = 100;

function publishedToday(ctx: SandboxContext, userId: string): number {
  const since = Date.now() - 86_400_000;
  return ctx.store.posts(userId).filter((p) => p.created_at_ms > since).length;
}

export function instagramSandbox(ctx: SandboxContext): Hono {
  const app = new Hono();
  app.get("/oauth/authorize", (c) => authorize(ctx, new URL(c.req.url), false));
  app.post("/oauth/access_token", (c) =>
    faulty(ctx, "token", null, async () => {
      const result = await redeem(ctx, c.req.raw, await formOf(c.req.raw), { withRefresh: false, accessKind: "short" });
      if ("error" in result) return result.error;
      return Response.json({
        access_token: result.tokens.access.token,
        user_id: result.tokens.userId,
        permissions: "instagram_business_basic,instagram_business_content_publish",
      });
    }),
  );
  app.get("/access_token", (c) =>
    withAccessToken(ctx, "token", presentedToken(c.req.raw), ["short"], (userId) => {
      const scopes = ctx.store.tokenScopes(presentedToken(c.req.raw) ?? "").join(" ");
      const ttl = ctx.store.user(userId)?.token_ttl_seconds ?? LONG_TTL;
      const long = ctx.store.issueToken("access", userId, ttl, scopes);
      return Response.json({ access_token: long.token, token_type: "bearer", expires_in: long.expiresIn });
    }),
  );
  app.get("/refresh_access_token", (c) => {
    const presented = presentedToken(c.req.raw) ?? "";
    const owner = ctx.store.tokenUser(presented);
    return faulty(ctx, "refresh", owner, () => {
      if (ctx.store.takeFault("refresh", owner, ["invalid_grant"])) {
        ctx.store.revokeToken(presented);
        return deadGrant("instagram");
      }
      const check = ctx.store.checkToken(presented, ["access"]);
      if ("error" in check) return deadGrant("instagram");
      const ttl = ctx.store.user(check.userId)?.token_ttl_seconds ?? LONG_TTL;
      const scopes = ctx.store.tokenScopes(presented).join(" ");
      const renewed = ctx.store.issueToken("access", check.userId, ttl, scopes);
      return Response.json({ access_token: renewed.token, token_type: "bearer", expires_in: renewed.expiresIn });
    });
  });

  const graph = new Hono();
  // As Facebook's (facebook.ts revokeGrant): the grant withdrawn, every token of the account void.
  graph.delete("/me/permissions", (c) => revokeGrant(ctx, presentedToken(c.req.raw)));
  graph.get("/me", (c) =>
    withAccessToken(ctx, "profile", presentedToken(c.req.raw), ["access"], (userId) =>
      Response.json({ id: userId, user_id: userId, username: ctx.store.user(userId)?.handle }),
    ),
  );
  graph.get("/:userId/content_publishing_limit", (c) =>
    withAccessToken(ctx, "quota", presentedToken(c.req.raw), ["access"], (userId) => {
      if (c.req.param("userId") !== userId) return fail(ctx, "forbidden", "Not this user's quota");
      return Response.json({
        data: [
          {
            quota_usage: publishedToday(ctx, userId),
            config: { quota_total: INSTAGRAM_QUOTA_TOTAL, quota_duration: 86_400 },
          },
        ],
      });
    }),
  );
  graph.post("/:userId/media", async (c) => {
    const form = await formOf(c.req.raw);
    return withAccessToken(
      ctx,
      "media",
      presentedToken(c.req.raw, form),
      ["access"],
      (userId) => {
        if (c.req.param("userId") !== userId) return fail(ctx, "forbidden", "Not this user's media");
        const video = form.get("media_type") === "REELS";
        const url = video ? form.get("video_url") : form.get("image_url");
        if (!url) return fail(ctx, "bad_request", video ? "video_url is required" : "image_url is required");
        if ((form.get("caption") ?? "").length > 2200) return fail(ctx, "bad_request", "caption is too long");
        // Graph takes JPEG images only (it fetches the URL; the sandbox judges by its name).
        if (!video && NOT_JPEG.test(new URL(url, "https://x.invalid").pathname)) {
          return Response.json(
            {
              error: {
                message:
                  "Only photo or video can be accepted as media type. The image format is not supported: use JPEG.",
                type: "OAuthException",
                code: 9004,
                error_subcode: 2207052,
                fbtrace_id: "sandbox",
              },
            },
            { status: 400 },
          );
        }
        const failing = video && ctx.store.takeFault("media", userId, ["container_error"]) !== null;
        const status = video ? (failing ? "ERROR" : "IN_PROGRESS") : "FINISHED";
        const id = ctx.store.createMedia(userId, video ? "video" : "image", url, form.get("caption"), status);
        return Response.json({ id });
      },
      ["instagram_business_basic", "instagram_business_content_publish"],
    );
  });
  graph.post("/:userId/media_publish", async (c) => {
    const form = await formOf(c.req.raw);
    return withAccessToken(
      ctx,
      "publish",
      presentedToken(c.req.raw, form),
      ["access"],
      (userId) => {
        const container = ctx.store.media(form.get("creation_id") ?? "");
        if (!container || container.user_id !== userId) return fail(ctx, "bad_request", "Unknown creation_id");
        const status = containerStatus(ctx, container);
        if (status === "PUBLISHED") return notPublishable("The media has already been published");
        if (status !== "FINISHED")
          return notPublishable("The media is not ready for publishing, please wait for a moment");
        if (publishedToday(ctx, userId) >= INSTAGRAM_QUOTA_TOTAL) {
          return platformError("instagram", "rate_limited", "The publishing limit of the last 24 hours is reached");
        }
        ctx.store.setMediaStatus(container.media_id, "PUBLISHED");
        const id = ctx.store.createPost(userId, {
          text: container.caption ?? "",
          imageUrl: container.kind === "image" ? container.url : null,
          videoUrl: container.kind === "video" ? container.url : null,
        });
        return Response.json({ id });
      },
      ["instagram_business_basic", "instagram_business_content_publish"],
    );
  });
  // The multiple-id read of each media's insights edge; an unknown id fails it all.
  graph.get("/", (c) =>
    withAccessToken(
      ctx,
      "insights",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        const ids = batchIds(c.req.query("ids"), 50);
        if (!ids) return fail(ctx, "bad_request", "ids must name 1 to 50 objects");
        const answer: Record<string, unknown> = {};
        const posts = ownPosts(ctx, userId);
        for (const id of ids) {
          const own = posts.figures(id);
          if (!own) return fail(ctx, "bad_request", `Some of the aliases you requested do not exist: ${id}`);
          const m = own.metrics;
          answer[id] = {
            id,
            insights: {
              data: [
                lifetime("likes", m.likes),
                lifetime("comments", m.comments),
                lifetime("shares", m.shares),
                lifetime("saved", m.saves),
                lifetime("reach", m.reach),
                lifetime("views", m.impressions),
                lifetime("total_interactions", m.likes + m.comments + m.shares + m.saves),
              ],
            },
          };
        }
        return Response.json(answer);
      },
      ["instagram_business_basic", "instagram_business_manage_insights"],
    ),
  );
  graph.get("/:nodeId", (c) =>
    withAccessToken(ctx, "profile", presentedToken(c.req.raw), ["access"], (userId) => {
      const nodeId = c.req.param("nodeId");
      const container = ctx.store.media(nodeId);
      if (container) {
        if (container.user_id !== userId) return fail(ctx, "bad_request", "Unsupported get request");
        return Response.json({ id: nodeId, status_code: containerStatus(ctx, container) });
      }
      const post = ctx.store.post(nodeId);
      if (!post || post.user_id !== userId) return fail(ctx, "bad_request", "Unsupported get request");
      return Response.json({ id: nodeId, permalink: `https://www.instagram.com/p/${nodeId}/` });
    }),
  );
  app.route(`/${GRAPH_VERSION}`, graph);
  return app;
}
