// Meta's reads of an account's own recent posts, for a reconciliation
// (./recent-posts.ts, docs/publishing.md "Reconciliation"), with the permissions the
// adapters already ask for:
// - Facebook: GET /{page-id}/posts, the posts the Page published, each with its message
//   (a video's is its description) and created_time (Graph API reference, Page "Feed":
//   /{page-id}/posts; pages_read_engagement, with the Page's token);
// - Instagram: GET /{ig-user-id}/media, the account's media, each with its caption and
//   timestamp (Instagram Platform, reference/ig-user/media; instagram_business_basic).
import type { PlatformConfig } from "./config";
import { graphFailure, graphUrl } from "./graph";
import { send } from "./http";
import { platformNowMs, type RecentPost, type RecentPosts } from "./recent-posts";

/** Graph's times ("2019-09-20T20:56:35+0000") as milliseconds; NaN when not one. */
export function graphTime(value: unknown): number {
  if (typeof value !== "string") return Number.NaN;
  return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
}

async function listed(
  config: PlatformConfig,
  url: URL,
  read: (item: Record<string, unknown>) => RecentPost | null,
): Promise<RecentPosts> {
  const response = await send(config, new Request(url));
  if (response.status !== 200) throw graphFailure(config, response);
  const data = (response.body as { data?: Record<string, unknown>[] } | null)?.data ?? [];
  return {
    kind: "listed",
    platformNowMs: platformNowMs(response.headers, config.clock()),
    posts: data.flatMap((item) => read(item) ?? []),
  };
}

export function facebookRecentPosts(
  config: PlatformConfig,
  accessToken: string,
  pageId: string,
  limit: number,
): Promise<RecentPosts> {
  const url = graphUrl(config, `${pageId}/posts`, {
    fields: "id,message,created_time,permalink_url",
    limit: String(Math.min(100, limit)),
    access_token: accessToken,
  });
  return listed(config, url, (item) => {
    const createdAtMs = graphTime(item.created_time);
    if (typeof item.id !== "string" || !Number.isFinite(createdAtMs)) return null;
    return {
      platformPostId: item.id,
      url: typeof item.permalink_url === "string" ? item.permalink_url : `https://www.facebook.com/${item.id}`,
      text: typeof item.message === "string" ? item.message : "",
      createdAtMs,
    };
  });
}

export function instagramRecentPosts(
  config: PlatformConfig,
  accessToken: string,
  igUserId: string,
  limit: number,
): Promise<RecentPosts> {
  const url = graphUrl(config, `${igUserId}/media`, {
    fields: "id,caption,timestamp,permalink",
    limit: String(Math.min(100, limit)),
    access_token: accessToken,
  });
  return listed(config, url, (item) => {
    const createdAtMs = graphTime(item.timestamp);
    if (typeof item.id !== "string" || !Number.isFinite(createdAtMs)) return null;
    return {
      platformPostId: item.id,
      url: typeof item.permalink === "string" ? item.permalink : null,
      text: typeof item.caption === "string" ? item.caption : "",
      createdAtMs,
    };
  });
}
