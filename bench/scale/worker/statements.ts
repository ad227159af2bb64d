// The Worker's hot statements, each run through the function the Worker itself calls
// (src/core/db), for one generated tenant. A statement's name says what the API does with
// it; the route that answers is beside it in docs/benchmarks.md's table.
import type { Benchmarks } from "../../../objects/analytics/benchmarks";
import { listAuditLogs } from "../../../src/core/db/audit-list";
import { getContent, listContent } from "../../../src/core/db/content";
import { attributionsOf } from "../../../src/core/db/conversion-attributions";
import { listConversions, sessionPageViews } from "../../../src/core/db/conversions";
import { engagementCounts } from "../../../src/core/db/post-engagement";
import { publicationTimes, requestStatuses } from "../../../src/core/db/post-references";
import { listPublishRequests } from "../../../src/core/db/publish-request-list";
import { cancelAccountSchedules, getPublishRequest } from "../../../src/core/db/publish-requests";
import { listBenchmarks } from "../../../src/core/db/reports/benchmarks";
import { viralPosts } from "../../../src/core/db/reports/viral-posts";
import { openSyncError, resolveSyncError, retrySyncError } from "../../../src/core/db/sync-errors";
import type { TenantScope } from "../../../src/core/db/tenant-scope";
import { PLATFORMS } from "../../../src/core/platforms/types";
import type { GeneratedTenant } from "./generate";

const DAY_MS = 86_400_000;

export interface MeasuredStatement {
  name: string;
  /** Statements that read (lists, reports, lookups) are held to 2 × rows returned + 100. */
  kind: "read" | "write";
  run: (scope: TenantScope) => Promise<unknown>;
}

function since(days: number): string {
  return new Date(Date.now() - days * DAY_MS).toISOString();
}

