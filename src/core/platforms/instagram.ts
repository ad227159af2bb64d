// Instagram professional accounts through the Instagram API with Instagram Login:
// a short-lived token exchanged for a long-lived one (60 days) that renews itself
// (there is no separate refresh token). Publishing is two steps: a media container
// (/{ig-user-id}/media), then /{ig-user-id}/media_publish. The daily publishing quota
// is read from /{ig-user-id}/content_publishing_limit. Sources (developers.facebook.com,
// Instagram Platform): "Content Publishing", reference/ig-container (status_code
// EXPIRED, ERROR, FINISHED, IN_PROGRESS, PUBLISHED), reference/refresh_access_token,
// reference/instagram-media/insights.
//
// A container is published only once its status_code is FINISHED ("Content
// Publishing": check the container's status before media_publish). An image's is
// asked for at once, and within the request's wait (processing-wait.ts); a reel
// processes for tens of seconds to minutes. Either, still IN_PROGRESS, is answered
// pending, and the TenantObject's alarm polls it about once a minute for up to five
// (objects/publishing/container-poller.ts), then publishes that same container
// (publishContainer), never a second one. ERROR or EXPIRED: refused, with the
// container's status as the reason.
//
// Images must be JPEG, decided from the image's bytes (instagram-media.ts), and
// insights are read per media, as the Instagram Platform documents them
// (GET /{media-id}/insights): graph.instagram.com documents neither the multiple-id
// read (?ids=) nor batch requests (developers.facebook.com/docs/graph-api/batch-requests
// describes them for graph.facebook.com), so none is used.
import type { PlatformConfig } from "./config";
import { afterCreate, isPlatformError, PlatformError } from "./errors";
import { deleteGrant, graphFailure, graphMetric, graphUrl, refreshFailure } from "./graph";
import { instagramRecentPosts } from "./graph-recent";
import { expiresIn, formBody, send, tokenFailure } from "./http";
import { INSTAGRAM_IMAGE, isJpeg, notJpeg } from "./instagram-media";
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
  PublishResult,
  QuotaReport,
  RefreshCredential,
  RevocationOutcome,
  TokenSet,
} from "./types";

/** Graph's code for "Media download has failed": it fetched the post's media URL and could not use it. */
const MEDIA_DOWNLOAD_FAILED = "9004";

/**
 * Graph's refusal of the media it fetched, as a refusal of the field (src/core/platforms/media.ts):
 * the field and the status class, never Graph's words about the media host.
 */
function mediaRefusal(error: unknown, field: "image_url" | "video_url"): unknown {
  if (!(error instanceof PlatformError) || error.details.code !== MEDIA_DOWNLOAD_FAILED) return error;
  const status = error.details.status ?? 400;
  return new PlatformError(
    "media",
    `${field} could not be fetched by instagram (it answered ${Math.floor(status / 100)}xx)`,
    {
      field,
      status,
    },
  );
}

const SCOPES = ["instagram_business_basic", "instagram_business_content_publish", "instagram_business_manage_insights"];
/** A container's status_code (reference/ig-container). */
export type ContainerStatus = "EXPIRED" | "ERROR" | "FINISHED" | "IN_PROGRESS" | "PUBLISHED";

export class InstagramAdapter implements PlatformAdapter {
  readonly platform = "instagram" as const;
  readonly usesPkce = false;

  constructor(private readonly config: PlatformConfig) {}

  private async call(request: Request): Promise<Record<string, unknown>> {
    const response = await send(this.config, request);
    if (response.status !== 200) throw graphFailure(this.config, response);
    return response.body as Record<string, unknown>;
  }

