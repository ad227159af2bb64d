// Each sandbox platform's read of an account's own recent posts, as the real APIs answer
// it (a reconciliation asks it: docs/publishing.md, "Reconciliation"), written here from
// each platform's documentation and not taken from the adapters:
// - X, GET /2/users/:id/tweets (docs.x.com "Timelines"): newest first, max_results 5 to
//   100, the text as X stores it (links as t.co links named in entities.urls, & < >
//   HTML-escaped), created_at when tweet.fields asks for it; tweet.read and users.read.
// - LinkedIn, GET /rest/posts?author=…&q=author (Posts API, "Find Posts by Authors"): a
//   FINDER needing r_member_social, which LinkedIn grants to select developers (the
//   sandbox's authorize page refuses it to the app, as LinkedIn does), so the sandbox
//   answers 403 ACCESS_DENIED to the app's tokens; with the scope, the member's posts
//   with their commentary in little text and createdAt.
// - Facebook, GET /{page-id}/posts (Graph reference, Page "Feed"): the Page's posts with
//   message and created_time ("2024-01-02T03:04:05+0000"); pages_read_engagement.
// - Instagram, GET /{ig-user-id}/media (reference/ig-user/media): the account's media
//   with caption and timestamp; instagram_business_basic.
// Each answer carries a Date header: the platform's clock, the one its posts are
// stamped on (store.ts, createPost).
import { Hono } from "hono";
import type { Platform } from "../platforms/types";
import { fail, presentedToken, type SandboxContext, withAccessToken } from "./context";
import { SANDBOX_GRAPH_VERSION } from "./graph-api";

type StoredPost = { post_id: string; user_id: string; text: string; created_at_ms: number };

/** The clock posts are stamped on (store.ts, createPost): real time. */
function postsNow(): number {
  return Date.now();
}

/** A JSON answer with the platform's Date header (RFC 9110: origin servers with a clock send one). */
function dated(body: unknown, nowMs: number): Response {
  return Response.json(body, { headers: { Date: new Date(nowMs).toUTCString() } });
}

/** The user's posts, newest first, at most `limit`. */
function latest(ctx: SandboxContext, userId: string, limit: number): StoredPost[] {
  return ctx.store.latestPosts(userId, limit);
}

function count(value: string | undefined, min: number, max: number, fallback: number): number | null {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

const LINK = /https?:\/\/[^\s<>"']+/g;

/** A post's text as X stores it: each link a t.co link (named in entities.urls), then & < > escaped. */
export function asXStores(postId: string, text: string) {
  const urls: { start: number; end: number; url: string; expanded_url: string; display_url: string }[] = [];
  let shown = "";
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const at = match.index ?? 0;
    shown += text.slice(last, at);
    const url = `https://t.co/${postId.slice(0, 6)}${urls.length}`;
    urls.push({
      start: shown.length,
      end: shown.length + url.length,
      url,
      expanded_url: match[0],
      display_url: match[0].replace(/^https?:\/\//, "").slice(0, 24),
    });
    shown += url;
    last = at + match[0].length;
  }
  shown += text.slice(last);
  const escaped = shown.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return { text: escaped, ...(urls.length > 0 ? { entities: { urls } } : {}) };
}

/** The reserved characters of little text (Little Text Format). */
const LITTLE_RESERVED = /[|{}@[\]()<>#\\*_~]/g;

/** What LinkedIn shows as little text again: a word's leading "#tag" a hashtag template, other reserved characters escaped. */
export function asLittleText(shown: string): string {
  return shown
    .split(/(?<![\p{L}\p{N}_])#([\p{L}\p{N}_]+)/u)
    .map((part, i) =>
      i % 2 === 1 ? `{hashtag|\\#|${part.replace(LITTLE_RESERVED, "\\$&")}}` : part.replace(LITTLE_RESERVED, "\\$&"),
    )
    .join("");
}

/** Graph's time format: ISO 8601 without milliseconds, offset +0000. */
function graphTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+0000`;
}

function xRecent(ctx: SandboxContext, app: Hono): void {
  app.get("/2/users/:id/tweets", (c) =>
    withAccessToken(
      ctx,
      "lookup",
      presentedToken(c.req.raw),
      ["access"],
      () => {
        const max = count(c.req.query("max_results"), 5, 100, 10);
        if (max === null) return fail(ctx, "bad_request", "max_results must be between 5 and 100");
        const withTime = (c.req.query("tweet.fields") ?? "").split(",").includes("created_at");
        const posts = latest(ctx, c.req.param("id"), max);
        const data = posts.map((post) => ({
          id: post.post_id,
          ...asXStores(post.post_id, post.text),
          edit_history_tweet_ids: [post.post_id],
          ...(withTime ? { created_at: new Date(post.created_at_ms).toISOString() } : {}),
        }));
        const meta =
          data.length > 0
            ? { result_count: data.length, newest_id: data[0]?.id, oldest_id: data.at(-1)?.id }
            : { result_count: 0 };
        return dated(data.length > 0 ? { data, meta } : { meta }, postsNow());
      },
      ["tweet.read", "users.read"],
    ),
  );
}

function linkedinRecent(ctx: SandboxContext, app: Hono): void {
  app.get("/rest/posts", (c) =>
    withAccessToken(
      ctx,
      "lookup",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        if (c.req.query("q") !== "author" || c.req.header("X-RestLi-Method") !== "FINDER") {
          return fail(ctx, "bad_request", "q=author with X-RestLi-Method FINDER is required");
        }
        const author = c.req.query("author") ?? "";
        if (author !== `urn:li:person:${userId}`)
          return fail(ctx, "forbidden", "Not enough permissions to access posts");
        const max = count(c.req.query("count"), 1, 100, 10);
        if (max === null) return fail(ctx, "bad_request", "count must be between 1 and 100");
        const elements = latest(ctx, userId, max).map((post) => ({
          id: `urn:li:share:${post.post_id}`,
          author,
          commentary: asLittleText(post.text),
          visibility: "PUBLIC",
          lifecycleState: "PUBLISHED",
          createdAt: post.created_at_ms,
          publishedAt: post.created_at_ms,
          lastModifiedAt: post.created_at_ms,
        }));
        return dated({ elements, paging: { start: 0, count: max, links: [] } }, postsNow());
      },
      ["r_member_social"],
    ),
  );
}

function facebookRecent(ctx: SandboxContext, app: Hono): void {
  app.get(`/${SANDBOX_GRAPH_VERSION}/:pageId/posts`, (c) =>
    withAccessToken(
      ctx,
      "lookup",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        // A sandbox user's one Page is "pg<user>" (facebook.ts).
        if (c.req.param("pageId") !== `pg${userId}`)
          return fail(ctx, "forbidden", "The token does not manage this Page");
        const limit = count(c.req.query("limit"), 1, 100, 25);
        if (limit === null) return fail(ctx, "bad_request", "limit must be between 1 and 100");
        const data = latest(ctx, userId, limit).map((post) => ({
          id: `pg${userId}_${post.post_id}`,
          message: post.text,
          created_time: graphTime(post.created_at_ms),
          permalink_url: `https://www.facebook.com/pg${userId}_${post.post_id}`,
        }));
        return dated({ data, paging: {} }, postsNow());
      },
      ["pages_read_engagement"],
    ),
  );
}

