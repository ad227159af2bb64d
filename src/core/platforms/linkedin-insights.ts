// A LinkedIn member post's statistics: the memberCreatorPostAnalytics finder
// (learn.microsoft.com, LinkedIn Marketing, Community Management > Members > "Member
// Post Statistics"): GET /rest/memberCreatorPostAnalytics?q=entity&entity=(share:URN)
// &queryType=TYPE&aggregation=TOTAL, scope r_member_postAnalytics, ONE queryType per
// call (IMPRESSION, MEMBERS_REACHED, RESHARE, REACTION, COMMENT, and POST_SAVE from the
// version that documents it: linkedin-version.ts), answering
// { elements: [{ count, metricType, targetEntity }], paging }. socialMetadata is not
// used: it needs r_member_social, which LinkedIn grants to select developers only
// (Shares > "Social Metadata API"), and it has reactions and comments only.
import type { PlatformConfig } from "./config";
import { send } from "./http";
import { linkedInFailure } from "./linkedin-limits";
import { offersPostSave } from "./linkedin-version";
import type { PostMetrics } from "./types";

export const MEMBER_ANALYTICS_SCOPE = "r_member_postAnalytics";
export const MEMBER_QUERY_TYPES = ["IMPRESSION", "MEMBERS_REACHED", "REACTION", "COMMENT", "RESHARE"] as const;
export type MemberQueryType = (typeof MEMBER_QUERY_TYPES)[number] | "POST_SAVE";

/** The query types asked at `version`: POST_SAVE too where it is offered. */
export function memberQueryTypes(version: string): MemberQueryType[] {
  return offersPostSave(version) ? [...MEMBER_QUERY_TYPES, "POST_SAVE"] : [...MEMBER_QUERY_TYPES];
}

/** The finder's entity for a post URN: a Rest.li union, (share:…) or (ugc:…), the URN encoded. */
export function analyticsEntity(urn: string): string {
  const member = urn.startsWith("urn:li:ugcPost:") ? "ugc" : "share";
  return `(${member}:${encodeURIComponent(urn)})`;
}

/** The documented request for one post and one query type. */
export function memberAnalyticsUrl(apiBase: string, urn: string, queryType: MemberQueryType): string {
  return `${apiBase}/rest/memberCreatorPostAnalytics?q=entity&entity=${analyticsEntity(urn)}&queryType=${queryType}&aggregation=TOTAL`;
}

/** One query type's total for one post (0 when LinkedIn has no data point yet). */
async function memberCount(
  config: PlatformConfig,
  headers: Record<string, string>,
  urn: string,
  queryType: MemberQueryType,
): Promise<number> {
  const response = await send(
    config,
    new Request(memberAnalyticsUrl(config.endpoints.apiBase, urn, queryType), { headers }),
  );
  if (response.status !== 200) throw linkedInFailure(config, response);
  const elements = (response.body as { elements?: { count?: number }[] } | null)?.elements ?? [];
  return elements.reduce((sum, element) => sum + (element.count ?? 0), 0);
}

/** A member post's figures: one call per query type (`version`'s), made one after another. */
export async function memberPostMetrics(
  config: PlatformConfig,
  headers: Record<string, string>,
  urn: string,
  version: string,
): Promise<PostMetrics> {
  const counts = {} as Record<MemberQueryType, number>;
  for (const queryType of memberQueryTypes(version)) {
    counts[queryType] = await memberCount(config, headers, urn, queryType);
  }
  return {
    likes: counts.REACTION,
    comments: counts.COMMENT,
    shares: counts.RESHARE,
    saves: counts.POST_SAVE ?? 0,
    // Clicks are reported for organization posts only (organizationalEntityShareStatistics).
    clicks: 0,
    bookmarks: 0,
    impressions: counts.IMPRESSION,
    reach: counts.MEMBERS_REACHED,
    uniqueImpressions: counts.MEMBERS_REACHED,
    videoViews: null,
    videoAvgWatchTime: null,
    videoCompleteViews: null,
    followers: null,
  };
}
