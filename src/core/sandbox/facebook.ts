// The sandbox Facebook Graph API: Facebook Login, long-lived user tokens, the Pages a
// sandbox user manages (one, "pg<user>", unless the user was made with more: page i
// is "pg<user>p<i>"), each with its Page token, and /{page-id}/feed, /photos and
// /videos. As Graph documents it (developers.facebook.com):
// - /me/accounts is paged by cursors ("Paginated Results": limit, after; paging.next
//   only while there is more), 25 Pages a page unless limit asks otherwise (at most 100);
// - a video post answers the video id ("Publish with the Video API"); the video
//   processes (FACEBOOK_VIDEO_PROCESSING_MS on the sandbox's clock: clock.ts), and its
//   node names its Page post (post_id) only once processed (video_status "processing",
//   then "ready"; "error" under the container_error switch);
// - Page tokens are counted by the business use case limit: every answer carries
//   x-business-use-case-usage, and past the Page's allowance a call is refused with
//   code 80001 and estimated_time_to_regain_access ("Rate Limiting");
// - the multiple-id read refuses an invalid (deprecated) insights metric for the whole
//   request (Page Insights "Deprecated metrics"); a token without the Pages permissions
//   an edge needs is refused with Graph's (#200) error.
import { Hono } from "hono";
import { fail, faulty, formOf, presentedToken, type SandboxContext, withAccessToken } from "./context";
import { deadGrant } from "./dialects";
import { graphErrorFault, SANDBOX_GRAPH_VERSION, useCaseThrottled, useCaseUsage } from "./graph-api";
import { invalidMetrics } from "./graph-metrics";
import { batchIds, lifetime, ownPosts } from "./insight-reads";
import { authorize, redeem } from "./oauth";
import type { MediaRow } from "./store";

const USER_TOKEN_TTL = 60 * 86_400;
/** The Page allowance per hour the sandbox's usage percentage is measured against. */
const PAGE_CALLS_PER_HOUR = 200;
/** How long a video processes here before its Page post is there (sandbox clock). */
export const FACEBOOK_VIDEO_PROCESSING_MS = 2 * 60_000;
/** /me/accounts: Pages a page when limit is not given, and the most limit may ask. */
const ACCOUNTS_DEFAULT_LIMIT = 25;
const ACCOUNTS_MAX_LIMIT = 100;

export function pageIdOf(userId: string, index = 0): string {
  return index === 0 ? `pg${userId}` : `pg${userId}p${index + 1}`;
}

/** The Pages a user manages, in order. */
function pagesOf(ctx: SandboxContext, userId: string): string[] {
  const count = ctx.store.pageCount(userId);
  return Array.from({ length: count }, (_, index) => pageIdOf(userId, index));
}

/** The Page's use of its hourly allowance, in percent (its posts of the last hour). */
function pagePercent(ctx: SandboxContext, userId: string): number {
  const since = Date.now() - 3_600_000;
  const used = ctx.store.posts(userId).filter((p) => p.created_at_ms > since).length;
  return Math.min(100, Math.round((used / PAGE_CALLS_PER_HOUR) * 100));
}

