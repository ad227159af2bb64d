// The shard's reads (./statements.ts): every list, report and lookup of src/core/db on one
// tenant, each filter of a list alone and the combinations the API's clients send.

import { Benchmarks } from "../../../objects/analytics/benchmarks";
import { getAbTest, listAbTests } from "../../../src/core/db/ab-tests";
import { descendantKeyIds, getApiKey, listApiKeys } from "../../../src/core/db/api-keys";
import { listAuditLogs } from "../../../src/core/db/audit-list";
import { getBrandProfile } from "../../../src/core/db/brand-profiles";
import { claimedPostIds } from "../../../src/core/db/claimed-posts";
import { contentExists, getContent, listContent } from "../../../src/core/db/content";
import { contentGateFacts } from "../../../src/core/db/content-gates";
import { attributionsOf } from "../../../src/core/db/conversion-attributions";
import { getConversion, getConversionByKey, listConversions, sessionPageViews } from "../../../src/core/db/conversions";
import { findKeyCredential, findSessionCredential } from "../../../src/core/db/credentials";
import { listGuardResults } from "../../../src/core/db/guard-results";
import { activeEntriesById, indexedEntry, KNOWLEDGE } from "../../../src/core/db/knowledge";
import { findStarter } from "../../../src/core/db/oauth-starter";
import { benchmarkInputs } from "../../../src/core/db/post-analytics";
import { configurationForPost, POST_CONFIGURATIONS } from "../../../src/core/db/post-configurations";
import { engagementCounts } from "../../../src/core/db/post-engagement";
import { publicationTimes, requestStatuses } from "../../../src/core/db/post-references";
import { listPostRevisions } from "../../../src/core/db/post-revisions";
import { listPublishRequests } from "../../../src/core/db/publish-request-list";
import { getPublishRequest } from "../../../src/core/db/publish-requests";
import { quotaCounts } from "../../../src/core/db/quota-counts";
import { listBenchmarks } from "../../../src/core/db/reports/benchmarks";
import { viralPosts } from "../../../src/core/db/reports/viral-posts";
import { getRevision, listRevisions } from "../../../src/core/db/revision-events";
import { readAppliedSchema } from "../../../src/core/db/schema-version";
import { findAccountByIdentity, getAccount, listAccounts } from "../../../src/core/db/social-accounts";
import { TEMPLATES } from "../../../src/core/db/templates";
import { getRow, pageRows } from "../../../src/core/db/tenant-rows";
import { activeUserIds, findUserByEmail, getUser, listUsers } from "../../../src/core/db/users";
import { PLATFORMS } from "../../../src/core/platforms/types";
import type { CaseContext, StatementCase } from "./statements";

const DAY_MS = 86_400_000;

function ago(ctx: CaseContext, days: number): string {
  return new Date(ctx.nowMs - days * DAY_MS).toISOString();
}

type Run = (ctx: CaseContext) => Promise<unknown>;

const read = (name: string, run: Run): StatementCase => ({ name, kind: "read", database: "shard", run });

/** The tenant's first user's e-mail, as the generator made it. */
function email(ctx: CaseContext): string {
  return `user0@${ctx.tenant.tenantId.toLowerCase()}.example`;
}

