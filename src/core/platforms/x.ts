// X (Twitter) API v2: OAuth 2.0 authorization code with PKCE and offline.access
// (refresh tokens rotate on every use), POST /2/tweets, media through /2/media/upload
// (images simple, GIFs and videos chunked, then processed: x-upload.ts; the post goes
// out once the media has succeeded, within the request's wait, processing-wait.ts, or
// on the TenantObject's alarm), and the x-rate-limit-* / x-user-limit-24hour-* /
// x-app-limit-24hour-* quota headers.
import type { PlatformConfig } from "./config";
import { PlatformError } from "./errors";
import { errorMessage, expiresIn, failure, formBody, send, tokenFailure } from "./http";
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
  RevocationOutcome,
  TokenSet,
} from "./types";
import { xQuota } from "./x-limits";
import { xCreateFailure, xRecentPosts } from "./x-recent";
import { uploadXMedia, xMediaStatus } from "./x-upload";

export { xQuota };

const SCOPES = ["tweet.read", "tweet.write", "users.read", "media.write", "offline.access"];

/**
 * X's answer to a dead refresh token: 400 invalid_grant, or 400 invalid_request
 * "Value passed for the token was invalid." (seen in several public X clients; the
 * OAuth 2.0 pages on docs.x.com do not list it). Both mean the token is revoked.
 */
function deadRefreshToken(status: number, body: unknown): boolean {
  const record = body as { error?: unknown; error_description?: unknown } | null;
  return (
    status === 400 &&
    record?.error === "invalid_request" &&
    typeof record.error_description === "string" &&
    /token was invalid/i.test(record.error_description)
  );
}

export class XAdapter implements PlatformAdapter {
  readonly platform = "twitter" as const;
  readonly usesPkce = true;

  constructor(private readonly config: PlatformConfig) {}

