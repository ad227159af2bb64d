// The sandbox's memberCreatorPostAnalytics entity finder (learn.microsoft.com,
// LinkedIn Marketing, Community Management > Members > "Member Post Statistics"):
// q=entity, entity=(share:URN) or (ugc:URN), ONE queryType (IMPRESSION,
// MEMBERS_REACHED, RESHARE, REACTION, COMMENT, and POST_SAVE at the versions that
// document it: linkedin-versions.ts), aggregation TOTAL or DAILY; the answer is
// { paging, elements: [{ count, metricType, targetEntity }] }.
import { fail, type SandboxContext } from "./context";
import type { SandboxMetrics } from "./engagement";
import { ownPosts } from "./insight-reads";
import { offersPostSave } from "./linkedin-versions";

const QUERY_TYPES = ["IMPRESSION", "MEMBERS_REACHED", "RESHARE", "REACTION", "COMMENT", "POST_SAVE"] as const;
type QueryType = (typeof QUERY_TYPES)[number];

const ENTITY = /^\((share|ugc):(urn:li:(?:share|ugcPost):[A-Za-z0-9_-]+)\)$/;

function countOf(metrics: SandboxMetrics, queryType: QueryType): number {
  switch (queryType) {
    case "IMPRESSION":
      return metrics.impressions;
    case "MEMBERS_REACHED":
      return metrics.reach;
    case "REACTION":
      return metrics.likes;
    case "COMMENT":
      return metrics.comments;
    case "RESHARE":
      return metrics.shares;
    case "POST_SAVE":
      return metrics.saves;
  }
}

/** The query types LinkedIn takes at `version`. */
function queryTypesAt(version: string): readonly QueryType[] {
  return offersPostSave(version) ? QUERY_TYPES : QUERY_TYPES.filter((type) => type !== "POST_SAVE");
}

export function memberAnalytics(ctx: SandboxContext, userId: string, url: URL, version: string): Response {
  const params = url.searchParams;
  if (params.get("q") !== "entity") return fail(ctx, "bad_request", "q must be entity (or me)");
  const entity = ENTITY.exec(params.get("entity") ?? "");
  if (!entity) return fail(ctx, "bad_request", "entity must be (share:urn:li:share:…) or (ugc:urn:li:ugcPost:…)");
  const queryTypes = params.getAll("queryType");
  const queryType = queryTypes[0] as QueryType;
  const offered = queryTypesAt(version);
  if (queryTypes.length !== 1 || !(offered as readonly string[]).includes(queryType)) {
    return fail(ctx, "bad_request", `queryType must be one of ${offered.join(", ")}, one per call`);
  }
  const aggregation = params.get("aggregation") ?? "TOTAL";
  if (aggregation !== "TOTAL" && aggregation !== "DAILY") {
    return fail(ctx, "bad_request", "aggregation must be TOTAL or DAILY");
  }
  const urn = entity[2] as string;
  const own = ownPosts(ctx, userId).figures(urn.split(":").pop() ?? "");
  if (!own) return fail(ctx, "forbidden", "The member is not the author of this post");
  return Response.json({
    paging: { start: 0, count: 10, links: [] },
    elements: [
      {
        count: countOf(own.metrics, queryType),
        metricType: queryType,
        targetEntity: { [entity[1] === "ugc" ? "ugcPost" : "share"]: urn },
      },
    ],
  });
}