export function readCases(): StatementCase[] {
  const s = (ctx: CaseContext) => ctx.tenant.samples;
  const post = (ctx: CaseContext) => s(ctx).publishedPostIds[0] as string;
  const account = (ctx: CaseContext) => ctx.tenant.accounts[0] as { id: string; platform: (typeof PLATFORMS)[number] };
  const user = (ctx: CaseContext) => ctx.tenant.users[0] as string;
  return [
    // Posts (GET /v1/posts).
    read("posts: page 1 (GET /v1/posts)", (ctx) => listPublishRequests(ctx.scope, { limit: 50 })),
    read("posts: page in the middle (cursor)", (ctx) =>
      listPublishRequests(ctx.scope, { beforeId: s(ctx).middleRequestId, limit: 50 }),
    ),
    read("posts: status=failed", (ctx) => listPublishRequests(ctx.scope, { status: "failed", limit: 50 })),
    // Reconciling an unknown outcome: which of a page of the platform's posts are already others'.
    read("posts: platform ids already claimed (reconciliation)", async (ctx) => {
      const claimed = await ctx.raw.shard
        .prepare("SELECT account_id, platform_post_id FROM published_posts WHERE tenant_id = ? LIMIT 20")
        .bind(ctx.tenant.tenantId)
        .all<{ account_id: string; platform_post_id: string }>();
      const first = claimed.results[0];
      return claimedPostIds(
        ctx.scope,
        first?.account_id ?? "none",
        claimed.results.filter((row) => row.account_id === first?.account_id).map((row) => row.platform_post_id),
        "post_none",
      );
    }),
    read("posts: status=scheduled", (ctx) => listPublishRequests(ctx.scope, { status: "scheduled", limit: 50 })),
    read("posts: status=held", (ctx) => listPublishRequests(ctx.scope, { status: "held", limit: 50 })),
    read("posts: status=published", (ctx) => listPublishRequests(ctx.scope, { status: "published", limit: 50 })),
    read("posts: account_id=", (ctx) => listPublishRequests(ctx.scope, { accountId: account(ctx).id, limit: 100 })),
    read("posts: account_id= & status=scheduled", (ctx) =>
      listPublishRequests(ctx.scope, { accountId: account(ctx).id, status: "scheduled", limit: 50 }),
    ),
    read("posts: platform=", (ctx) => listPublishRequests(ctx.scope, { platform: "twitter", limit: 100 })),
    // The approval queue, and a waiting post's versions (docs/approvals.md).
    read("posts: status=pending_approval (the approval queue)", (ctx) =>
      listPublishRequests(ctx.scope, { status: "pending_approval", limit: 50 }),
    ),
    read("posts: status=rejected", (ctx) => listPublishRequests(ctx.scope, { status: "rejected", limit: 50 })),
    read("posts: a waiting post's revisions (GET /v1/posts/{id}/revisions)", (ctx) =>
      listPostRevisions(ctx.scope, s(ctx).pendingPostId ?? "none", { limit: 50 }),
    ),
    read("posts: a published post's revisions, after a cursor", async (ctx) => {
      const [approved] = (
        await ctx.raw.shard
          .prepare(
            `SELECT request_id FROM publish_requests
             WHERE tenant_id = ? AND status = 'published' AND decided_by IS NOT NULL LIMIT 1`,
          )
          .bind(ctx.tenant.tenantId)
          .all<{ request_id: string }>()
      ).results;
      return listPostRevisions(ctx.scope, approved?.request_id ?? "none", { afterId: "rev_0", limit: 1 });
    }),
    // Scheduled posts the pre-flight check found at risk (GET /v1/posts?at_risk=true).
    read("posts: at_risk=true", (ctx) => listPublishRequests(ctx.scope, { atRisk: true, limit: 50 })),
    // An account with none at risk: by the account's index, every post of it was read.
    read("posts: at_risk=true & account_id= & cursor (an account with none)", (ctx) =>
      listPublishRequests(ctx.scope, {
        atRisk: true,
        accountId: account(ctx).id,
        beforeId: `post_${"Z".repeat(26)}`,
        limit: 50,
      }),
    ),
    read("posts: one (GET /v1/posts/{id})", (ctx) => getPublishRequest(ctx.scope, post(ctx))),
    // The audit trail (GET /v1/audit-logs).
    read("audit: page 1 (GET /v1/audit-logs)", (ctx) => listAuditLogs(ctx.scope, {}, { limit: 50 })),
    read("audit: page in the middle (cursor)", (ctx) =>
      listAuditLogs(
        ctx.scope,
        {},
        { limit: 50, ...(s(ctx).middleAudit ? { after: s(ctx).middleAudit ?? undefined } : {}) },
      ),
    ),
    read("audit: action= (rare)", (ctx) => listAuditLogs(ctx.scope, { action: "template.update" }, { limit: 50 })),
    read("audit: action= (common)", (ctx) => listAuditLogs(ctx.scope, { action: "post.publish" }, { limit: 50 })),
    read("audit: user_id=", (ctx) => listAuditLogs(ctx.scope, { userId: user(ctx) }, { limit: 50 })),
    read("audit: resource_type= & resource_id=", (ctx) =>
      listAuditLogs(ctx.scope, { resourceType: "post", resourceId: post(ctx) }, { limit: 50 }),
    ),
    read("audit: resource_type=", (ctx) => listAuditLogs(ctx.scope, { resourceType: "template" }, { limit: 50 })),
    read("audit: success=false", (ctx) => listAuditLogs(ctx.scope, { success: false }, { limit: 50 })),
    read("audit: success=false & action=", (ctx) =>
      listAuditLogs(ctx.scope, { success: false, action: "analytics.ingest" }, { limit: 50 }),
    ),
    read("audit: success=true & action=", (ctx) =>
      listAuditLogs(ctx.scope, { success: true, action: "auth.login" }, { limit: 50 }),
    ),
    read("audit: from= & to= (one day, a month ago)", (ctx) =>
      listAuditLogs(ctx.scope, { from: ago(ctx, 31), to: ago(ctx, 30) }, { limit: 50 }),
    ),
    // Generated content (GET /v1/content).
    read("content: page 1 (GET /v1/content)", (ctx) => listContent(ctx.scope, {}, { limit: 50 })),
    read("content: page in the middle (cursor)", (ctx) =>
      listContent(
        ctx.scope,
        {},
        { limit: 50, ...(s(ctx).middleContent ? { after: s(ctx).middleContent ?? undefined } : {}) },
      ),
    ),
    read("content: request_id=", (ctx) =>
      listContent(ctx.scope, { requestId: s(ctx).contentRequestId ?? "none" }, { limit: 50 }),
    ),
    read("content: skill_id=", (ctx) =>
      listContent(ctx.scope, { skillId: ctx.tenant.skills[0] as string }, { limit: 50 }),
    ),
    read("content: content_type=video (rare)", (ctx) =>
      listContent(ctx.scope, { contentType: "video" }, { limit: 50 }),
    ),
    read("content: content_type=image", (ctx) => listContent(ctx.scope, { contentType: "image" }, { limit: 50 })),
    read("content: content_type=text", (ctx) => listContent(ctx.scope, { contentType: "text" }, { limit: 50 })),
    read("content: content_type=video & selected=true", (ctx) =>
      listContent(ctx.scope, { contentType: "video", selected: true }, { limit: 50 }),
    ),
    read("content: skill_id= & content_type=image", (ctx) =>
      listContent(ctx.scope, { skillId: ctx.tenant.skills[1] as string, contentType: "image" }, { limit: 50 }),
    ),
    read("content: selected=true", (ctx) => listContent(ctx.scope, { selected: true }, { limit: 50 })),
    read("content: approved=true", (ctx) => listContent(ctx.scope, { approved: true }, { limit: 50 })),
    read("content: one", (ctx) => getContent(ctx.scope, s(ctx).contentId ?? "none")),
    read("content: gate facts of a post's content (publishing)", (ctx) =>
      contentGateFacts(ctx.scope, s(ctx).guardContentId ?? "none"),
    ),
    read("content: exists (a post names it)", (ctx) => contentExists(ctx.scope, s(ctx).contentId ?? "none")),
    read("content: guard results of a candidate", (ctx) =>
      listGuardResults(ctx.scope, s(ctx).guardContentId ?? "none", { limit: 50 }),
    ),
    read("content: revisions of a candidate", (ctx) =>
      listRevisions(ctx.scope, s(ctx).guardContentId ?? "none", { limit: 50 }),
    ),
    read("content: one revision", (ctx) => getRevision(ctx.scope, "rev_none")),
    // Conversions and attribution.
    read("conversions: page 1", (ctx) => listConversions(ctx.scope, {}, { limit: 50 })),
    read("conversions: post_id=", (ctx) => listConversions(ctx.scope, { postId: post(ctx) }, { limit: 50 })),
    read("conversions: post_id= (a post with conversions)", async (ctx) => {
      const conversion = await getConversion(ctx.scope, s(ctx).conversionId ?? "none");
      return listConversions(ctx.scope, { postId: conversion?.post_id ?? "none" }, { limit: 50 });
    }),
    read("conversions: session_id=", (ctx) =>
      listConversions(ctx.scope, { sessionId: s(ctx).sessionId ?? "none" }, { limit: 50 }),
    ),
    read("conversions: type=purchase", (ctx) => listConversions(ctx.scope, { type: "purchase" }, { limit: 50 })),
    read("conversions: one", (ctx) => getConversion(ctx.scope, s(ctx).conversionId ?? "none")),
    read("conversions: by Idempotency-Key", (ctx) => getConversionByKey(ctx.scope, "idem-none")),
    read("conversions: session's page views (attribution)", (ctx) =>
      sessionPageViews(ctx.scope, s(ctx).sessionId ?? "none", { since: ago(ctx, 400), until: ago(ctx, -1), limit: 99 }),
    ),
    read("conversions: credit of a page of conversions", (ctx) =>
      attributionsOf(ctx.scope, s(ctx).conversionId ? [s(ctx).conversionId as string] : ["none"]),
    ),
    // Reports.
    read("report: viral posts, 365 days", (ctx) =>
      viralPosts(ctx.scope, { since: ago(ctx, 365), limit: 50, nowMs: ctx.nowMs }),
    ),
    read("report: viral posts, 30 days", (ctx) =>
      viralPosts(ctx.scope, { since: ago(ctx, 30), limit: 50, nowMs: ctx.nowMs }),
    ),
    read("report: viral posts, 90 days, one platform", (ctx) =>
      viralPosts(ctx.scope, { since: ago(ctx, 90), limit: 50, platform: "linkedin", nowMs: ctx.nowMs }),
    ),
    read("report: benchmarks (GET /v1/analytics/benchmarks)", (ctx) => listBenchmarks(ctx.scope)),
    read("report: benchmarks, one platform", (ctx) => listBenchmarks(ctx.scope, "linkedin")),
    read("lookup: engagement of 3 posts (A/B test)", (ctx) => engagementCounts(ctx.scope, s(ctx).publishedPostIds)),
    read("lookup: publication times of 3 posts", (ctx) => publicationTimes(ctx.scope, s(ctx).postIds)),
    read("lookup: request statuses of 3 posts", (ctx) => requestStatuses(ctx.scope, s(ctx).postIds)),
    // A flush's benchmark recompute reads every post of the last 90 days of a platform
    // (they are its answer), two rows each.
    read("flush: benchmark inputs, 90 days of a platform", (ctx) =>
      benchmarkInputs(ctx.scope, "linkedin", ago(ctx, 90)),
    ),
    read("flush: benchmark recompute, 4 platforms", (ctx) =>
      new Benchmarks(async () => ctx.scope).recompute([...PLATFORMS], ctx.nowMs),
    ),
    // A/B tests.
    read("ab tests: page 1", (ctx) => listAbTests(ctx.scope, { limit: 50 })),
    read("ab tests: status=running", (ctx) => listAbTests(ctx.scope, { limit: 50, status: "running" })),
    read("ab tests: status=cancelled", (ctx) => listAbTests(ctx.scope, { limit: 50, status: "cancelled" })),
    read("ab tests: one", (ctx) => getAbTest(ctx.scope, "abt_none")),
    // Identity.
    read("users: page 1", (ctx) => listUsers(ctx.scope, { limit: 50 })),
    read("users: role=owner", (ctx) => listUsers(ctx.scope, { limit: 50, role: "owner" })),
    read("users: one", (ctx) => getUser(ctx.scope, user(ctx))),
    read("users: by e-mail (sign-in)", (ctx) => findUserByEmail(ctx.scope, email(ctx))),
    read("users: which are active", (ctx) => activeUserIds(ctx.scope, ctx.tenant.users.slice(0, 10))),
    read("api keys: page 1", (ctx) => listApiKeys(ctx.scope, { limit: 50, now: ago(ctx, 0) })),
    read("api keys: user_id=", (ctx) => listApiKeys(ctx.scope, { limit: 50, userId: user(ctx), now: ago(ctx, 0) })),
    read("api keys: status=expired", (ctx) =>
      listApiKeys(ctx.scope, { limit: 50, status: "expired", now: ago(ctx, 0) }),
    ),
    read("api keys: one", (ctx) => getApiKey(ctx.scope, s(ctx).keyId ?? "none")),
    read("api keys: descendants of a key", (ctx) => descendantKeyIds(ctx.scope, s(ctx).keyId ?? "none")),
    read("credentials: a key by its prefix", (ctx) => findKeyCredential(ctx.scope, s(ctx).keyPrefix ?? "none")),
    read("credentials: a session's user", (ctx) => findSessionCredential(ctx.scope, user(ctx))),
    read("credentials: who started an OAuth connection", (ctx) =>
      findStarter(ctx.scope, user(ctx), s(ctx).keyId ?? null),
    ),
    // Accounts.
    read("accounts: page 1", (ctx) => listAccounts(ctx.scope, { limit: 50 })),
    read("accounts: platform=", (ctx) => listAccounts(ctx.scope, { limit: 50, platform: "linkedin" })),
    read("accounts: one", (ctx) => getAccount(ctx.scope, account(ctx).id)),
    read("accounts: by platform identity (OAuth return)", (ctx) =>
      findAccountByIdentity(ctx.scope, account(ctx).platform, account(ctx).id),
    ),
    // Content settings: templates, configurations, knowledge, the brand profile.
    read("templates: page 1", (ctx) => pageRows(ctx.scope, TEMPLATES, { limit: 50, filters: {} })),
    read("templates: template_type=", (ctx) =>
      pageRows(ctx.scope, TEMPLATES, { limit: 50, filters: { template_type: "email" } }),
    ),
    read("templates: platform= & template_type= & status=", (ctx) =>
      pageRows(ctx.scope, TEMPLATES, {
        limit: 50,
        filters: { platform: "instagram", template_type: "story", status: "archived" },
      }),
    ),
    read("templates: status=archived", (ctx) =>
      pageRows(ctx.scope, TEMPLATES, { limit: 50, filters: { status: "archived" } }),
    ),
    read("templates: one", (ctx) => getRow(ctx.scope, TEMPLATES, s(ctx).templateId ?? "none")),
    read("configurations: page 1", (ctx) => pageRows(ctx.scope, POST_CONFIGURATIONS, { limit: 50, filters: {} })),
    read("configurations: status=archived", (ctx) =>
      pageRows(ctx.scope, POST_CONFIGURATIONS, { limit: 50, filters: { status: "archived" } }),
    ),
    read("configurations: the default (publishing)", (ctx) => configurationForPost(ctx.scope, null)),
    read("configurations: one a post names (publishing)", (ctx) =>
      configurationForPost(ctx.scope, ctx.tenant.samples.configId ?? "none"),
    ),
    read("knowledge: page 1", (ctx) => pageRows(ctx.scope, KNOWLEDGE, { limit: 50, filters: {} })),
    read("knowledge: entry_type=asset (rare)", (ctx) =>
      pageRows(ctx.scope, KNOWLEDGE, { limit: 50, filters: { entry_type: "asset" } }),
    ),
    read("knowledge: category=", (ctx) =>
      pageRows(ctx.scope, KNOWLEDGE, { limit: 50, filters: { category: s(ctx).knowledgeCategory ?? "none" } }),
    ),
    read("knowledge: category= & entry_type= & status=archived", (ctx) =>
      pageRows(ctx.scope, KNOWLEDGE, {
        limit: 50,
        filters: { category: s(ctx).knowledgeCategory ?? "none", entry_type: "faq", status: "archived" },
      }),
    ),
    read("knowledge: status=archived", (ctx) =>
      pageRows(ctx.scope, KNOWLEDGE, { limit: 50, filters: { status: "archived" } }),
    ),
    read("knowledge: search hits by id (20)", (ctx) => activeEntriesById(ctx.scope, s(ctx).knowledgeIds)),
    read("knowledge: one entry for the index", (ctx) => indexedEntry(ctx.scope, s(ctx).knowledgeIds[0] ?? "none")),
    read("brand profile", (ctx) => getBrandProfile(ctx.scope)),
    // The plan's count quotas (GET /v1/tenant/usage; a creation's refusal before any work).
    read("quotas: every count (GET /v1/tenant/usage)", (ctx) => quotaCounts(ctx.scope, ago(ctx, 0))),
    read("schema: applied migrations (GET /v1/health)", (ctx) => readAppliedSchema(ctx.shard)),
  ];
}
