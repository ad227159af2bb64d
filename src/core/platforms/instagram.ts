// Instagram professional accounts through the Instagram API with Instagram Login:
// a short-lived token exchanged for a long-lived one (60 days) that renews itself
// (there is no separate refresh token). Publishing is two steps: a media container
// (/{ig-user-id}/media), then /{ig-user-id}/media_publish. The daily publishing quota
// is read from /{ig-user-id}/content_publishing_limit. Sources (developers.facebook.com,
// Instagram Platform): "Content Publishing", reference/ig-container (status_code
// EXPIRED, ERROR, FINISHED, IN_PROGRESS, PUBLISHED), reference/refresh_access_token,
// reference/instagram-media/insights.
//
// A video (REELS) container processes for tens of seconds to minutes: publish()
// answers it as pending, and the TenantObject's alarm polls it about once a minute
// for up to five (objects/publishing/container-poller.ts), then publishes that same
// container (publishContainer), never a second one.
import type { PlatformConfig } from "./config";
import { PlatformError } from "./errors";
import { deleteGrant, graphFailure, graphMetric, graphUrl } from "./graph";
import { expiresIn, formBody, send, tokenFailure } from "./http";
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
    if (response.status !== 200) {
      const error = graphFailure(this.config, response);
      // A long-lived token that has expired or been revoked cannot renew itself.
      if (error.kind === "auth") throw new PlatformError("invalid_grant", error.message, error.details);
      throw error;
    }
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
    // Step 1, POST /{ig-user-id}/media: an image (JPEG only) or a reel.
    const media: Record<string, string> = post.videoUrl
      ? { media_type: "REELS", video_url: post.videoUrl }
      : { image_url: post.imageUrl ?? "" };
    const container = await this.postForm(accessToken, `${igUserId}/media`, { ...media, caption: post.text }).catch(
      (error: unknown) => {
        throw mediaRefusal(error, post.videoUrl ? "video_url" : "image_url");
      },
    );
    const containerId = String(container.id);
    // A video processes for a while: the alarm finishes it (see the file's head).
    if (post.videoUrl) return { kind: "processing", containerId, calls: 1 };
    const published = await this.publishContainer(accessToken, igUserId, containerId);
    return { ...published, calls: published.calls + 1 };
  }

  /** GET /{ig-container-id}?fields=status_code. */
  async containerStatus(accessToken: string, containerId: string): Promise<ContainerStatus> {
    const body = await this.call(
      new Request(graphUrl(this.config, containerId, { fields: "status_code", access_token: accessToken })),
    );
    return String(body.status_code) as ContainerStatus;
  }

  /** Step 2, POST /{ig-user-id}/media_publish with creation_id, then the media's permalink. */
  async publishContainer(accessToken: string, igUserId: string, containerId: string): Promise<PublishResult> {
    const published = await this.postForm(accessToken, `${igUserId}/media_publish`, { creation_id: containerId });
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

  /** The Graph API's multiple-id read takes up to 50 ids. */
  readonly insightsBatch = 50;

  async insights(accessToken: string, _igUserId: string, mediaIds: string[]): Promise<Map<string, PostMetrics>> {
    // Each media's insights edge (reference/instagram-media/insights), read for all of them at once.
    const body = await this.call(
      new Request(
        graphUrl(this.config, "", {
          ids: mediaIds.join(","),
          fields: "insights.metric(likes,comments,shares,saved,reach,views,total_interactions)",
          access_token: accessToken,
        }),
      ),
    );
    return new Map(
      Object.entries(body as Record<string, { insights?: unknown }>).map(([id, media]) => [
        id,
        mediaMetrics(media.insights),
      ]),
    );
  }
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
