// The sandbox Facebook Graph API: Facebook Login, long-lived user tokens, one Page
// per sandbox user (id "pg<user>") with its Page token, and /{page-id}/feed, /photos
// and /videos with the x-page-usage header. Like Graph (developers.facebook.com): a
// video post answers the video id ("Publish with the Video API") and the video node
// names its Page post; the multiple-id read refuses an invalid (deprecated) insights
// metric for the whole request (Page Insights "Deprecated metrics"); a token without
// the Pages permissions an edge needs is refused with Graph's (#200) error.
import { Hono } from "hono";
import { GRAPH_VERSION } from "../platforms/graph";
import { fail, faulty, formOf, presentedToken, type SandboxContext, withAccessToken } from "./context";
import { deadGrant } from "./dialects";
import { invalidMetrics } from "./graph-metrics";
import { batchIds, lifetime, ownPosts } from "./insight-reads";
import { authorize, redeem } from "./oauth";

const USER_TOKEN_TTL = 60 * 86_400;
/** Facebook's documented Page allowance the x-page-usage percentage is measured against. */
const PAGE_CALLS_PER_HOUR = 200;

export function pageIdOf(userId: string): string {
  return `pg${userId}`;
}

function pageUsage(ctx: SandboxContext, userId: string): Record<string, string> {
  const since = Date.now() - 3_600_000;
  const used = ctx.store.posts(userId).filter((p) => p.created_at_ms > since).length;
  const percent = Math.min(100, Math.round((used / PAGE_CALLS_PER_HOUR) * 100));
  return { "x-page-usage": JSON.stringify({ call_count: percent, total_cputime: 1, total_time: 1 }) };
}

/** Graph's DELETE /me/permissions, shared by the Facebook and Instagram sandboxes. */
export function revokeGrant(ctx: SandboxContext, token: string | null): Promise<Response> {
  const owner = token ? ctx.store.tokenUser(token) : null;
  return faulty(ctx, "revoke", owner, () => {
    const check = ctx.store.checkToken(token, ["access", "user", "short"]);
    if ("error" in check) return fail(ctx, "unauthorized", `The access token is ${check.error}`);
    ctx.store.revokeUserTokens(check.userId);
    return Response.json({ success: true });
  });
}

