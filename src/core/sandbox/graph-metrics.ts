// Which insights metrics Graph answers. Pages (developers.facebook.com, Pages API, Page
// Insights "Deprecated metrics"): post_impressions, post_impressions_unique and the
// other post_impressions_* were deprecated on every version (replaced by
// post_media_view and post_total_media_view_unique); asking for one is an
// invalid-metric error (#100) for the whole request. Instagram media: below.

/** Post metrics the sandbox knows Graph to answer. */
const VALID_POST_METRICS = new Set([
  "post_media_view",
  "post_total_media_view_unique",
  "post_clicks",
  "post_clicks_by_type",
  "post_reactions_by_type_total",
  "post_video_views",
]);

/** The metrics named in `fields`' insights.metric(...) that Graph would refuse. */
export function invalidMetrics(fields: string): string[] {
  const list = /insights\.metric\(([^)]*)\)/.exec(fields)?.[1];
  if (list === undefined) return [];
  return list
    .split(",")
    .map((name) => name.trim())
    .filter((name) => !VALID_POST_METRICS.has(name));
}

/**
 * Media metrics the Instagram API with Instagram Login answers for a post or reel
 * (reference/instagram-media/insights). impressions, plays and the other metrics Meta
 * deprecated for media are refused, as is any name it does not know.
 */
const VALID_MEDIA_METRICS = new Set([
  "comments",
  "follows",
  "likes",
  "profile_activity",
  "profile_visits",
  "reach",
  "saved",
  "shares",
  "total_interactions",
  "views",
  "ig_reels_avg_watch_time",
  "ig_reels_video_view_total_time",
]);

/** The metrics of a media insights read that Graph would refuse. */
export function invalidMediaMetrics(metrics: string[]): string[] {
  return metrics.filter((name) => !VALID_MEDIA_METRICS.has(name.trim()));
}
