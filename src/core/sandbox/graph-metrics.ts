// Which post insights metrics Graph still answers (developers.facebook.com, Pages
// API, Page Insights "Deprecated metrics"): post_impressions, post_impressions_unique
// and the other post_impressions_* were deprecated on every version (replaced by
// post_media_view and post_total_media_view_unique); asking for one is an
// invalid-metric error (#100) for the whole request.

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
