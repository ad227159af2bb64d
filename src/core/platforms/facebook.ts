// Facebook Pages through the Graph API. Facebook Login yields a user token, made
// long-lived and then exchanged for one Page token per Page the user manages: each
// Page is an account. The long-lived user token is kept as the "refresh token": it
// re-derives the Page token when needed. Sources (developers.facebook.com): Pages API
// posts, Video API "Publish with the Video API", Page Insights deprecated metrics,
// reference/access_token.
import type { PlatformConfig } from "./config";
import { PlatformError } from "./errors";
import { deleteGrant, GRAPH_VERSION, graphFailure, graphMetric, graphUrl, graphUsage } from "./graph";
import { expiresIn, send } from "./http";
import type {
  AuthorizeRequest,
  ConnectedIdentity,
  PlatformAdapter,
  PlatformGrant,
  PostContent,
  PostMetrics,
  PublishResult,
  RefreshCredential,
  RevocationOutcome,
  TokenSet,
} from "./types";

/**
 * What publishing and insights need. Video posts need no more: "Publish with the Video
 * API" and the page/videos reference ask for pages_show_list, pages_read_engagement
 * and pages_manage_posts (publish_video is the Live Video API's permission).
 */
export const FACEBOOK_SCOPES = ["pages_show_list", "pages_manage_posts", "pages_read_engagement", "read_insights"];
const SCOPES = FACEBOOK_SCOPES;
/**
 * Post insights asked for. post_impressions and post_impressions_unique were
 * deprecated on every version (Page Insights "Deprecated metrics": an invalid-metric
 * error, which fails a whole ?ids= read); post_media_view and
 * post_total_media_view_unique replace them.
 */
export const FACEBOOK_POST_METRICS = ["post_media_view", "post_total_media_view_unique", "post_clicks"];

export class FacebookAdapter implements PlatformAdapter {
  readonly platform = "facebook" as const;
  readonly usesPkce = false;

  constructor(private readonly config: PlatformConfig) {}

  authorizeUrl(request: AuthorizeRequest): string {
    const url = new URL(`${this.config.endpoints.authBase}/${GRAPH_VERSION}/dialog/oauth`);
    url.search = new URLSearchParams({
      client_id: this.config.clientId,
      redirect_uri: request.redirectUri,
      state: request.state,
      scope: SCOPES.join(","),
      response_type: "code",
    }).toString();
    return url.toString();
  }

  private async get(url: URL): Promise<Record<string, unknown>> {
    const response = await send(this.config, new Request(url));
    if (response.status !== 200) throw graphFailure(this.config, response);
    return response.body as Record<string, unknown>;
  }

  /** A user token exchanged for a long-lived one (about 60 days): reference/access_token, fb_exchange_token. */
  private async longLived(userToken: string): Promise<{ token: string; expiresAt: Date | null }> {
    const body = await this.get(
      graphUrl(this.config, "oauth/access_token", {
        grant_type: "fb_exchange_token",
        client_id: this.config.clientId,
        client_secret: this.config.clientSecret,
        fb_exchange_token: userToken,
      }),
    );
    return { token: String(body.access_token), expiresAt: expiresIn(body.expires_in, this.config.clock()) };
  }

  /** GET /me/accounts: the Pages the user manages, each with its Page token (Pages API "Get Started"). */
  private async pages(userToken: string): Promise<{ id: string; name: string; access_token: string }[]> {
    const body = await this.get(
      graphUrl(this.config, "me/accounts", { fields: "id,name,access_token", access_token: userToken }),
    );
    return (body.data as { id: string; name: string; access_token: string }[]) ?? [];
  }

  async connect(code: string, redirectUri: string): Promise<ConnectedIdentity[]> {
    const short = await this.get(
      graphUrl(this.config, "oauth/access_token", {
        client_id: this.config.clientId,
        client_secret: this.config.clientSecret,
        redirect_uri: redirectUri,
        code,
      }),
    );
    const user = await this.longLived(String(short.access_token));
    const pages = await this.pages(user.token);
    if (pages.length === 0) throw new PlatformError("rejected", "facebook: the user manages no Page");
    // Page tokens derived from a long-lived user token do not expire.
    return pages.map((page) => ({
      platformUserId: page.id,
      name: page.name,
      handle: null,
      tokens: {
        accessToken: page.access_token,
        refreshToken: user.token,
        expiresAt: null,
        refreshTokenExpiresAt: user.expiresAt,
        scopes: SCOPES,
      },
    }));
  }