  authorizeUrl(request: AuthorizeRequest): string {
    const url = new URL(`${this.config.endpoints.authBase}/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: this.config.clientId,
      redirect_uri: request.redirectUri,
      response_type: "code",
      scope: SCOPES.join(","),
      state: request.state,
    }).toString();
    return url.toString();
  }

  private tokens(body: Record<string, unknown>): TokenSet {
    return {
      accessToken: String(body.access_token),
      refreshToken: null,
      expiresAt: expiresIn(body.expires_in, this.config.clock()),
      refreshTokenExpiresAt: null,
      scopes: SCOPES,
    };
  }

  async connect(code: string, redirectUri: string): Promise<ConnectedIdentity[]> {
    const form = formBody({
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
      grant_type: "authorization_code",
      redirect_uri: redirectUri,
      code,
    });
    // "Business Login for Instagram": the code for a short-lived token, then ig_exchange_token.
    const exchanged = await send(
      this.config,
      new Request(`${this.config.endpoints.tokenBase}/oauth/access_token`, { method: "POST", ...form }),
    );
    if (exchanged.status !== 200) throw tokenFailure(this.config, exchanged);
    const shortBody = exchanged.body as Record<string, unknown> & { data?: Record<string, unknown>[] };
    const short = shortBody.data?.[0] ?? shortBody;
    const long = await this.call(
      new Request(
        `${this.config.endpoints.apiBase}/access_token?${new URLSearchParams({
          grant_type: "ig_exchange_token",
          client_secret: this.config.clientSecret,
          access_token: String(short.access_token),
        })}`,
      ),
    );
    const tokens = this.tokens(long);
    const me = await this.call(
      new Request(graphUrl(this.config, "me", { fields: "user_id,username", access_token: tokens.accessToken })),
    );
    return [
      { platformUserId: String(me.user_id ?? me.id), name: String(me.username), handle: `@${me.username}`, tokens },
    ];
  }

  /** GET /refresh_access_token?grant_type=ig_refresh_token (reference/refresh_access_token). */
  async refresh(credential: RefreshCredential): Promise<TokenSet> {
    const response = await send(
      this.config,
      new Request(
        `${this.config.endpoints.apiBase}/refresh_access_token?${new URLSearchParams({
          grant_type: "ig_refresh_token",
          access_token: credential.accessToken,
        })}`,
      ),
    );
    // A long-lived token that has expired or been revoked cannot renew itself: a token
    // refusal is invalid_grant (graph.ts refreshFailure: a checkpoint is not). A token
    // younger than 24 hours is refused too ("at least 24 hours old"; Meta documents no
    // answer for it): any other error, never read as revoked.
    if (response.status !== 200) throw refreshFailure(graphFailure(this.config, response));
    return this.tokens(response.body as Record<string, unknown>);
  }

  private postForm(accessToken: string, path: string, params: Record<string, string>) {
    return this.call(
      new Request(graphUrl(this.config, path), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ...params, access_token: accessToken }).toString(),
      }),
    );
  }

  async publish(accessToken: string, igUserId: string, post: PostContent): Promise<PublishResult | PendingPublish> {
    // An image must be JPEG: its bytes say, before anything is sent.
    if (!post.videoUrl) {
      const bytes = await this.config.fetchMedia(post.imageUrl ?? "", "image_url", INSTAGRAM_IMAGE);
      if (!isJpeg(bytes)) throw notJpeg();
    }
    // Step 1, POST /{ig-user-id}/media: an image or a reel.
    const media: Record<string, string> = post.videoUrl
      ? { media_type: "REELS", video_url: post.videoUrl }
      : { image_url: post.imageUrl ?? "" };
    const container = await this.postForm(accessToken, `${igUserId}/media`, { ...media, caption: post.text }).catch(
      (error: unknown) => {
        throw mediaRefusal(error, post.videoUrl ? "video_url" : "image_url");
      },
    );
    const containerId = String(container.id);
    // A reel processes for minutes: the alarm finishes it (see the file's head).
    if (post.videoUrl) return { kind: "processing", containerId, calls: 1 };
    // An image: published once FINISHED, within the request's wait if it comes.
    let calls = 1;
    const ready = await waitWhileProcessing(this.config, async () => {
      calls += 1;
      const state = await this.containerState(accessToken, containerId).catch((error: unknown) => {
        // The container exists; a failure to read it is the alarm's to ask again.
        if (error instanceof PlatformError) return { status_code: "IN_PROGRESS" as const, status: null };
        throw error;
      });
      return state.status_code === "IN_PROGRESS" ? null : state;
    });
    if (!ready) return { kind: "processing", containerId, calls };
    if (ready.status_code === "ERROR" || ready.status_code === "EXPIRED") {
      throw new PlatformError("rejected", containerRefusal(ready.status_code, ready.status), {
        code: ready.status_code,
      });
    }
    if (ready.status_code === "PUBLISHED") {
      // Never for a container made a moment ago; if it is, its media id is not known.
      throw new PlatformError("timeout", "instagram: the new container says it is published already");
    }
    const published = await this.publishContainer(accessToken, igUserId, containerId);
    return { ...published, calls: published.calls + calls };
  }

  /** GET /{ig-container-id}?fields=status_code,status: the code, and (ERROR) why. */
  private async containerState(
    accessToken: string,
    containerId: string,
  ): Promise<{ status_code: ContainerStatus; status: string | null }> {
    const body = await this.call(
      new Request(graphUrl(this.config, containerId, { fields: "status_code,status", access_token: accessToken })),
    );
    return {
      status_code: String(body.status_code) as ContainerStatus,
      status: typeof body.status === "string" ? body.status : null,
    };
  }

  /** GET /{ig-container-id}?fields=status_code,status (the alarm's poll). */
  async containerStatus(accessToken: string, containerId: string): Promise<ContainerStatus> {
    return (await this.containerState(accessToken, containerId)).status_code;
  }

  /** Step 2, POST /{ig-user-id}/media_publish with creation_id, then the media's permalink. */
  async publishContainer(
    accessToken: string,
    igUserId: string,
    containerId: string,
    _post?: PostContent,
  ): Promise<PublishResult> {
    // A 5xx here may follow the publish: the container then says PUBLISHED (afterCreate).
    const published = await this.postForm(accessToken, `${igUserId}/media_publish`, {
      creation_id: containerId,
    }).catch((error: unknown) => {
      throw isPlatformError(error) ? afterCreate(error) : error;
    });
    const id = String(published.id);
    const permalink = await this.call(
      new Request(graphUrl(this.config, id, { fields: "permalink", access_token: accessToken })),
    ).catch(() => null);
    return {
      platformPostId: id,
      url: typeof permalink?.permalink === "string" ? permalink.permalink : null,
      calls: 2,
      quota: null,
    };
  }

  /** The account's media (./graph-recent.ts). */
  findRecent(accessToken: string, igUserId: string, limit: number): Promise<RecentPosts> {
    return instagramRecentPosts(this.config, accessToken, igUserId, limit);
  }

  /** GET /{ig-user-id}/content_publishing_limit (reference/ig-user/content_publishing_limit). */
  async quota(accessToken: string, igUserId: string): Promise<QuotaReport | null> {
    const body = await this.call(
      new Request(
        graphUrl(this.config, `${igUserId}/content_publishing_limit`, {
          fields: "quota_usage,config",
          access_token: accessToken,
        }),
      ),
    );
    const entry = (
      body.data as { quota_usage: number; config: { quota_total: number; quota_duration: number } }[]
    )?.[0];
    if (!entry) return null;
    return {
      remaining: Math.max(0, entry.config.quota_total - entry.quota_usage),
      resetAtMs: this.config.clock() + entry.config.quota_duration * 1000,
      limit: entry.config.quota_total,
      source: "content_publishing_limit",
    };
  }

  /**
   * DELETE /me/permissions with the account's token, as for a Facebook Login grant
   * (graph.ts deleteGrant), at the Instagram Graph host the account was connected
   * through. Meta documents the call for Facebook Login tokens; should it refuse an
   * Instagram Login token, the refusal is recorded and the erasure goes on
   * (docs/privacy.md).
   */
  async revoke(grant: PlatformGrant): Promise<RevocationOutcome> {
    await deleteGrant(this.config, grant.accessToken);
    return "revoked";
  }

  /**
   * One media a call: GET /{media-id}/insights, as the Instagram Platform documents it
   * (reference/instagram-media/insights); see the file's head for why nothing is batched.
   */
  readonly insightsBatch = 1;

  async insights(accessToken: string, _igUserId: string, mediaIds: string[]): Promise<Map<string, PostMetrics>> {
    const figures = new Map<string, PostMetrics>();
    for (const id of mediaIds) {
      const insights = await this.call(
        new Request(
          graphUrl(this.config, `${id}/insights`, {
            metric: INSTAGRAM_MEDIA_METRICS.join(","),
            access_token: accessToken,
          }),
        ),
      ).catch((error: unknown) => {
        // A media Graph refuses (deleted, not the account's) is absent from the answer; with
        // one id the refusal itself is the answer (the caller records it).
        if (mediaIds.length > 1 && error instanceof PlatformError && error.kind === "rejected") return null;
        throw error;
      });
      if (insights) figures.set(id, mediaMetrics(insights));
    }
    return figures;
  }
}

/** The media metrics read (reference/instagram-media/insights). */
export const INSTAGRAM_MEDIA_METRICS = ["likes", "comments", "shares", "saved", "reach", "views", "total_interactions"];

/** Why a container is refused: its status_code and (ERROR) the status Graph gives with it. */
function containerRefusal(code: ContainerStatus, status: string | null): string {
  return `instagram: the media container is ${code}${status ? ` (${status})` : ""}; nothing was published`;
}

function mediaMetrics(insights: unknown): PostMetrics {
  const value = (name: string) => graphMetric(insights, name);
  return {
    likes: value("likes"),
    comments: value("comments"),
    shares: value("shares"),
    saves: value("saved"),
    clicks: 0,
    bookmarks: 0,
    impressions: value("views"),
    reach: value("reach"),
    uniqueImpressions: value("reach"),
    videoViews: null,
    videoAvgWatchTime: null,
    videoCompleteViews: null,
    followers: null,
  };
}