/** Every measured statement for `t`; `benchmarks` makes the flush's benchmark keeper on a scope. */
export function statementsFor(t: GeneratedTenant, benchmarks: (scope: TenantScope) => Benchmarks): MeasuredStatement[] {
  const s = t.samples;
  const post = s.publishedPostIds[0] as string;
  const account = t.accounts[0]?.id as string;
  const read = (name: string, run: MeasuredStatement["run"]): MeasuredStatement => ({ name, kind: "read", run });
  const write = (name: string, run: MeasuredStatement["run"]): MeasuredStatement => ({ name, kind: "write", run });
  const list: MeasuredStatement[] = [
    read("posts: page 1 (GET /v1/posts)", (scope) => listPublishRequests(scope, { limit: 50 })),
    read("posts: page in the middle (cursor)", (scope) =>
      listPublishRequests(scope, { beforeId: s.middleRequestId, limit: 50 }),
    ),
    read("posts: status=failed", (scope) => listPublishRequests(scope, { status: "failed", limit: 50 })),
    read("posts: status=published", (scope) => listPublishRequests(scope, { status: "published", limit: 50 })),
    read("posts: account_id=", (scope) => listPublishRequests(scope, { accountId: account, limit: 100 })),
    read("posts: platform=", (scope) => listPublishRequests(scope, { platform: "twitter", limit: 100 })),
    read("posts: one (GET /v1/posts/{id})", (scope) => getPublishRequest(scope, post)),
    read("audit: page 1 (GET /v1/audit-logs)", (scope) => listAuditLogs(scope, {}, { limit: 50 })),
    read("audit: page in the middle (cursor)", (scope) =>
      listAuditLogs(scope, {}, { limit: 50, ...(s.middleAudit ? { after: s.middleAudit } : {}) }),
    ),
    read("audit: action= (rare)", (scope) => listAuditLogs(scope, { action: "template.update" }, { limit: 50 })),
    read("audit: action= (common)", (scope) => listAuditLogs(scope, { action: "post.publish" }, { limit: 50 })),
    read("audit: user_id=", (scope) => listAuditLogs(scope, { userId: t.users[0] as string }, { limit: 50 })),
    read("audit: resource_type= & resource_id=", (scope) =>
      listAuditLogs(scope, { resourceType: "post", resourceId: post }, { limit: 50 }),
    ),
    read("audit: resource_type=", (scope) => listAuditLogs(scope, { resourceType: "template" }, { limit: 50 })),
    read("audit: success=false", (scope) => listAuditLogs(scope, { success: false }, { limit: 50 })),
    read("audit: from= & to= (one day, a month ago)", (scope) =>
      listAuditLogs(scope, { from: since(31), to: since(30) }, { limit: 50 }),
    ),
    read("content: page 1 (GET /v1/content)", (scope) => listContent(scope, {}, { limit: 50 })),
    read("content: page in the middle (cursor)", (scope) =>
      listContent(scope, {}, { limit: 50, ...(s.middleContent ? { after: s.middleContent } : {}) }),
    ),
    read("content: request_id=", (scope) =>
      listContent(scope, { requestId: s.contentRequestId ?? "none" }, { limit: 50 }),
    ),
    read("content: skill_id=", (scope) => listContent(scope, { skillId: t.skills[0] as string }, { limit: 50 })),
    read("content: selected=true", (scope) => listContent(scope, { selected: true }, { limit: 50 })),
    read("content: approved=true", (scope) => listContent(scope, { approved: true }, { limit: 50 })),
    read("content: one", (scope) => getContent(scope, s.contentId ?? "none")),
    read("conversions: page 1", (scope) => listConversions(scope, {}, { limit: 50 })),
    read("conversions: post_id=", (scope) => listConversions(scope, { postId: post }, { limit: 50 })),
    read("conversions: type=purchase", (scope) => listConversions(scope, { type: "purchase" }, { limit: 50 })),
    read("conversions: session's page views (attribution)", (scope) =>
      sessionPageViews(scope, s.sessionId ?? "none", { since: since(400), until: since(-1), limit: 99 }),
    ),
    read("conversions: credit of a page of conversions", (scope) =>
      attributionsOf(scope, s.conversionId ? [s.conversionId] : []),
    ),
    read("report: viral posts, 365 days", (scope) =>
      viralPosts(scope, { since: since(365), limit: 50, nowMs: Date.now() }),
    ),
    read("report: viral posts, 30 days", (scope) =>
      viralPosts(scope, { since: since(30), limit: 50, nowMs: Date.now() }),
    ),
    // ROI by campaign: answered by the TenantObject's running totals (./roi-ledger.ts).
    read("report: benchmarks (GET /v1/analytics/benchmarks)", (scope) => listBenchmarks(scope)),
    read("lookup: engagement of 3 posts (A/B test)", (scope) => engagementCounts(scope, s.publishedPostIds)),
    read("lookup: publication times of 3 posts", (scope) => publicationTimes(scope, s.postIds)),
    read("lookup: request statuses of 3 posts", (scope) => requestStatuses(scope, s.postIds)),
    // Reads every post of the last 90 days per platform (they are its answer), writes 4 rows.
    read("flush: benchmark recompute, 4 platforms", (scope) => benchmarks(scope).recompute([...PLATFORMS], Date.now())),
    write("sync error: open", (scope) =>
      scope.db.batch([
        openSyncError(
          scope,
          {
            errorId: `se_bench${Date.now()}`,
            postId: post,
            platform: "linkedin",
            type: "api_error",
            message: "bench",
          },
          new Date().toISOString(),
        ),
      ]),
    ),
    write("sync error: retry", (scope) =>
      scope.db.batch([retrySyncError(scope, s.syncErrorId ?? "none", { type: "api_error", message: "bench" })]),
    ),
    write("sync error: resolve", (scope) =>
      scope.db.batch([resolveSyncError(scope, s.syncErrorId ?? "none", new Date().toISOString())]),
    ),
    write("account disconnected: its schedules cancelled", (scope) =>
      scope.db.batch([cancelAccountSchedules(scope, account, new Date().toISOString())]),
    ),
    // No route deletes generated content yet; a move and retention do, and SQLite then
    // checks every table whose foreign key names it (the bench's own statement).
    write("generated content: delete an unselected candidate (foreign-key checks)", (scope) =>
      scope.db.batch([
        scope.db
          .prepare("DELETE FROM generated_content WHERE tenant_id = ? AND content_id = ? AND user_selected = 0")
          .bind(scope.tenantId, s.contentId ?? "none"),
      ]),
    ),
  ];
  return list;
}
