// X's read of an account's own recent posts, for a reconciliation (./recent-posts.ts):
// the User Posts timeline, GET /2/users/:id/tweets (docs.x.com, "Timelines",
// x-api/posts/timelines/integrate; OpenAPI getUsersPosts), with the scopes the app
// already asks for (tweet.read, users.read). X rewrites a post's text as it stores it:
// links become t.co links (entities.urls names each with its expanded_url, and a
// media link carries a media_key), &, < and > come back HTML-escaped, and a post
// longer than 280 characters keeps its full text in note_tweet. The text is given
// back as its author wrote it.
import type { PlatformConfig } from "./config";
import { afterCreate, PlatformError } from "./errors";
import { errorMessage, failure, type PlatformResponse, send } from "./http";
import { platformNowMs, type RecentPosts } from "./recent-posts";

interface XUrlEntity {
  start: number;
  end: number;
  url: string;
  expanded_url?: string;
  media_key?: string;
}

interface XPost {
  id: string;
  text: string;
  created_at?: string;
  entities?: { urls?: XUrlEntity[] };
  note_tweet?: { text: string; entities?: { urls?: XUrlEntity[] } };
}

/** "&amp;", "&lt;" and "&gt;" as the characters they stand for (the only entities X writes). */
function unescapeX(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The text with each t.co link as the link it stands for, and media links dropped. */
export function xAuthoredText(text: string, urls: readonly XUrlEntity[] = []): string {
  let authored = text;
  for (const entity of urls) {
    const replacement = entity.media_key ? "" : (entity.expanded_url ?? entity.url);
    authored = authored.split(entity.url).join(replacement);
  }
  return unescapeX(authored).trim();
}

export async function xRecentPosts(
  config: PlatformConfig,
  accessToken: string,
  userId: string,
  limit: number,
): Promise<RecentPosts> {
  const url = new URL(`${config.endpoints.apiBase}/2/users/${encodeURIComponent(userId)}/tweets`);
  // max_results takes 5 to 100.
  url.searchParams.set("max_results", String(Math.min(100, Math.max(5, limit))));
  url.searchParams.set("exclude", "retweets,replies");
  url.searchParams.set("tweet.fields", "created_at,entities,note_tweet");
  const response = await send(config, new Request(url, { headers: { Authorization: `Bearer ${accessToken}` } }));
  if (response.status !== 200) throw failure(config, response);
  // No post at all is answered with meta.result_count 0 and no data.
  const body = response.body as { data?: XPost[] };
  return {
    kind: "listed",
    platformNowMs: platformNowMs(response.headers, config.clock()),
    posts: (body.data ?? []).flatMap((post) => {
      const createdAtMs = Date.parse(post.created_at ?? "");
      if (!Number.isFinite(createdAtMs)) return [];
      const full = post.note_tweet ?? post;
      return [
        {
          platformPostId: post.id,
          url: `https://x.com/i/web/status/${post.id}`,
          text: xAuthoredText(full.text, full.entities?.urls ?? []),
          createdAtMs,
        },
      ];
    }),
  };
}

/**
 * The failure of POST /2/tweets: X's refusal of a post whose text the account already
 * published ("You are not allowed to create a Tweet with duplicate content.", 403)
 * is marked a duplicate (X names no post), a 5xx may have created the post
 * (afterCreate), anything else as any X failure.
 */
export function xCreateFailure(config: PlatformConfig, response: PlatformResponse): PlatformError {
  const error = failure(config, response);
  if (error.kind === "rejected" && /duplicate content/i.test(errorMessage(response.body))) {
    return new PlatformError("rejected", error.message, { ...error.details, duplicate: true });
  }
  return afterCreate(error);
}