export function facebookSandbox(ctx: SandboxContext): Hono {
  const app = new Hono().basePath(`/${GRAPH_VERSION}`);
  app.get("/dialog/oauth", (c) => authorize(ctx, new URL(c.req.url), false));
  app.get("/oauth/access_token", async (c) => {
    const params = new URL(c.req.url).searchParams;
    if (params.get("grant_type") === "fb_exchange_token") {
      const presented = params.get("fb_exchange_token") ?? "";
      const owner = ctx.store.tokenUser(presented);
      return faulty(ctx, "refresh", owner, () => {
        if (ctx.store.takeFault("refresh", owner, ["invalid_grant"])) {
          ctx.store.revokeToken(presented);
          return deadGrant("facebook");
        }
        const check = ctx.store.checkToken(presented, ["short", "user"]);
        if ("error" in check) return deadGrant("facebook");
        const scopes = ctx.store.tokenScopes(presented).join(" ");
        const long = ctx.store.issueToken("user", check.userId, USER_TOKEN_TTL, scopes);
        return Response.json({ access_token: long.token, token_type: "bearer", expires_in: long.expiresIn });
      });
    }
    return faulty(ctx, "token", null, async () => {
      const result = await redeem(ctx, c.req.raw, params, { withRefresh: false, accessKind: "short" });
      if ("error" in result) return result.error;
      return Response.json({ access_token: result.tokens.access.token, token_type: "bearer", expires_in: 3600 });
    });
  });
  // DELETE /me/permissions with the person's token: the app's whole grant is withdrawn,
  // every token of the person stops working ({ success: true }). The "revoke" endpoint's
  // fault switches apply (a failing revocation: error_500).
  app.delete("/me/permissions", (c) => revokeGrant(ctx, presentedToken(c.req.raw)));
  app.get("/me/accounts", (c) =>
    withAccessToken(ctx, "pages", presentedToken(c.req.raw), ["user"], (userId) => {
      const user = ctx.store.user(userId);
      // A Page token carries what the user granted the app.
      const scopes = ctx.store.tokenScopes(presentedToken(c.req.raw) ?? "").join(" ");
      const pageToken = ctx.store.issueToken("access", userId, null, scopes);
      return Response.json({
        data: [
          { id: pageIdOf(userId), name: `${user?.name}'s Page`, access_token: pageToken.token, category: "Company" },
        ],
      });
    }),
  );
  app.post("/:pageId/:edge{feed|photos|videos}", async (c) => {
    const form = await formOf(c.req.raw);
    return withAccessToken(
      ctx,
      "publish",
      presentedToken(c.req.raw, form),
      ["access"],
      (userId) => {
        if (c.req.param("pageId") !== pageIdOf(userId))
          return fail(ctx, "forbidden", "The token does not manage this Page");
        const edge = c.req.param("edge");
        const text = form.get(edge === "videos" ? "description" : "message") ?? "";
        if (edge === "feed" && !text) return fail(ctx, "bad_request", "message is required");
        if (edge === "photos" && !form.get("url")) return fail(ctx, "bad_request", "url is required");
        if (edge === "videos" && !form.get("file_url")) return fail(ctx, "bad_request", "file_url is required");
        const id = ctx.store.createPost(userId, {
          text,
          imageUrl: edge === "photos" ? form.get("url") : null,
          videoUrl: edge === "videos" ? form.get("file_url") : null,
        });
        const postId = `${pageIdOf(userId)}_${id}`;
        let body: Record<string, string> = { id: postId };
        if (edge === "photos") body = { id, post_id: postId };
        if (edge === "videos") {
          // The video is its own node; its Page post is found through it.
          body = { id: ctx.store.createMedia(userId, "fbvideo", form.get("file_url"), text, "ready", postId) };
        }
        return Response.json(body, { headers: pageUsage(ctx, userId) });
      },
      ["pages_manage_posts", "pages_read_engagement", "pages_show_list"],
    );
  });
  // A video node: its Page post (fields=post_id).
  app.get("/:nodeId", (c) =>
    withAccessToken(ctx, "profile", presentedToken(c.req.raw), ["access"], (userId) => {
      const video = ctx.store.media(c.req.param("nodeId"));
      if (!video || video.user_id !== userId || video.kind !== "fbvideo") {
        return fail(ctx, "bad_request", "Unsupported get request. Object does not exist or cannot be loaded");
      }
      return Response.json({ id: video.media_id, post_id: video.post_id });
    }),
  );
  // The multiple-id read: one id that is not the Page's fails the whole read, as on Graph.
  app.get("/", (c) =>
    withAccessToken(
      ctx,
      "insights",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        const ids = batchIds(c.req.query("ids"), 50);
        if (!ids) return fail(ctx, "bad_request", "ids must name 1 to 50 objects");
        const invalid = invalidMetrics(c.req.query("fields") ?? "");
        if (invalid.length > 0) return fail(ctx, "bad_request", "(#100) The value must be a valid insights metric");
        const answer: Record<string, unknown> = {};
        const posts = ownPosts(ctx, userId);
        for (const id of ids) {
          const own = posts.figures(id.split("_")[1] ?? "");
          if (!own) return fail(ctx, "bad_request", `Some of the aliases you requested do not exist: ${id}`);
          const m = own.metrics;
          answer[id] = {
            id,
            reactions: { data: [], summary: { total_count: m.likes } },
            comments: { data: [], summary: { total_count: m.comments } },
            shares: { count: m.shares },
            insights: {
              data: [
                lifetime("post_media_view", m.impressions),
                lifetime("post_total_media_view_unique", m.reach),
                lifetime("post_clicks", m.clicks),
              ],
            },
          };
        }
        return Response.json(answer);
      },
      ["pages_read_engagement", "read_insights"],
    ),
  );
  return app;
}
