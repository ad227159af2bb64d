// The sandbox X API v2: OAuth 2.0 with PKCE (refresh tokens rotate on every use),
// /2/users/me, /2/media/upload (simple, and chunked: x-media.ts) and /2/tweets with
// the x-rate-limit-*, x-user-limit-24hour-* and x-app-limit-24hour-* headers; a post's
// length is counted as X documents it (x-weighted-length.ts). Shapes and scopes from X's OpenAPI specification
// (xdevplatform/xdk latest-openapi.json: each operation's OAuth2UserToken scopes) and
// docs.x.com ("OAuth 2.0 Authorization Code Flow with PKCE", "Rate limits"); a dead
// refresh token is answered 400 invalid_request, as X does (dialects.ts).
import { Hono } from "hono";
import { fail, faulty, formOf, presentedToken, type SandboxContext, withAccessToken } from "./context";
import { batchIds, ownPosts } from "./insight-reads";
import { authorize, type IssuedTokens, redeem, refreshGrant } from "./oauth";
import { postableMedia, xMediaRoutes } from "./x-media";
import { X_LONGEST_POST, xPostLength } from "./x-weighted-length";

/** The sandbox's own per-user allowance for POST /2/tweets in 24 hours. */
const USER_DAILY_LIMIT = 2400;
/** The sandbox app's allowance for POST /2/tweets in 24 hours, every user together. */
const APP_DAILY_LIMIT = 100_000;

function tokenBody(tokens: IssuedTokens): Response {
  return Response.json({
    token_type: "bearer",
    expires_in: tokens.access.expiresIn,
    access_token: tokens.access.token,
    scope: tokens.scopes.join(" "),
    ...(tokens.refresh ? { refresh_token: tokens.refresh.token } : {}),
  });
}

function quotaHeaders(ctx: SandboxContext, userId: string): Record<string, string> {
  const since = Date.now() - 86_400_000;
  const used = ctx.store.countPosts(since, userId);
  const appUsed = ctx.store.countPosts(since);
  const reset = String(Math.ceil((Date.now() + 86_400_000) / 1000));
  return {
    "x-app-limit-24hour-limit": String(APP_DAILY_LIMIT),
    "x-app-limit-24hour-remaining": String(Math.max(0, APP_DAILY_LIMIT - appUsed)),
    "x-app-limit-24hour-reset": reset,
    "x-rate-limit-limit": "300",
    "x-rate-limit-remaining": String(Math.max(0, 300 - Math.min(300, used))),
    "x-rate-limit-reset": String(Math.ceil((Date.now() + 900_000) / 1000)),
    "x-user-limit-24hour-limit": String(USER_DAILY_LIMIT),
    "x-user-limit-24hour-remaining": String(Math.max(0, USER_DAILY_LIMIT - used)),
    "x-user-limit-24hour-reset": reset,
  };
}

