// The sandbox Instagram API with Instagram Login: short- and long-lived tokens (the
// long-lived one renews itself), media containers, media_publish with a 24-hour
// publishing quota, content_publishing_limit, permalinks, per-media insights. As
// Meta documents it (developers.facebook.com, Instagram Platform):
// - a long-lived token is refreshed only once it is at least 24 hours old and not
//   expired (reference/refresh_access_token), reckoned on the sandbox's clock
//   (clock.ts); Meta documents no answer for a younger one, so the sandbox answers an
//   invalid-parameter error (#100), which is no token refusal;
// - Graph fetches an image itself and takes JPEG only, judged from the bytes it gets
//   (here the sandbox's media host serves them: media-host.ts), refusing anything else
//   (9004); an image container is usually FINISHED at once, but under the
//   slow_container switch stays IN_PROGRESS for INSTAGRAM_IMAGE_PROCESSING_MS, and a
//   reel's for INSTAGRAM_PROCESSING_MS, on the sandbox's clock ("Content Publishing",
//   reference/ig-container); media_publish refuses a container that is not FINISHED
//   or already PUBLISHED (9007);
// - insights are read per media, GET /{media-id}/insights?metric=... (reference/
//   instagram-media/insights). graph.instagram.com documents no multiple-id read
//   (?ids=) and no batch request, so the sandbox offers neither;
// - calls are counted by the business use case limit (x-business-use-case-usage;
//   past it, code 80002 with estimated_time_to_regain_access).
import { Hono } from "hono";
import { fail, faulty, formOf, presentedToken, type SandboxContext, withAccessToken } from "./context";
import { deadGrant, platformError } from "./dialects";
import { revokeGrant } from "./facebook";
import { graphError, graphErrorFault, SANDBOX_GRAPH_VERSION, useCaseUsage } from "./graph-api";
import { invalidMediaMetrics } from "./graph-metrics";
import { lifetime, ownPosts } from "./insight-reads";
import { servedBytes } from "./media-host";
import { authorize, redeem } from "./oauth";
import type { MediaRow } from "./store";

const LONG_TTL = 60 * 86_400;
/** How long a video container processes here: "several minutes", as real reels often do. */
export const INSTAGRAM_PROCESSING_MS = 3 * 60_000;
/** How long an image container processes under the slow_container switch. */
export const INSTAGRAM_IMAGE_PROCESSING_MS = 30_000;
/** A long-lived token is refreshed only once it is this old. */
export const INSTAGRAM_MIN_REFRESH_AGE_MS = 24 * 3_600_000;

/** JPEG's signature: the SOI marker FF D8, then a marker's FF. */
function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** Graph's error for a container that cannot be published (not ready, or published already). */
function notPublishable(message: string): Response {
  return graphError(400, { message, code: 9007, subcode: 2207027 });
}

/** A container's status now: FINISHED once the sandbox's clock has passed its processing time. */
function containerStatus(ctx: SandboxContext, container: MediaRow): string {
  if (container.status !== "IN_PROGRESS") return container.status;
  const processing = container.kind === "video" ? INSTAGRAM_PROCESSING_MS : INSTAGRAM_IMAGE_PROCESSING_MS;
  if (ctx.store.processingNow() < container.created_at_ms + processing) return "IN_PROGRESS";
  ctx.store.setMediaStatus(container.media_id, "FINISHED");
  return "FINISHED";
}
/** The sandbox account's publishing quota per 24 hours. */
export const INSTAGRAM_QUOTA_TOTAL = 100;

function publishedToday(ctx: SandboxContext, userId: string): number {
  const since = Date.now() - 86_400_000;
  return ctx.store.posts(userId).filter((p) => p.created_at_ms > since).length;
}

/** The account's use of its hourly allowance, in percent (a light measure: its posts of the day). */
function usage(ctx: SandboxContext, userId: string): Record<string, string> {
  return useCaseUsage("instagram", userId, Math.min(100, publishedToday(ctx, userId)));
}

