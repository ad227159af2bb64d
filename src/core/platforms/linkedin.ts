// LinkedIn: OAuth 2.0 (3-legged) and the versioned REST Posts API. A post is
// published as the member (urn:li:person:{id}); an image is uploaded through the
// Images API first and referenced by its urn, a video through the Videos API
// (linkedin-video.ts), which then processes: the post goes out once it is AVAILABLE,
// within the request's wait (processing-wait.ts) or on the TenantObject's alarm. A 429
// without Retry-After holds until midnight UTC (linkedin-limits.ts).
// Sources: learn.microsoft.com, LinkedIn Marketing (Posts API, Images API, Videos API,
// Little Text Format, Member Post Statistics, Versioning, API Rate Limiting) and
// LinkedIn's own client linkedin-developers/linkedin-api-js-client
// (examples/create-posts.ts: 201 and the post's URN in x-restli-id).
import type { PlatformConfig } from "./config";
import { PlatformError } from "./errors";
import { errorMessage, expiresIn, formBody, send, tokenFailure } from "./http";
import { MEMBER_ANALYTICS_SCOPE, memberPostMetrics } from "./linkedin-insights";
import { linkedInFailure, untilMidnightUtc } from "./linkedin-limits";
import { linkedinCreateFailure, linkedinRecentPosts } from "./linkedin-recent";
import { toLittleText } from "./linkedin-text";
import { DEFAULT_LINKEDIN_VERSION } from "./linkedin-version";
import { fetchVideo, uploadVideo, videoStatus } from "./linkedin-video";
import { LINKEDIN_IMAGE } from "./media";
import { sniffMediaType } from "./media-type";
import { waitWhileProcessing } from "./processing-wait";
import type { RecentPosts } from "./recent-posts";
import type {
  AuthorizeRequest,
  ConnectedIdentity,
  PendingPublish,
  PlatformAdapter,
  PostContent,
  PostMetrics,
  ProcessingStatus,
  PublishResult,
  RevocationOutcome,
  TokenSet,
} from "./types";

/**
 * Sign-in (openid, profile: "Sign In with LinkedIn using OpenID Connect") and posting
 * as the member (w_member_social: "Share on LinkedIn"), which any app may have.
 */
export const LINKEDIN_BASE_SCOPES = ["openid", "profile", "w_member_social"];

/**
 * The scopes asked for: the member's post statistics (r_member_postAnalytics, the
 * Community Management API's Member Post Statistics) only when the app has LinkedIn's
 * approval for it (LINKEDIN_POST_ANALYTICS = "on"). An app without it that asks is
 * refused at authorization (unauthorized_scope_error), and nobody could connect.
 */
export function linkedInScopes(postAnalytics: boolean): string[] {
  return postAnalytics ? [...LINKEDIN_BASE_SCOPES, MEMBER_ANALYTICS_SCOPE] : [...LINKEDIN_BASE_SCOPES];
}

/**
 * The member's name and handle from /v2/userinfo. Its email claim is there only with
 * the email scope, which this app does not ask for, and an address is not a handle:
 * the handle is the member's name, else its id (sub).
 */
export function linkedInIdentity(profile: { sub: string; name?: string }): { name: string | null; handle: string } {
  const name = typeof profile.name === "string" && profile.name.trim() ? profile.name.trim() : null;
  return { name, handle: name ?? profile.sub };
}

export class LinkedInAdapter implements PlatformAdapter {
  readonly platform = "linkedin" as const;
  readonly usesPkce = false;

  /** LinkedIn cannot say whether a post went out with a processed video: never sent twice (container-poller.ts). */
  readonly reportsPublished = false;
  private readonly scopes: string[];

  constructor(private readonly config: PlatformConfig) {
    this.scopes = linkedInScopes(config.linkedInPostAnalytics === true);
    // Without member post statistics this deployment reads no figures of LinkedIn posts.
    // Not configured, it still tries, so the pull records why it cannot (fail closed).
    const reads = config.linkedInPostAnalytics === true || config.mode === "not_configured";
    this.insightsBatch = reads ? 10 : 0;
  }

  private restHeaders(accessToken: string): Record<string, string> {
    return {
      Authorization: `Bearer ${accessToken}`,
      "LinkedIn-Version": this.config.apiVersion ?? DEFAULT_LINKEDIN_VERSION,
      "X-Restli-Protocol-Version": "2.0.0",
      "Content-Type": "application/json",
    };
  }

