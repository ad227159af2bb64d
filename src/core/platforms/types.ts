// What every platform adapter speaks: one interface over LinkedIn, X, Facebook Pages
// and Instagram, whatever their wire formats.
import type { RecentPosts } from "./recent-posts";

export const PLATFORMS = ["linkedin", "twitter", "facebook", "instagram"] as const;
/** The seed's platform identifiers; "twitter" is X. */
export type Platform = (typeof PLATFORMS)[number];
/** What a template or skill targets (the schema's CHECK): one of the platforms, or "all". */
export const CONTENT_PLATFORMS = [...PLATFORMS, "all"] as const;
export type ContentPlatform = (typeof CONTENT_PLATFORMS)[number];

export interface TokenSet {
  accessToken: string;
  /** Null when the platform issued none (the stored one is then kept). */
  refreshToken: string | null;
  /** When the access token stops working; null when it does not expire. */
  expiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
  scopes: string[];
}

export interface PlatformIdentity {
  /** The id posts are published as: a person, an X user, a Facebook Page, an IG user. */
  platformUserId: string;
  name: string | null;
  handle: string | null;
}

/** One connectable identity and its tokens (Facebook can yield one per Page). */
export interface ConnectedIdentity extends PlatformIdentity {
  tokens: TokenSet;
}

export interface PostContent {
  text: string;
  imageUrl: string | null;
  videoUrl: string | null;
}

/** What a platform said about the caller's remaining quota, when it said anything. */
export interface QuotaReport {
  /** Calls or posts left until `resetAtMs`, when the platform counts them. */
  remaining: number | null;
  /** The share of the quota used (0 to 1), when the platform reports a percentage (Facebook). */
  usedFraction?: number;
  resetAtMs: number;
  /** The platform's own limit for that span, when reported. */
  limit: number | null;
  source: string;
}

export interface PublishResult {
  platformPostId: string;
  url: string | null;
  /** How many calls the publish made (Facebook's limit counts calls). */
  calls: number;
  quota: QuotaReport | null;
}

/**
 * A publish the platform has accepted but not finished: an Instagram container (a
 * reel, or an image not FINISHED in time), a Facebook video whose Page post is not
 * there yet, an X GIF or video upload, a LinkedIn video, still processing. The TenantObject's
 * alarm completes it (objects/publishing/container-poller.ts), always with this same
 * container (the media's id at the platform).
 */
export interface PendingPublish {
  kind: "processing";
  containerId: string;
  calls: number;
}

/**
 * Where a pending publish's media stands, in Instagram's container vocabulary
 * (reference/ig-container status_code), which X's processing_info states and
 * LinkedIn's video statuses are read into: still processing, ready, failed, too old,
 * or (Instagram only) already published.
 */
export type ProcessingStatus = "IN_PROGRESS" | "FINISHED" | "ERROR" | "EXPIRED" | "PUBLISHED";

export function isPending(result: PublishResult | PendingPublish): result is PendingPublish {
  return (result as PendingPublish).kind === "processing";
}

export interface PostMetrics {
  likes: number;
  comments: number;
  shares: number;
  saves: number;
  clicks: number;
  bookmarks: number;
  impressions: number;
  reach: number;
  uniqueImpressions: number;
  videoViews: number | null;
  videoAvgWatchTime: number | null;
  videoCompleteViews: number | null;
  followers: number | null;
}

export interface AuthorizeRequest {
  state: string;
  redirectUri: string;
  /** S256 challenge, for platforms that use PKCE (X). */
  codeChallenge: string | null;
}

export interface RefreshCredential {
  refreshToken: string | null;
  accessToken: string;
  platformUserId: string;
}

/** What the platform granted one connected identity: the tokens revoke() asks it to forget. */
export interface PlatformGrant {
  accessToken: string;
  /** The stored refresh token (Facebook: the long-lived user token); null when none. */
  refreshToken: string | null;
  platformUserId: string;
}

/**
 * "revoked": the platform took the revocation; "unsupported": it offers no way to ask
 * (LinkedIn), so nothing was sent. A refusal or failure is a PlatformError.
 */
export type RevocationOutcome = "revoked" | "unsupported";

export interface PlatformAdapter {
  readonly platform: Platform;
  /** X uses PKCE with S256. */
  readonly usesPkce: boolean;
  authorizeUrl(request: AuthorizeRequest): string;
  /** Exchanges an authorization code for the identities it grants and their tokens. */
  connect(code: string, redirectUri: string, codeVerifier: string | null): Promise<ConnectedIdentity[]>;
  /**
   * Renews the tokens of an identity. `refreshToken` is the stored refresh token, or
   * for platforms that renew with the access token itself, that token.
   */
  refresh(credential: RefreshCredential): Promise<TokenSet>;
  /** The post published, or (a video, an X GIF) accepted and still processing. */
  publish(accessToken: string, platformUserId: string, post: PostContent): Promise<PublishResult | PendingPublish>;
  /** Where a pending publish's media stands (adapters whose publish may be pending). */
  containerStatus?(accessToken: string, containerId: string): Promise<ProcessingStatus>;
  /** Publishes a pending publish once its media is FINISHED, with the post's content. */
  publishContainer?(
    accessToken: string,
    platformUserId: string,
    containerId: string,
    post: PostContent,
  ): Promise<PublishResult>;
  /**
   * False when the platform cannot say its media was published (no PUBLISHED status:
   * X, LinkedIn): a publishContainer whose answer was lost is then never sent again.
   * Absent: it can (Instagram's containers say PUBLISHED).
   */
  readonly reportsPublished?: boolean;
  /**
   * True when the upload itself publishes the post once the media is processed (a
   * Facebook video: publishContainer only reads its Page post): a post still processing
   * at the deadline may yet appear, so it is recorded unknown, not failed.
   */
  readonly publishesWhenProcessed?: boolean;
  /** The platform's own publishing quota, for platforms that expose it (Instagram). */
  quota(accessToken: string, platformUserId: string): Promise<QuotaReport | null>;
  /**
   * Most posts one insights call may name; 0 when this deployment reads no figures of
   * the platform (LinkedIn without member post statistics): its posts are not pulled.
   */
  readonly insightsBatch: number;
  /**
   * The figures of several posts of one identity, in one call (the platforms' batch
   * reads). A post the platform did not return (deleted, unknown) is absent.
   */
  insights(accessToken: string, platformUserId: string, platformPostIds: string[]): Promise<Map<string, PostMetrics>>;
  /**
   * Asks the platform to forget the app's grant (a tenant's erasure: docs/privacy.md).
   * Resolves when the platform took it, or at once with "unsupported" where it offers
   * no revocation.
   */
  revoke(grant: PlatformGrant): Promise<RevocationOutcome>;
  /**
   * The account's latest posts, newest first (at most `limit`), through the platform's
   * documented read of them, to learn whether a publish whose answer was lost went out
   * (./recent-posts.ts, docs/publishing.md "Reconciliation"). "unsupported" where the
   * platform gives this app no such read.
   */
  findRecent(accessToken: string, platformUserId: string, limit: number): Promise<RecentPosts>;
}
