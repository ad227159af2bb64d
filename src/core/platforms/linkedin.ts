// LinkedIn: OAuth 2.0 (3-legged) and the versioned REST Posts API. A post is
// published as the member (urn:li:person:{id}); an image is uploaded through the
// Images API first and referenced by its urn. Sources: learn.microsoft.com, LinkedIn
// Marketing (Posts API, Images API, Little Text Format, Member Post Statistics,
// Versioning) and LinkedIn's own client linkedin-developers/linkedin-api-js-client
// (examples/create-posts.ts: 201 and the post's URN in x-restli-id).
import type { PlatformConfig } from "./config";
import { PlatformError } from "./errors";
import { errorMessage, expiresIn, failure, formBody, send, tokenFailure } from "./http";
import { memberPostMetrics } from "./linkedin-insights";
import { linkedinCreateFailure, linkedinRecentPosts } from "./linkedin-recent";
import { toLittleText } from "./linkedin-text";
import { DEFAULT_LINKEDIN_VERSION } from "./linkedin-version";
import { LINKEDIN_IMAGE } from "./media";
import type { RecentPosts } from "./recent-posts";
import type {
  AuthorizeRequest,
  ConnectedIdentity,
  PlatformAdapter,
  PostContent,
  PostMetrics,
  PublishResult,
  RevocationOutcome,
  TokenSet,
} from "./types";

/**
 * Sign-in (openid, profile: "Sign In with LinkedIn using OpenID Connect"), posting as
 * the member (w_member_social: "Share on LinkedIn") and the member's post statistics
 * (r_member_postAnalytics: Community Management API, Member Post Statistics).
 */
export const LINKEDIN_SCOPES = ["openid", "profile", "w_member_social", "r_member_postAnalytics"];
const SCOPES = LINKEDIN_SCOPES;

export class LinkedInAdapter implements PlatformAdapter {
  readonly platform = "linkedin" as const;
  readonly usesPkce = false;

  constructor(private readonly config: PlatformConfig) {}

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
      scope: SCOPES.join(" "),
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
    if (response.status !== 200) throw tokenFailure(this.config, response);
    const body = response.body as Record<string, unknown>;
    return {
      accessToken: String(body.access_token),
      refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : null,
      expiresAt: expiresIn(body.expires_in, this.config.clock()),
      refreshTokenExpiresAt: expiresIn(body.refresh_token_expires_in, this.config.clock()),
      scopes: typeof body.scope === "string" ? body.scope.split(/[ ,]+/).filter(Boolean) : SCOPES,
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
    if (response.status !== 200) throw failure(this.config, response);
    const profile = response.body as { sub: string; name?: string; email?: string };
    return [{ platformUserId: profile.sub, name: profile.name ?? null, handle: profile.email ?? null, tokens }];
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
    // Images API: POST /rest/images?action=initializeUpload, then PUT the bytes to uploadUrl.
    const init = await send(
      this.config,
      new Request(`${this.config.endpoints.apiBase}/rest/images?action=initializeUpload`, {
        method: "POST",
        headers: this.restHeaders(accessToken),
        body: JSON.stringify({ initializeUploadRequest: { owner } }),
      }),
    );
    if (init.status !== 200) throw failure(this.config, init);
    const value = (init.body as { value: { uploadUrl: string; image: string } }).value;
    const upload = await send(
      this.config,
      new Request(value.uploadUrl, { method: "PUT", headers: { Authorization: `Bearer ${accessToken}` }, body: bytes }),
    );
    if (upload.status >= 300) throw failure(this.config, upload);
    return { urn: value.image, calls: 2 };
  }

  async publish(accessToken: string, platformUserId: string, post: PostContent): Promise<PublishResult> {
    const author = `urn:li:person:${platformUserId}`;
    let calls = 1;
    let content: Record<string, unknown> | undefined;
    if (post.imageUrl) {
      const image = await this.uploadImage(accessToken, author, post.imageUrl);
      calls += image.calls;
      content = { media: { id: image.urn } };
    }
    // Posts API, "Create a Text-Only Post" (learn.microsoft.com): POST /rest/posts,
    // answered 201 with the post's URN in x-restli-id.
    const response = await send(
      this.config,
      new Request(`${this.config.endpoints.apiBase}/rest/posts`, {
        method: "POST",
        headers: this.restHeaders(accessToken),
        body: JSON.stringify({
          author,
          // Little text: escaped, or LinkedIn cuts the post at the first reserved character.
          commentary: toLittleText(post.text),
          visibility: "PUBLIC",
          distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
          lifecycleState: "PUBLISHED",
          isReshareDisabledByAuthor: false,
          ...(content ? { content } : {}),
        }),
      }),
    );
    if (response.status !== 201) throw linkedinCreateFailure(this.config, response);
    const urn = response.headers.get("x-restli-id");
    if (!urn)
      throw new PlatformError("rejected", `linkedin: no post id in the answer (${errorMessage(response.body)})`);
    return { platformPostId: urn, url: `https://www.linkedin.com/feed/update/${urn}`, calls, quota: null };
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

  /** Five calls per post (one per query type): a small batch keeps one run's calls bounded. */
  readonly insightsBatch = 10;

  async insights(accessToken: string, _platformUserId: string, urns: string[]): Promise<Map<string, PostMetrics>> {
    const headers = this.restHeaders(accessToken);
    const metrics = new Map<string, PostMetrics>();
    for (const urn of urns) metrics.set(urn, await memberPostMetrics(this.config, headers, urn));
    return metrics;
  }
}