  authorizeUrl(request: AuthorizeRequest): string {
    if (!request.codeChallenge) throw new Error("X needs a PKCE code challenge");
    const url = new URL(`${this.config.endpoints.authBase}/i/oauth2/authorize`);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: this.config.clientId,
      redirect_uri: request.redirectUri,
      scope: SCOPES.join(" "),
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: "S256",
    }).toString();
    return url.toString();
  }

  /** A confidential client authenticates with HTTP Basic at the OAuth endpoints. */
  private oauthRequest(path: string, values: Record<string, string>): Request {
    const form = formBody({ ...values, client_id: this.config.clientId });
    const basic = btoa(`${encodeURIComponent(this.config.clientId)}:${encodeURIComponent(this.config.clientSecret)}`);
    return new Request(`${this.config.endpoints.tokenBase}${path}`, {
      method: "POST",
      body: form.body,
      headers: { ...form.headers, Authorization: `Basic ${basic}` },
    });
  }

  /** POST /2/oauth2/token (docs.x.com "OAuth 2.0 Authorization Code Flow with PKCE"; xdk oauth2_auth.j2). */
  private async token(values: Record<string, string>): Promise<TokenSet> {
    const response = await send(this.config, this.oauthRequest("/2/oauth2/token", values));
    if (response.status !== 200) {
      if (values.grant_type === "refresh_token" && deadRefreshToken(response.status, response.body)) {
        throw new PlatformError("invalid_grant", `X refused the refresh: ${errorMessage(response.body)}`, {
          status: response.status,
          code: "invalid_request",
        });
      }
      const error = tokenFailure(this.config, response);
      const quota = xQuota(response.headers);
      if (error.kind === "rate_limited" && quota) error.details.resetAtMs = quota.resetAtMs;
      throw error;
    }
    const body = response.body as Record<string, unknown>;
    return {
      accessToken: String(body.access_token),
      refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : null,
      expiresAt: expiresIn(body.expires_in, this.config.clock()),
      refreshTokenExpiresAt: null,
      scopes: typeof body.scope === "string" ? body.scope.split(" ").filter(Boolean) : SCOPES,
    };
  }

  async connect(code: string, redirectUri: string, codeVerifier: string | null): Promise<ConnectedIdentity[]> {
    if (!codeVerifier) throw new PlatformError("rejected", "X needs the PKCE code verifier");
    const tokens = await this.token({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      code_verifier: codeVerifier,
    });
    // GET /2/users/me (OpenAPI: findMyUser).
    const response = await send(
      this.config,
      new Request(`${this.config.endpoints.apiBase}/2/users/me`, {
        headers: { Authorization: `Bearer ${tokens.accessToken}` },
      }),
    );
    if (response.status !== 200) throw failure(this.config, response);
    const user = (response.body as { data: { id: string; name: string; username: string } }).data;
    return [{ platformUserId: user.id, name: user.name, handle: `@${user.username}`, tokens }];
  }

  refresh(credential: { refreshToken: string | null }): Promise<TokenSet> {
    if (!credential.refreshToken) {
      throw new PlatformError("invalid_grant", "X: no refresh token is stored; reconnect the account");
    }
    return this.token({ grant_type: "refresh_token", refresh_token: credential.refreshToken });
  }

  /** X cannot say whether a post went out with processed media: never sent twice (container-poller.ts). */
  readonly reportsPublished = false;

  async publish(
    accessToken: string,
    _platformUserId: string,
    post: PostContent,
  ): Promise<PublishResult | PendingPublish> {
    const url = post.videoUrl ?? post.imageUrl;
    if (!url) return this.tweet(accessToken, post.text, [], 0);
    const media = await uploadXMedia(this.config, accessToken, url, post.videoUrl ? "video_url" : "image_url");
    let checks = 0;
    const status =
      media.status !== "IN_PROGRESS"
        ? media.status
        : await waitWhileProcessing(this.config, async () => {
            checks += 1;
            const now = await xMediaStatus(this.config, accessToken, media.id);
            return now === "IN_PROGRESS" ? null : now;
          });
    const calls = media.calls + checks;
    if (status === null) return { kind: "processing", containerId: media.id, calls };
    if (status !== "FINISHED")
      throw new PlatformError("rejected", `twitter: the media's processing failed (${status})`);
    return this.tweet(accessToken, post.text, [media.id], calls);
  }

  /** POST /2/tweets (OpenAPI: createPosts): TweetCreateRequest, answered 201 { data: { id, text } }. */
  private async tweet(accessToken: string, text: string, mediaIds: string[], calls: number): Promise<PublishResult> {
    const response = await send(
      this.config,
      new Request(`${this.config.endpoints.apiBase}/2/tweets`, {
        method: "POST",
        headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ text, ...(mediaIds.length ? { media: { media_ids: mediaIds } } : {}) }),
      }),
    );
    const quota = xQuota(response.headers);
    if (response.status !== 201) {
      const error = xCreateFailure(this.config, response);
      if (error.kind === "rate_limited" && quota) error.details.resetAtMs = quota.resetAtMs;
      throw error;
    }
    const id = (response.body as { data: { id: string } }).data.id;
    return { platformPostId: id, url: `https://x.com/i/web/status/${id}`, calls: calls + 1, quota };
  }

  /** A processing upload's state (GET /2/media/upload?command=STATUS), for the TenantObject's alarm. */
  containerStatus(accessToken: string, mediaId: string): Promise<ProcessingStatus> {
    return xMediaStatus(this.config, accessToken, mediaId);
  }

  /** The post of media that has now succeeded: sent once, by the alarm (container-poller.ts). */
  publishContainer(
    accessToken: string,
    _platformUserId: string,
    mediaId: string,
    post: PostContent,
  ): Promise<PublishResult> {
    return this.tweet(accessToken, post.text, [mediaId], 0);
  }

  async quota(): Promise<null> {
    return null;
  }

  /** The User Posts timeline (./x-recent.ts). */
  findRecent(accessToken: string, userId: string, limit: number): Promise<RecentPosts> {
    return xRecentPosts(this.config, accessToken, userId, limit);
  }

  /**
   * POST /2/oauth2/revoke (docs.x.com "OAuth 2.0 Authorization Code Flow with PKCE",
   * RFC 7009): the refresh token first, whose revocation ends the grant, then the access
   * token, which may outlive it until it expires otherwise.
   */
  async revoke(grant: PlatformGrant): Promise<RevocationOutcome> {
    const tokens: [string | null, string][] = [
      [grant.refreshToken, "refresh_token"],
      [grant.accessToken, "access_token"],
    ];
    for (const [token, hint] of tokens) {
      if (!token) continue;
      const response = await send(this.config, this.oauthRequest("/2/oauth2/revoke", { token, token_type_hint: hint }));
      if (response.status !== 200) throw failure(this.config, response, []);
    }
    return "revoked";
  }

  /** GET /2/tweets takes up to 100 ids. */
  readonly insightsBatch = 100;

  async insights(accessToken: string, _platformUserId: string, ids: string[]): Promise<Map<string, PostMetrics>> {
    // GET /2/tweets?ids= (OpenAPI: getPostsByIds), up to 100 ids; non_public_metrics need user context.
    const url = new URL(`${this.config.endpoints.apiBase}/2/tweets`);
    url.searchParams.set("ids", ids.join(","));
    url.searchParams.set("tweet.fields", "public_metrics,non_public_metrics");
    url.searchParams.set("expansions", "author_id");
    url.searchParams.set("user.fields", "public_metrics");
    const response = await send(this.config, new Request(url, { headers: { Authorization: `Bearer ${accessToken}` } }));
    if (response.status !== 200) throw failure(this.config, response);
    // Tweets not found are listed under "errors", not under "data".
    const body = response.body as {
      data?: ({ id: string } & Record<string, Record<string, number>>)[];
      includes?: { users?: { public_metrics?: { followers_count?: number } }[] };
    };
    const followers = body.includes?.users?.[0]?.public_metrics?.followers_count ?? null;
    return new Map((body.data ?? []).map((tweet) => [tweet.id, tweetMetrics(tweet, followers)]));
  }
}

function tweetMetrics(tweet: Record<string, Record<string, number>>, followers: number | null): PostMetrics {
  const publicMetrics = tweet.public_metrics ?? {};
  const privateMetrics = tweet.non_public_metrics ?? {};
  return {
    likes: publicMetrics.like_count ?? 0,
    comments: publicMetrics.reply_count ?? 0,
    shares: (publicMetrics.retweet_count ?? 0) + (publicMetrics.quote_count ?? 0),
    saves: 0,
    clicks: (privateMetrics.url_link_clicks ?? 0) + (privateMetrics.user_profile_clicks ?? 0),
    bookmarks: publicMetrics.bookmark_count ?? 0,
    impressions: privateMetrics.impression_count ?? publicMetrics.impression_count ?? 0,
    reach: privateMetrics.impression_count ?? publicMetrics.impression_count ?? 0,
    uniqueImpressions: 0,
    videoViews: null,
    videoAvgWatchTime: null,
    videoCompleteViews: null,
    followers,
  };
}