  async refresh(credential: RefreshCredential): Promise<TokenSet> {
    if (!credential.refreshToken) {
      throw new PlatformError("invalid_grant", "facebook: no user token is stored; reconnect the Page");
    }
    const user = await this.longLived(credential.refreshToken).catch((error: unknown) => {
      // An expired or revoked user token cannot be renewed: the Page must reconnect.
      if (error instanceof PlatformError && error.kind === "auth") {
        throw new PlatformError("invalid_grant", error.message, error.details);
      }
      throw error;
    });
    const page = (await this.pages(user.token)).find((p) => p.id === credential.platformUserId);
    if (!page) throw new PlatformError("invalid_grant", "facebook: the Page is no longer granted to the app");
    return {
      accessToken: page.access_token,
      refreshToken: user.token,
      expiresAt: null,
      refreshTokenExpiresAt: user.expiresAt,
      scopes: SCOPES,
    };
  }

  async publish(accessToken: string, pageId: string, post: PostContent): Promise<PublishResult> {
    // Pages API: POST /{page-id}/feed (message), /photos (url, message), and the Video
    // API's /{page-id}/videos (file_url, description).
    const [edge, params] = post.videoUrl
      ? ["videos", { file_url: post.videoUrl, description: post.text }]
      : post.imageUrl
        ? ["photos", { url: post.imageUrl, message: post.text }]
        : ["feed", { message: post.text }];
    const response = await send(
      this.config,
      new Request(graphUrl(this.config, `${pageId}/${edge}`), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ...params, access_token: accessToken }).toString(),
      }),
    );
    const quota = graphUsage(response.headers);
    if (response.status !== 200) throw graphFailure(this.config, response);
    // /feed answers the post id, /photos { id, post_id }, /videos the VIDEO id only
    // (Video API: "On success, your app receives a JSON response with the Video ID"):
    // insights read the Page post, so a video's post id is looked up.
    const body = response.body as { id: string; post_id?: string };
    if (edge === "videos") {
      const id = await this.videoPostId(accessToken, pageId, body.id);
      return { platformPostId: id, url: `https://www.facebook.com/${id}`, calls: 2, quota };
    }
    const id = body.post_id ?? body.id;
    return { platformPostId: id, url: `https://www.facebook.com/${id}`, calls: 1, quota };
  }

  /**
   * The Page post of a video: GET /{video-id}?fields=post_id, as a {page}_{post} id
   * (the field is answered bare by some versions). Falls back to the video id when
   * Graph gives none: the post went out either way, and that must not fail it.
   */
  private async videoPostId(accessToken: string, pageId: string, videoId: string): Promise<string> {
    try {
      const video = await this.get(graphUrl(this.config, videoId, { fields: "post_id", access_token: accessToken }));
      const postId = typeof video.post_id === "string" ? video.post_id : null;
      if (!postId) return videoId;
      return postId.includes("_") ? postId : `${pageId}_${postId}`;
    } catch {
      return videoId;
    }
  }

  async quota(): Promise<null> {
    return null;
  }

  /**
   * DELETE /me/permissions with the long-lived user token the Page was connected with
   * (kept as the refresh token): Facebook Login's grant ends, the Page token with it.
   * Without a user token (none was stored), the Page token asks.
   */
  async revoke(grant: PlatformGrant): Promise<RevocationOutcome> {
    await deleteGrant(this.config, grant.refreshToken ?? grant.accessToken);
    return "revoked";
  }

  /** The Graph API's multiple-id read takes up to 50 ids. */
  readonly insightsBatch = 50;

  async insights(accessToken: string, _pageId: string, postIds: string[]): Promise<Map<string, PostMetrics>> {
    // One unknown id fails the whole read (code 100); the caller then reads each alone.
    const body = await this.get(
      graphUrl(this.config, "", {
        ids: postIds.join(","),
        fields: `reactions.summary(total_count),comments.summary(total_count),shares,insights.metric(${FACEBOOK_POST_METRICS.join(",")})`,
        access_token: accessToken,
      }),
    );
    return new Map(
      Object.entries(body as Record<string, Record<string, unknown>>).map(([id, post]) => [id, pageMetrics(post)]),
    );
  }
}

function pageMetrics(post: Record<string, unknown>): PostMetrics {
  const total = (key: string) => (post[key] as { summary?: { total_count?: number } })?.summary?.total_count ?? 0;
  const insight = (name: string) => graphMetric(post.insights, name);
  return {
    likes: total("reactions"),
    comments: total("comments"),
    shares: (post.shares as { count?: number } | undefined)?.count ?? 0,
    saves: 0,
    clicks: insight("post_clicks"),
    bookmarks: 0,
    impressions: insight("post_media_view"),
    reach: insight("post_total_media_view_unique"),
    uniqueImpressions: insight("post_total_media_view_unique"),
    videoViews: null,
    videoAvgWatchTime: null,
    videoCompleteViews: null,
    followers: null,
  };
}