export function instagramSandbox(ctx: SandboxContext): Hono {
  const app = new Hono();
  app.on(["GET", "POST"], "/oauth/authorize", (c) => authorize(ctx, c.req.raw, false));
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
      const injected = graphErrorFault(ctx, "refresh", owner);
      if (injected) return injected;
      if (ctx.store.takeFault("refresh", owner, ["invalid_grant"])) {
        ctx.store.revokeToken(presented);
        return deadGrant("instagram");
      }
      const check = ctx.store.checkToken(presented, ["access"]);
      if ("error" in check) return deadGrant("instagram");
      const issuedAtMs = ctx.store.tokenIssuedAtMs(presented) ?? 0;
      if (ctx.store.processingNow() - issuedAtMs < INSTAGRAM_MIN_REFRESH_AGE_MS) {
        return graphError(400, {
          message: "(#100) A long-lived access token can be refreshed once it is at least 24 hours old",
          code: 100,
        });
      }
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
        const injected = graphErrorFault(ctx, "media", userId);
        if (injected) return injected;
        const video = form.get("media_type") === "REELS";
        const url = video ? form.get("video_url") : form.get("image_url");
        if (!url) return fail(ctx, "bad_request", video ? "video_url is required" : "image_url is required");
        if ((form.get("caption") ?? "").length > 2200) return fail(ctx, "bad_request", "caption is too long");
        // Graph fetches the image and takes JPEG only, whatever the URL's name says.
        if (!video && !isJpeg(servedBytes(url))) {
          return graphError(400, {
            message: "Only photo or video can be accepted as media type. The image format is not supported: use JPEG.",
            code: 9004,
            subcode: 2207052,
          });
        }
        const failing = ctx.store.takeFault("media", userId, ["container_error"]) !== null;
        const slow = video || ctx.store.takeFault("media", userId, ["slow_container"]) !== null;
        const status = failing ? "ERROR" : slow ? "IN_PROGRESS" : "FINISHED";
        const id = ctx.store.createMedia(userId, video ? "video" : "image", url, form.get("caption"), status);
        return Response.json({ id }, { headers: usage(ctx, userId) });
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
        const injected = graphErrorFault(ctx, "publish", userId);
        if (injected) return injected;
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
        return Response.json({ id }, { headers: usage(ctx, userId) });
      },
      ["instagram_business_basic", "instagram_business_content_publish"],
    );
  });
  // One media's insights edge (reference/instagram-media/insights).
  graph.get("/:mediaId/insights", (c) =>
    withAccessToken(
      ctx,
      "insights",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        const injected = graphErrorFault(ctx, "insights", userId);
        if (injected) return injected;
        const metrics = (c.req.query("metric") ?? "").split(",").filter(Boolean);
        if (metrics.length === 0) return fail(ctx, "bad_request", "(#100) The parameter metric is required");
        const invalid = invalidMediaMetrics(metrics);
        if (invalid.length > 0) {
          return fail(ctx, "bad_request", `(#100) metric[${metrics.indexOf(invalid[0] as string)}] is not valid`);
        }
        const own = ownPosts(ctx, userId).figures(c.req.param("mediaId"));
        if (!own) {
          return fail(ctx, "bad_request", "Unsupported get request. Object does not exist or cannot be loaded");
        }
        const m = own.metrics;
        const values: Record<string, number> = {
          likes: m.likes,
          comments: m.comments,
          shares: m.shares,
          saved: m.saves,
          reach: m.reach,
          views: m.impressions,
          total_interactions: m.likes + m.comments + m.shares + m.saves,
        };
        return Response.json(
          { data: metrics.map((name) => lifetime(name, values[name] ?? 0)) },
          { headers: usage(ctx, userId) },
        );
      },
      ["instagram_business_basic", "instagram_business_manage_insights"],
    ),
  );
  graph.get("/:nodeId", (c) =>
    withAccessToken(ctx, "profile", presentedToken(c.req.raw), ["access"], (userId) => {
      const injected = graphErrorFault(ctx, "profile", userId);
      if (injected) return injected;
      const nodeId = c.req.param("nodeId");
      const container = ctx.store.media(nodeId);
      if (container) {
        if (container.user_id !== userId) return fail(ctx, "bad_request", "Unsupported get request");
        const status = containerStatus(ctx, container);
        // status: for ERROR, the reason (an error subcode), as reference/ig-container says.
        const reason = status === "ERROR" ? "Error: 2207082 (the media could not be processed)" : status;
        return Response.json({ id: nodeId, status_code: status, status: reason });
      }
      const post = ctx.store.post(nodeId);
      if (!post || post.user_id !== userId) return fail(ctx, "bad_request", "Unsupported get request");
      return Response.json({ id: nodeId, permalink: `https://www.instagram.com/p/${nodeId}/` });
    }),
  );
  app.route(`/${SANDBOX_GRAPH_VERSION}`, graph);
  return app;
}
