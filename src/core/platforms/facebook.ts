// Facebook Pages through the Graph API. Facebook Login yields a user token, made
// long-lived and then exchanged for one Page token per Page the user manages: each
// Page is an account. The long-lived user token is kept as the "refresh token": it
// re-derives the Page token when needed. Sources (developers.facebook.com): Pages API
// posts, Video API "Publish with the Video API", Page Insights deprecated metrics,
// reference/access_token, reference/user/accounts and "Paginated Results", Graph API
// "Rate Limiting" and "Handling Errors".
//
// A video's Page post is not there when the upload answers (the answer is the video's
// id): the video processes, and its post_id appears once it is published. The request
// asks for it within its wait (processing-wait.ts); after that the post is answered
// "processing", and the TenantObject's alarm asks again (containerStatus, then
// publishContainer reads the post id: objects/publishing/container-poller.ts). Insights
// read the Page post, never the video.
import type { PlatformConfig } from "./config";
import { afterCreate, PlatformError } from "./errors";
import { deleteGrant, GRAPH_VERSION, graphFailure, graphMetric, graphUrl, graphUsage, refreshFailure } from "./graph";
import { facebookRecentPosts } from "./graph-recent";
import { expiresIn, send } from "./http";
import { waitWhileProcessing } from "./processing-wait";
import type { RecentPosts } from "./recent-posts";
import type {
  AuthorizeRequest,
  ConnectedIdentity,
  PendingPublish,
  PlatformAdapter,
  PlatformGrant,
  PostContent,
  PostMetrics,
  ProcessingStatus,
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

/** Pages asked for per /me/accounts page (Graph's limit parameter). */
export const ACCOUNTS_PAGE_SIZE = 100;
/** /me/accounts pages followed at most: 2,000 Pages. More and the list is not read to its end. */
export const ACCOUNTS_MAX_PAGES = 20;

type Page = { id: string; name: string; access_token: string };

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

  /**
   * GET /me/accounts: the Pages the user manages, each with its Page token (Pages API
   * "Get Started"), page by page: cursor-based paging ("Paginated Results") goes on
   * while the answer has paging.next, with its paging.cursors.after. `until` stops at
   * the first Page it accepts. Complete: every page was read (false when
   * ACCOUNTS_MAX_PAGES pages were not enough).
   */
  private async pages(
    userToken: string,
    until?: (page: Page) => boolean,
  ): Promise<{ pages: Page[]; complete: boolean }> {
    const pages: Page[] = [];
    let after: string | null = null;
    for (let read = 0; read < ACCOUNTS_MAX_PAGES; read++) {
      const params: Record<string, string> = {
        fields: "id,name,access_token",
        limit: String(ACCOUNTS_PAGE_SIZE),
        access_token: userToken,
      };
      if (after) params.after = after;
      const body = await this.get(graphUrl(this.config, "me/accounts", params));
      for (const page of (body.data as Page[] | undefined) ?? []) {
        pages.push(page);
        if (until?.(page)) return { pages, complete: true };
      }
      const paging = body.paging as { next?: string; cursors?: { after?: string } } | undefined;
      const cursor = paging?.cursors?.after;
      // No next: this was the last page. A next without a cursor cannot be followed safely.
      if (!paging?.next || !cursor) return { pages, complete: !paging?.next };
      after = cursor;
    }
    return { pages, complete: false };
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
    const { pages } = await this.pages(user.token);
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
    // An expired or revoked user token cannot be renewed: the Page must reconnect
    // (graph.ts refreshFailure says which refusals mean that; a checkpoint does not).
    const user = await this.longLived(credential.refreshToken).catch((error: unknown) => {
      throw refreshFailure(error);
    });
    const listed = await this.pages(user.token, (p) => p.id === credential.platformUserId).catch((error: unknown) => {
      throw refreshFailure(error);
    });
    const page = listed.pages.find((p) => p.id === credential.platformUserId);
    if (!page && !listed.complete) {
      // Not among the first ACCOUNTS_MAX_PAGES pages: not known to be gone, so not revoked.
      throw new PlatformError(
        "unavailable",
        `facebook: the Page was not among the user's first ${ACCOUNTS_MAX_PAGES * ACCOUNTS_PAGE_SIZE} Pages`,
      );
    }
    // The whole list was read and the Page is not in it: the grant of it was withdrawn.
    if (!page) throw new PlatformError("invalid_grant", "facebook: the Page is no longer granted to the app");
    return {
      accessToken: page.access_token,
      refreshToken: user.token,
      expiresAt: null,
      refreshTokenExpiresAt: user.expiresAt,
      scopes: SCOPES,
    };
  }

  async publish(accessToken: string, pageId: string, post: PostContent): Promise<PublishResult | PendingPublish> {
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
    const quota = graphUsage(response.headers, this.config.clock());
    if (response.status !== 200) throw afterCreate(graphFailure(this.config, response));
    // /feed answers the post id, /photos { id, post_id }, /videos the VIDEO id only
    // (Video API: "On success, your app receives a JSON response with the Video ID").
    const body = response.body as { id: string; post_id?: string };
    if (edge === "videos") return this.videoPost(accessToken, pageId, body.id, quota);
    const id = body.post_id ?? body.id;
    return { platformPostId: id, url: postUrl(id), calls: 1, quota };
  }

  /**
   * A video's Page post, asked for within the request's wait; pending (the alarm asks
   * again) while the video processes. A failed processing is refused.
   */
  private async videoPost(
    accessToken: string,
    pageId: string,
    videoId: string,
    quota: PublishResult["quota"],
  ): Promise<PublishResult | PendingPublish> {
    let calls = 1;
    const video = await waitWhileProcessing(this.config, async () => {
      calls += 1;
      const node = await this.videoNode(accessToken, videoId).catch((error: unknown) => {
        // The video is uploaded; a failure to read it is the alarm's to ask again.
        if (error instanceof PlatformError) return null;
        throw error;
      });
      return node && videoState(node) !== "IN_PROGRESS" ? node : null;
    });
    if (!video) return { kind: "processing", containerId: videoId, calls };
    const state = videoState(video);
    if (state !== "FINISHED") {
      throw new PlatformError("rejected", `facebook: the video's processing ended ${state}; nothing was published`);
    }
    const id = pagePostId(pageId, video.post_id as string);
    return { platformPostId: id, url: postUrl(id), calls, quota };
  }

  /** GET /{video-id}?fields=post_id,status (Video API, reference/video and video-status). */
  private async videoNode(accessToken: string, videoId: string): Promise<VideoNode> {
    return (await this.get(
      graphUrl(this.config, videoId, { fields: "post_id,status", access_token: accessToken }),
    )) as VideoNode;
  }

  /** Where an uploaded video stands: FINISHED once it names its Page post (the alarm's poll). */
  async containerStatus(accessToken: string, videoId: string): Promise<ProcessingStatus> {
    return videoState(await this.videoNode(accessToken, videoId));
  }

  /**
   * The Page post of a FINISHED video (the alarm's): only a read, so asking again after
   * a lost answer publishes nothing twice. The post was published by the upload itself.
   */
  async publishContainer(accessToken: string, pageId: string, videoId: string): Promise<PublishResult> {
    const video = await this.videoNode(accessToken, videoId);
    if (videoState(video) !== "FINISHED") {
      throw new PlatformError("unavailable", "facebook: the video's Page post is not there yet");
    }
    const id = pagePostId(pageId, video.post_id as string);
    return { platformPostId: id, url: postUrl(id), calls: 1, quota: null };
  }

  /** An uploaded video becomes its Page post by itself once processed (container-poller.ts). */
  readonly publishesWhenProcessed = true;

  async quota(): Promise<null> {
    return null;
  }

  /** The posts the Page published (./graph-recent.ts). */
  findRecent(accessToken: string, pageId: string, limit: number): Promise<RecentPosts> {
    return facebookRecentPosts(this.config, accessToken, pageId, limit);
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

type VideoNode = {
  id?: string;
  post_id?: string;
  status?: { video_status?: string; processing_phase?: { status?: string } };
};

/**
 * A video node's state in the poller's words: FINISHED once it names its Page post;
 * ERROR or EXPIRED as its video_status says (reference/video-status: ready,
 * processing, expired, error); otherwise still IN_PROGRESS.
 */
function videoState(video: VideoNode): ProcessingStatus {
  if (typeof video.post_id === "string" && video.post_id) return "FINISHED";
  const status = video.status?.video_status;
  if (status === "error" || video.status?.processing_phase?.status === "error") return "ERROR";
  if (status === "expired") return "EXPIRED";
  return "IN_PROGRESS";
}

/** A Page post id as {page}_{post} (the field is answered bare by some versions). */
function pagePostId(pageId: string, postId: string): string {
  return postId.includes("_") ? postId : `${pageId}_${postId}`;
}

function postUrl(id: string): string {
  return `https://www.facebook.com/${id}`;
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