export function xSandbox(ctx: SandboxContext): Hono {
  const app = new Hono();
  app.on(["GET", "POST"], "/i/oauth2/authorize", (c) => authorize(ctx, c.req.raw, true));
  app.post("/2/oauth2/token", async (c) => {
    const form = await formOf(c.req.raw);
    if (form.get("grant_type") === "refresh_token") return refreshGrant(ctx, c.req.raw, form, true, tokenBody);
    return faulty(ctx, "token", null, async () => {
      const result = await redeem(ctx, c.req.raw, form, { withRefresh: true });
      return "error" in result ? result.error : tokenBody(result.tokens);
    });
  });
  // RFC 7009: a token is revoked (an unknown one answers 200 too); the "revoke"
  // endpoint's fault switches apply (a failing revocation: error_500).
  app.post("/2/oauth2/revoke", async (c) => {
    const form = await formOf(c.req.raw);
    const token = form.get("token") ?? "";
    return faulty(ctx, "revoke", ctx.store.tokenUser(token), () => {
      ctx.store.revokeToken(token);
      return Response.json({ revoked: true });
    });
  });
  // findMyUser: tweet.read, users.read.
  app.get("/2/users/me", (c) =>
    withAccessToken(
      ctx,
      "profile",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        const user = ctx.store.user(userId);
        return Response.json({ data: { id: userId, name: user?.name, username: user?.handle } });
      },
      ["tweet.read", "users.read"],
    ),
  );
  // mediaUpload: media.write; { data: { id, media_key } }.
  app.post("/2/media/upload", (c) =>
    withAccessToken(
      ctx,
      "media",
      presentedToken(c.req.raw),
      ["access"],
      async (userId) => {
        const form = await c.req.formData().catch(() => null);
        if (!form?.get("media")) return fail(ctx, "bad_request", "media is required");
        const id = ctx.store.createMedia(userId, "image", null, null, "AVAILABLE");
        return Response.json({ data: { id, media_key: `3_${id}` } });
      },
      ["media.write"],
    ),
  );
  xMediaRoutes(app, ctx);
  // createPosts: tweet.read, tweet.write, users.read; 201 { data: { id, text } }.
  app.post("/2/tweets", async (c) => {
    // Read first: the call's writes then commit together.
    const body = (await c.req.json().catch(() => null)) as { text?: string; media?: { media_ids?: string[] } } | null;
    return withAccessToken(
      ctx,
      "publish",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        if (!body || typeof body.text !== "string" || body.text.length === 0) {
          return fail(ctx, "bad_request", "text is required");
        }
        if (xPostLength(body.text) > X_LONGEST_POST) return fail(ctx, "bad_request", "Your Tweet text is too long.");
        const headers = quotaHeaders(ctx, userId);
        if (headers["x-user-limit-24hour-remaining"] === "0" || headers["x-app-limit-24hour-remaining"] === "0") {
          return fail(ctx, "rate_limited", "Too Many Requests", headers);
        }
        const mediaIds = body.media?.media_ids ?? [];
        // A media id that is not the user's, or is still processing, is refused.
        if (!mediaIds.every((id) => postableMedia(ctx, userId, id))) {
          return fail(ctx, "bad_request", "Your media IDs are invalid.");
        }
        const mediaId = mediaIds[0] ?? null;
        const id = ctx.store.createPost(userId, { text: body.text, imageUrl: mediaId, videoUrl: null });
        return Response.json({ data: { id, text: body.text } }, { status: 201, headers: quotaHeaders(ctx, userId) });
      },
      ["tweet.read", "tweet.write", "users.read"],
    );
  });
  // A multi-tweet lookup: tweets not found are listed under errors, the rest under data.
  app.get("/2/tweets", (c) =>
    withAccessToken(
      ctx,
      "insights",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        const ids = batchIds(c.req.query("ids"), 100);
        if (!ids) return fail(ctx, "bad_request", "ids must name 1 to 100 tweets");
        const data: unknown[] = [];
        const errors: unknown[] = [];
        const posts = ownPosts(ctx, userId);
        for (const id of ids) {
          const own = posts.figures(id);
          if (!own) {
            errors.push({
              value: id,
              detail: `Could not find tweet with ids: [${id}].`,
              title: "Not Found Error",
              resource_type: "tweet",
              parameter: "ids",
              resource_id: id,
              type: "https://api.twitter.com/2/problems/resource-not-found",
            });
            continue;
          }
          const m = own.metrics;
          data.push({
            id: own.post.post_id,
            text: own.post.text,
            author_id: userId,
            public_metrics: {
              like_count: m.likes,
              reply_count: m.comments,
              retweet_count: m.shares,
              quote_count: 0,
              bookmark_count: m.bookmarks,
              impression_count: m.impressions,
            },
            non_public_metrics: { impression_count: m.impressions, url_link_clicks: m.clicks, user_profile_clicks: 0 },
          });
        }
        return Response.json({
          ...(data.length > 0 ? { data } : {}),
          includes: { users: [{ id: userId, public_metrics: { followers_count: posts.followers } }] },
          ...(errors.length > 0 ? { errors } : {}),
        });
      },
      ["tweet.read", "users.read"],
    ),
  );
  return app;
}