function instagramRecent(ctx: SandboxContext, app: Hono): void {
  app.get(`/${SANDBOX_GRAPH_VERSION}/:igUserId/media`, (c) =>
    withAccessToken(
      ctx,
      "lookup",
      presentedToken(c.req.raw),
      ["access"],
      (userId) => {
        if (c.req.param("igUserId") !== userId) return fail(ctx, "forbidden", "Not this user's media");
        const limit = count(c.req.query("limit"), 1, 100, 25);
        if (limit === null) return fail(ctx, "bad_request", "limit must be between 1 and 100");
        const data = latest(ctx, userId, limit).map((post) => ({
          id: post.post_id,
          caption: post.text,
          timestamp: graphTime(post.created_at_ms),
          permalink: `https://www.instagram.com/p/${post.post_id}/`,
        }));
        return dated({ data, paging: {} }, postsNow());
      },
      ["instagram_business_basic"],
    ),
  );
}

const RECENT: Record<Platform, (ctx: SandboxContext, app: Hono) => void> = {
  twitter: xRecent,
  linkedin: linkedinRecent,
  facebook: facebookRecent,
  instagram: instagramRecent,
};

/** The platform's read of recent posts, mounted beside its API (app.ts). */
export function recentPostsSandbox(ctx: SandboxContext): Hono {
  const app = new Hono();
  RECENT[ctx.platform](ctx, app);
  return app;
}

/** How long LinkedIn's sandbox remembers a member's commentary as a duplicate (LinkedIn documents no window). */
export const LINKEDIN_DUPLICATE_WINDOW_MS = 24 * 3_600_000;

/**
 * LinkedIn's refusal of a post whose text the member published within the window: 422
 * with the input error DUPLICATE_POST, naming the post that exists, as LinkedIn answers
 * clients (the Posts API reference does not list it). Null when the text is new.
 */
export function linkedinDuplicate(ctx: SandboxContext, userId: string, text: string): Response | null {
  const since = postsNow() - LINKEDIN_DUPLICATE_WINDOW_MS;
  const earlier = ctx.store.postWithText(userId, text, since);
  if (!earlier) return null;
  const urn = `urn:li:share:${earlier.post_id}`;
  return Response.json(
    {
      errorDetailType: "com.linkedin.common.error.BadRequest",
      message: `com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of ${urn}`,
      errorDetails: { inputErrors: [{ description: "Duplicate post is detected", input: {}, code: "DUPLICATE_POST" }] },
      status: 422,
    },
    { status: 422 },
  );
}
