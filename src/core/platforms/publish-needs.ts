// What a publish needs of an account and of its media, per platform, for the pre-flight
// check of a scheduled post (objects/publishing/preflight.ts): the scopes the publishing
// calls are documented to need, and the media types and sizes each platform takes.
import { INSTAGRAM_IMAGE } from "./instagram-media";
import { LINKEDIN_IMAGE, LINKEDIN_VIDEO, type MediaField, type MediaPolicy, X_IMAGE, X_VIDEO } from "./media";
import type { Platform } from "./types";

/**
 * The scopes the publishing calls need: LinkedIn's POST /rest/posts w_member_social
 * ("Share on LinkedIn"); X's createPosts tweet.read, tweet.write, users.read and its media
 * upload media.write (OpenAPI); the Pages API's pages_manage_posts and
 * pages_read_engagement; Instagram's content publishing instagram_business_basic and
 * instagram_business_content_publish.
 */
export function publishScopes(platform: Platform, withMedia: boolean): string[] {
  switch (platform) {
    case "linkedin":
      return ["w_member_social"];
    case "twitter":
      return ["tweet.read", "tweet.write", "users.read", ...(withMedia ? ["media.write"] : [])];
    case "facebook":
      return ["pages_manage_posts", "pages_read_engagement"];
    case "instagram":
      return ["instagram_business_basic", "instagram_business_content_publish"];
  }
}

const MB = 1024 * 1024;
const GB = 1024 * MB;

/**
 * Facebook Page photos: JPEG, PNG, GIF, TIFF, HEIF, WebP or BMP, under 4 MB (Facebook
 * Help Center, "Photo requirements"; Graph fetches the URL itself).
 */
const FACEBOOK_IMAGE: MediaPolicy = Object.fromEntries(
  ["image/jpeg", "image/png", "image/gif", "image/tiff", "image/heif", "image/webp", "image/bmp"].map((type) => [
    type,
    4 * MB,
  ]),
);
/** Facebook videos: MP4 or MOV, up to 10 GB (Video API, "Video Format and Size"). */
const FACEBOOK_VIDEO: MediaPolicy = { "video/mp4": 10 * GB, "video/quicktime": 10 * GB };
/** Instagram reels: MP4 or MOV, up to 300 MB (Instagram Platform, "Content Publishing": reel specifications). */
const INSTAGRAM_VIDEO: MediaPolicy = { "video/mp4": 300 * MB, "video/quicktime": 300 * MB };

/** What `platform` takes at `field` (the adapters' own policies where they fetch the bytes). */
export function mediaPolicy(platform: Platform, field: MediaField): MediaPolicy {
  const video = field === "video_url";
  switch (platform) {
    case "linkedin":
      return video ? LINKEDIN_VIDEO : LINKEDIN_IMAGE;
    case "twitter":
      return video ? X_VIDEO : X_IMAGE;
    case "facebook":
      return video ? FACEBOOK_VIDEO : FACEBOOK_IMAGE;
    case "instagram":
      return video ? INSTAGRAM_VIDEO : INSTAGRAM_IMAGE;
  }
}