  authorizeUrl(request: AuthorizeRequest): string {
    const url = new URL(`${this.config.endpoints.authBase}/oauth/v2/authorization`);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: this.config.clientId,
      redirect_uri: request.redirectUri,
      state: request.state,
      scope: this.scopes.join(" "),
    }).toString();
    return url.toString();
  }

  /** POST /oauth/v2/accessToken (learn.microsoft.com "Authorization Code Flow", "Programmatic Refresh Tokens"). */
  private async token(values: Record<string, string>): Promise<TokenSet> {
    const form = formBody({ ...values, client_id: this.config.clientId, client_secret: this.config.clientSecret });
    const response = await send(
      this.config,
      new Request(`${this.config.endpoints.tokenBase}/oauth/v2/accessToken`, { method: "POST", ...form }),
    );
    if (response.status !== 200) throw untilMidnightUtc(this.config, tokenFailure(this.config, response));
    const body = response.body as Record<string, unknown>;
    return {
      accessToken: String(body.access_token),
      refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : null,
      expiresAt: expiresIn(body.expires_in, this.config.clock()),
      refreshTokenExpiresAt: expiresIn(body.refresh_token_expires_in, this.config.clock()),
      scopes: typeof body.scope === "string" ? body.scope.split(/[ ,]+/).filter(Boolean) : this.scopes,
    };
  }

  async connect(code: string, redirectUri: string): Promise<ConnectedIdentity[]> {
    const tokens = await this.token({ grant_type: "authorization_code", code, redirect_uri: redirectUri });
    // GET /v2/userinfo ("Sign In with LinkedIn using OpenID Connect").
    const response = await send(
      this.config,
      new Request(`${this.config.endpoints.apiBase}/v2/userinfo`, {
        headers: { Authorization: `Bearer ${tokens.accessToken}` },
      }),
    );
    if (response.status !== 200) throw linkedInFailure(this.config, response);
    const profile = response.body as { sub: string; name?: string };
    return [{ platformUserId: profile.sub, ...linkedInIdentity(profile), tokens }];
  }

  refresh(credential: { refreshToken: string | null }): Promise<TokenSet> {
    if (!credential.refreshToken) {
      throw new PlatformError("invalid_grant", "linkedin: no refresh token is stored; reconnect the account");
    }
    return this.token({ grant_type: "refresh_token", refresh_token: credential.refreshToken });
  }

  private async uploadImage(
    accessToken: string,
    owner: string,
    imageUrl: string,
  ): Promise<{ urn: string; calls: number }> {
    // The media first: a refused image costs no call to LinkedIn.
    const bytes = await this.config.fetchMedia(imageUrl, "image_url", LINKEDIN_IMAGE);
    const type = sniffMediaType(bytes);
    if (type?.startsWith("video/")) {
      throw new PlatformError("media", `image_url is a video (${type}); give it as video_url`, { field: "image_url" });
    }
    // Images API: POST /rest/images?action=initializeUpload, then PUT the bytes to uploadUrl.
    const init = await send(
      this.config,
      new Request(`${this.config.endpoints.apiBase}/rest/images?action=initializeUpload`, {
        method: "POST",
        headers: this.restHeaders(accessToken),
        body: JSON.stringify({ initializeUploadRequest: { owner } }),
      }),
    );
    if (init.status !== 200) throw linkedInFailure(this.config, init);
    const value = (init.body as { value: { uploadUrl: string; image: string } }).value;
    const upload = await send(
      this.config,
      new Request(value.uploadUrl, { method: "PUT", headers: { Authorization: `Bearer ${accessToken}` }, body: bytes }),
    );
    if (upload.status >= 300) throw linkedInFailure(this.config, upload);
    return { urn: value.image, calls: 2 };
  }

  async publish(
    accessToken: string,
    platformUserId: string,
    post: PostContent,
  ): Promise<PublishResult | PendingPublish> {
    const author = `urn:li:person:${platformUserId}`;
    if (post.videoUrl) return this.publishVideo(accessToken, author, post);
    let calls = 0;
    let content: Record<string, unknown> | undefined;
    if (post.imageUrl) {
      const image = await this.uploadImage(accessToken, author, post.imageUrl);
      calls += image.calls;
      content = { media: { id: image.urn } };
    }
    const published = await this.createPost(accessToken, author, post.text, content);
    return { ...published, calls: published.calls + calls };
  }

  /** A video: uploaded, then posted once AVAILABLE, now or (still PROCESSING) by the alarm. */
  private async publishVideo(
    accessToken: string,
    author: string,
    post: PostContent,
  ): Promise<PublishResult | PendingPublish> {
    // The media first: a refused video costs no call to LinkedIn.
    const bytes = await fetchVideo(this.config, post.videoUrl as string);
    const headers = this.restHeaders(accessToken);
    const video = await uploadVideo(this.config, headers, author, bytes);
    let checks = 0;
    const status = await waitWhileProcessing(this.config, async () => {
      checks += 1;
      const now = await videoStatus(this.config, headers, video.urn);
      return now === "IN_PROGRESS" ? null : now;
    });
    const calls = video.calls + checks;
    if (status === null) return { kind: "processing", containerId: video.urn, calls };
    if (status !== "FINISHED")
      throw new PlatformError("rejected", `linkedin: the video's processing failed (${status})`);
    const published = await this.createPost(accessToken, author, post.text, { media: { id: video.urn } });
    return { ...published, calls: published.calls + calls };
  }

  /** Posts API, "Create a Text-Only Post" (and with media): POST /rest/posts, answered 201 with the URN in x-restli-id. */
  private async createPost(
    accessToken: string,
    author: string,
    text: string,
    content: Record<string, unknown> | undefined,
  ): Promise<PublishResult> {
    const response = await send(
      this.config,
      new Request(`${this.config.endpoints.apiBase}/rest/posts`, {
        method: "POST",
        headers: this.restHeaders(accessToken),
        body: JSON.stringify({
          author,
          // Little text: escaped, or LinkedIn cuts the post at the first reserved character.
          commentary: toLittleText(text),
          visibility: "PUBLIC",
          distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
          lifecycleState: "PUBLISHED",
          isReshareDisabledByAuthor: false,
          ...(content ? { content } : {}),
        }),
      }),
    );
    if (response.status !== 201) throw untilMidnightUtc(this.config, linkedinCreateFailure(this.config, response));
    const urn = response.headers.get("x-restli-id");
    if (!urn)
      throw new PlatformError("rejected", `linkedin: no post id in the answer (${errorMessage(response.body)})`);
    return { platformPostId: urn, url: `https://www.linkedin.com/feed/update/${urn}`, calls: 1, quota: null };
  }

  /** A processing video's status (GET /rest/videos/{urn}), for the TenantObject's alarm. */
  containerStatus(accessToken: string, urn: string): Promise<ProcessingStatus> {
    return videoStatus(this.config, this.restHeaders(accessToken), urn);
  }

  /** The post of a video that is now AVAILABLE: sent once, by the alarm (container-poller.ts). */
  publishContainer(
    accessToken: string,
    platformUserId: string,
    urn: string,
    post: PostContent,
  ): Promise<PublishResult> {
    return this.createPost(accessToken, `urn:li:person:${platformUserId}`, post.text, { media: { id: urn } });
  }

  async quota(): Promise<null> {
    return null;
  }

  /** Find Posts by Authors, where LinkedIn allows it (./linkedin-recent.ts). */
  findRecent(accessToken: string, memberId: string, limit: number): Promise<RecentPosts> {
    return linkedinRecentPosts(this.config, this.restHeaders(accessToken), memberId, limit);
  }

  /**
   * LinkedIn offers no token revocation to apps: a member withdraws an app's access in
   * their own settings, and its tokens lapse with their lifetime (60 days for an access
   * token). Nothing is sent (docs/privacy.md).
   */
  async revoke(): Promise<RevocationOutcome> {
    return "unsupported";
  }

  /**
   * Five or six calls per post (one per query type): a small batch keeps one run's
   * calls bounded. 0 without member post statistics: nothing is read.
   */
  readonly insightsBatch: number;

  async insights(accessToken: string, _platformUserId: string, urns: string[]): Promise<Map<string, PostMetrics>> {
    const metrics = new Map<string, PostMetrics>();
    if (this.insightsBatch === 0) return metrics;
    const headers = this.restHeaders(accessToken);
    const version = headers["LinkedIn-Version"] as string;
    for (const urn of urns) metrics.set(urn, await memberPostMetrics(this.config, headers, urn, version));
    return metrics;
  }
}