/** Minutes until the oldest post of the last hour leaves the window (at least one). */
function regainMinutes(ctx: SandboxContext, userId: string): number {
  const since = Date.now() - 3_600_000;
  const oldest = ctx.store.posts(userId).find((p) => p.created_at_ms > since);
  return Math.max(1, Math.ceil(((oldest?.created_at_ms ?? Date.now()) + 3_600_000 - Date.now()) / 60_000));
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

/** A cursor of /me/accounts: an opaque string for the index of the next Page. */
function cursorOf(index: number): string {
  return btoa(`page:${index}`).replaceAll("=", "");
}
function indexOf(cursor: string | null): number | null {
  if (!cursor) return 0;
  try {
    const match = /^page:(\d+)$/.exec(atob(cursor));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** A video node's fields as Graph answers them (reference/video, video-status). */
function videoNode(ctx: SandboxContext, video: MediaRow): Record<string, unknown> {
  if (video.status === "ERROR") {
    return {
      id: video.media_id,
      status: {
        video_status: "error",
        processing_phase: { status: "error", errors: [{ code: 1363030, message: "Video processing failed" }] },
      },
    };
  }
  const ready = ctx.store.processingNow() >= video.created_at_ms + FACEBOOK_VIDEO_PROCESSING_MS;
  if (!ready) {
    return { id: video.media_id, status: { video_status: "processing", processing_phase: { status: "in_progress" } } };
  }
  return {
    id: video.media_id,
    post_id: video.post_id,
    status: {
      video_status: "ready",
      processing_phase: { status: "complete" },
      publishing_phase: { status: "complete", publish_status: "published" },
    },
  };
}

export function facebookSandbox(ctx: SandboxContext): Hono {
  const app = new Hono().basePath(`/${SANDBOX_GRAPH_VERSION}`);
  app.on(["GET", "POST"], "/dialog/oauth", (c) => authorize(ctx, c.req.raw, false));
  app.get("/oauth/access_token", async (c) => {
    const params = new URL(c.req.url).searchParams;
    if (params.get("grant_type") === "fb_exchange_token") {
      const presented = params.get("fb_exchange_token") ?? "";
      const owner = ctx.store.tokenUser(presented);
      return faulty(ctx, "refresh", owner, () => {
        const injected = graphErrorFault(ctx, "refresh", owner);
        if (injected) return injected;
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
      const injected = graphErrorFault(ctx, "pages", userId);
      if (injected) return injected;
      const url = new URL(c.req.url);
      const limit = Number(url.searchParams.get("limit") ?? ACCOUNTS_DEFAULT_LIMIT);
      const start = indexOf(url.searchParams.get("after"));
      if (!Number.isInteger(limit) || limit < 1 || start === null) {
        return fail(ctx, "bad_request", "(#100) Invalid limit or cursor");
      }
      const user = ctx.store.user(userId);
      // A Page token carries what the user granted the app.
      const scopes = ctx.store.tokenScopes(presentedToken(c.req.raw) ?? "").join(" ");
      const all = pagesOf(ctx, userId);
      const end = Math.min(all.length, start + Math.min(limit, ACCOUNTS_MAX_LIMIT));
      const data = all.slice(start, end).map((id, offset) => ({
        id,
        name: start + offset === 0 ? `${user?.name}'s Page` : `${user?.name}'s Page ${start + offset + 1}`,
        access_token: ctx.store.issueToken("access", userId, null, scopes).token,
        category: "Company",
      }));
      const paging: Record<string, unknown> = { cursors: { before: cursorOf(start), after: cursorOf(end) } };
      if (end < all.length) {
        const next = new URL(url);
        next.searchParams.set("after", cursorOf(end));
        paging.next = next.toString();
      }
      return Response.json({ data, paging });
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
        const pageId = c.req.param("pageId");
        if (!pagesOf(ctx, userId).includes(pageId)) {
          return fail(ctx, "forbidden", "The token does not manage this Page");
        }
        const injected = graphErrorFault(ctx, "publish", userId);
        if (injected) return injected;
        if (pagePercent(ctx, userId) >= 100) return useCaseThrottled("facebook", pageId, regainMinutes(ctx, userId));
        const edge = c.req.param("edge");
        const text = form.get(edge === "videos" ? "description" : "message") ?? "";
        if (edge === "feed" && !text) return fail(ctx, "bad_request", "message is required");
        if (edge === "photos" && !form.get("url")) return fail(ctx, "bad_request", "url is required");
        if (edge === "videos" && !form.get("file_url")) return fail(ctx, "bad_request", "file_url is required");
        let body: Record<string, string>;
        if (edge === "videos") {
          // The video is its own node; its Page post is named there once it is processed.
          const failing = ctx.store.takeFault("publish", userId, ["container_error"]) !== null;
          const postId = failing
            ? null
            : `${pageId}_${ctx.store.createPost(userId, { text, imageUrl: null, videoUrl: form.get("file_url") })}`;
          const status = failing ? "ERROR" : "IN_PROGRESS";
          body = { id: ctx.store.createMedia(userId, "fbvideo", form.get("file_url"), text, status, postId) };
        } else {
          const id = ctx.store.createPost(userId, {
            text,
            imageUrl: edge === "photos" ? form.get("url") : null,
            videoUrl: null,
          });
          body = edge === "photos" ? { id, post_id: `${pageId}_${id}` } : { id: `${pageId}_${id}` };
        }
        return Response.json(body, { headers: useCaseUsage("facebook", pageId, pagePercent(ctx, userId)) });
      },
      ["pages_manage_posts", "pages_read_engagement", "pages_show_list"],
    );
  });
  // A video node: its status, and its Page post once processed (fields=post_id,status).
  app.get("/:nodeId", (c) =>
    withAccessToken(ctx, "profile", presentedToken(c.req.raw), ["access"], (userId) => {
      const injected = graphErrorFault(ctx, "profile", userId);
      if (injected) return injected;
      const video = ctx.store.media(c.req.param("nodeId"));
      if (!video || video.user_id !== userId || video.kind !== "fbvideo") {
        return fail(ctx, "bad_request", "Unsupported get request. Object does not exist or cannot be loaded");
      }
      return Response.json(videoNode(ctx, video));
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
        const injected = graphErrorFault(ctx, "insights", userId);
        if (injected) return injected;
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
        return Response.json(answer, { headers: useCaseUsage("facebook", pageIdOf(userId), pagePercent(ctx, userId)) });
      },
      ["pages_read_engagement", "read_insights"],
    ),
  );
  return app;
}
