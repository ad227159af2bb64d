// The shard's writes (./statements.ts): every statement of src/core/db that changes a
// tenant's rows, each in a fenced batch as the Worker sends it (the fence counted). A
// write that needs rows to act on makes them first, unmeasured (`setup`), so it finds
// the same work however often it runs.
import type { PostFigures } from "../../../objects/tenant-object/contract";
import type { AbTestResult } from "../../../src/core/analytics/ab-test";
import { type CountQuota, PLAN_QUOTAS } from "../../../src/core/billing/plans";
import { type AbTestRow, insertAbTest, recordEvaluation } from "../../../src/core/db/ab-tests";
import {
  insertApiKey,
  revokeAllApiKeys,
  revokeKeyLineage,
  revokeUserApiKeys,
  writeApiKeyUsage,
} from "../../../src/core/db/api-keys";
import {
  cancelPending,
  type PendingFields,
  recordApproval,
  rejectPending,
  setPendingFields,
} from "../../../src/core/db/approvals";
import {
  type AuditActor,
  auditStatement,
  auditStatements,
  pendingAuditRow,
  pendingAuditStatement,
} from "../../../src/core/db/audit-logs";
import { deleteBrandProfile, putBrandProfile } from "../../../src/core/db/brand-profiles";
import { insertContent, setFeedback } from "../../../src/core/db/content";
import { insertAttributions } from "../../../src/core/db/conversion-attributions";
import { insertConversion } from "../../../src/core/db/conversions";
import { insertGuardResult, refreshGuardSummary } from "../../../src/core/db/guard-results";
import { newId } from "../../../src/core/db/ids";
import { insertKnowledgeEntry, recordAccess } from "../../../src/core/db/knowledge";
import { insertPendingPost, pendingRow } from "../../../src/core/db/pending-posts";
import { upsertBenchmark, upsertPostAnalytics } from "../../../src/core/db/post-analytics";
import { type AtRiskView, setAtRisk } from "../../../src/core/db/post-checks";
import {
  archiveConfiguration,
  countConfigurationUses,
  ensureDefault,
  insertConfiguration,
  makeDefault,
  recordConfigurationUse,
} from "../../../src/core/db/post-configurations";
import { type FinishedPost, postRecordStatements } from "../../../src/core/db/post-records";
import { insertPostRevision, type PostRevision } from "../../../src/core/db/post-revisions";
import { expectChanges } from "../../../src/core/db/preconditions";
import {
  cancelAccountSchedules,
  draftRow,
  holdPublishRequests,
  releasePublishRequest,
  savePublishRequests,
} from "../../../src/core/db/publish-requests";
import { quotaCheck } from "../../../src/core/db/quota-counts";
import { writeRateLimitUsage } from "../../../src/core/db/rate-limits";
import { insertRevision } from "../../../src/core/db/revision-events";
import {
  disconnectAccount,
  recordAccountError,
  storeRefreshedTokens,
  touchAccounts,
  upsertAccount,
} from "../../../src/core/db/social-accounts";
import { openSyncError, resolveSyncError, retrySyncError } from "../../../src/core/db/sync-errors";
import { insertTemplate, recordTemplateUse, TEMPLATES } from "../../../src/core/db/templates";
import { deleteRow, updateRow } from "../../../src/core/db/tenant-rows";
import { setPasswordHash } from "../../../src/core/db/user-passwords";
import { deleteUser, insertUser, recordLogin, setMfa, updateUser } from "../../../src/core/db/users";
import type { CaseContext, StatementCase } from "./statements";

const DAY_MS = 86_400_000;

type Run = (ctx: CaseContext) => Promise<unknown>;

function write(name: string, run: Run, setup?: Run): StatementCase {
  return { name, kind: "write", database: "shard", run, ...(setup ? { setup } : {}) };
}

function nowIso(ctx: CaseContext): string {
  return new Date(ctx.nowMs).toISOString();
}

function actor(ctx: CaseContext): AuditActor {
  return {
    tenantId: ctx.tenant.tenantId,
    userId: ctx.tenant.users[0] as string,
    ip: "203.0.113.7",
    userAgent: "bench",
    requestId: newId("post", ctx.nowMs),
  };
}

/** Rows the unmeasured setup reads: ids of the tenant's rows in a state a write needs. */
async function ids(ctx: CaseContext, sql: string, ...params: unknown[]): Promise<string[]> {
  const { results } = await ctx.raw.shard
    .prepare(sql)
    .bind(ctx.tenant.tenantId, ...params)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** `count` posts published now on the tenant's accounts, as the outbox records them. */
function freshPosts(ctx: CaseContext, count: number): FinishedPost[] {
  return Array.from({ length: count }, (_, i) => {
    const account = ctx.tenant.accounts[i % ctx.tenant.accounts.length] as CaseContext["tenant"]["accounts"][number];
    const requestId = newId("post", ctx.nowMs);
    const record = {
      ...draftRow({
        requestId,
        accountId: account.id,
        platform: account.platform,
        idempotencyKey: null,
        text: "Rebar delivered next day",
        imageUrl: null,
        videoUrl: null,
        hashtags: ["steel"],
        scheduledAt: null,
        campaignId: i % 2 === 0 ? "campaign-bench" : null,
        utmParams: null,
        contentId: null,
        requestedBy: ctx.tenant.users[0] as string,
        now: nowIso(ctx),
      }),
      status: "published" as const,
      platform_post_id: `${account.platform}-${requestId}`,
      platform_post_url: `https://example.com/${requestId}`,
      published_at: nowIso(ctx),
    };
    return { record, actor: actor(ctx) };
  });
}

/** A count quota's limit for the tenant's plan (the generator's: enterprise for the big tenant, standard otherwise). */
function limitOf(ctx: CaseContext, quota: CountQuota): number {
  return PLAN_QUOTAS[ctx.tenant.posts > 1000 ? "enterprise" : "standard"][quota];
}

function figures(ctx: CaseContext, postId: string): PostFigures {
  return {
    post_id: postId,
    platform: "linkedin",
    account_id: ctx.tenant.accounts[0]?.id as string,
    published_at: nowIso(ctx),
    likes: 12,
    comments: 3,
    shares: 1,
    saves: 0,
    clicks: 4,
    bookmarks: 0,
    impressions: 900,
    reach: 700,
    unique_impressions: 700,
    video_views: null,
    video_avg_watch_time: null,
    video_complete_views: null,
    followers: 5000,
    engagement_rate: 0.022,
    share_rate: 0.001,
    viral_coefficient: 0.14,
    engagement_velocity_1h: 1,
    engagement_velocity_24h: 0.5,
    engagement_velocity_7d: 0.1,
    performance_score: 40,
    performance_score_breakdown: { engagement: 20, reach: 15, shares: 5, basis: "benchmark" },
    is_anomaly: false,
    anomaly_type: "normal",
    z_score: 0.2,
    updated_at: nowIso(ctx),
  } as PostFigures;
}

const EVALUATION: AbTestResult = {
  winner: "inconclusive",
  p_value: null,
  confidence_level: null,
  uplift: null,
  reason: "not enough impressions",
  variants: [],
  comparisons: [],
};

export function writeCases(): StatementCase[] {
  const batch = (ctx: CaseContext, statements: D1PreparedStatement[]) => ctx.scope.db.batch(statements);
  const post = (ctx: CaseContext) => ctx.tenant.samples.publishedPostIds[0] as string;
  const user = (ctx: CaseContext) => ctx.tenant.users[1] as string;
  const account = (ctx: CaseContext) => ctx.tenant.accounts[0] as CaseContext["tenant"]["accounts"][number];
  return [
    // Publishing.
    write("publish: a batch of 50 posts recorded (outbox)", (ctx) =>
      batch(ctx, postRecordStatements(ctx.scope, freshPosts(ctx, 50))),
    ),
    write("publish: one post recorded (outbox)", (ctx) =>
      batch(ctx, postRecordStatements(ctx.scope, freshPosts(ctx, 1))),
    ),
    write("publish: a post scheduled", (ctx) => {
      const [fresh] = freshPosts(ctx, 1);
      const row = fresh?.record as FinishedPost["record"];
      return batch(ctx, [
        savePublishRequests(ctx.scope, [
          { ...row, status: "scheduled", scheduled_at: new Date(ctx.nowMs + DAY_MS).toISOString(), published_at: null },
        ]),
      ]);
    }),
    ...approvalCases(),
    write("publish: accounts marked used", (ctx) =>
      batch(ctx, [touchAccounts(ctx.scope, [account(ctx).id], nowIso(ctx))]),
    ),
    write("schedules: 10 held (tenant suspended)", async (ctx) => {
      const scheduled = await ids(
        ctx,
        "SELECT request_id AS id FROM publish_requests WHERE tenant_id = ? AND status = 'scheduled' LIMIT 10",
      );
      return batch(ctx, [
        holdPublishRequests(
          ctx.scope,
          scheduled.map((requestId) => ({ requestId, reason: "tenant_suspended" })),
          nowIso(ctx),
        ),
      ]);
    }),
    write("schedules: a held post released", async (ctx) => {
      const [held] = await ids(
        ctx,
        "SELECT request_id AS id FROM publish_requests WHERE tenant_id = ? AND status = 'held' LIMIT 1",
      );
      return batch(ctx, [
        releasePublishRequest(ctx.scope, held ?? "none", new Date(ctx.nowMs + DAY_MS).toISOString(), nowIso(ctx)),
      ]);
    }),
    write(
      "account disconnected: its schedules cancelled",
      (ctx) => batch(ctx, [cancelAccountSchedules(ctx.scope, account(ctx).id, nowIso(ctx))]),
      // The account's posts a previous run cancelled are scheduled again.
      (ctx) =>
        ctx.raw.shard
          .prepare(
            `UPDATE publish_requests SET status = 'scheduled', error_type = NULL, error_message = NULL
             WHERE tenant_id = ? AND account_id = ? AND status = 'cancelled' AND error_type = 'account_disconnected'`,
          )
          .bind(ctx.tenant.tenantId, account(ctx).id)
          .run(),
    ),
    // Accounts.
    write("accounts: connected (a new identity)", (ctx) =>
      batch(ctx, [
        upsertAccount(ctx.scope, {
          accountId: newId("socialAccount", ctx.nowMs),
          platform: "linkedin",
          platformUserId: newId("socialAccount", ctx.nowMs),
          name: "Bench",
          handle: null,
          accessToken: new Uint8Array(64),
          refreshToken: null,
          expiresAt: null,
          refreshTokenExpiresAt: null,
          scopes: ["w_member_social"],
          now: nowIso(ctx),
        }),
      ]),
    ),
    write("accounts: connected, the plan's check ending its batch (the OAuth return)", (ctx) =>
      batch(ctx, [
        upsertAccount(ctx.scope, {
          accountId: newId("socialAccount", ctx.nowMs),
          platform: "linkedin",
          platformUserId: newId("socialAccount", ctx.nowMs),
          name: "Bench",
          handle: null,
          accessToken: new Uint8Array(64),
          refreshToken: null,
          expiresAt: null,
          refreshTokenExpiresAt: null,
          scopes: ["w_member_social"],
          now: nowIso(ctx),
        }),
        quotaCheck(ctx.scope, "social_accounts", limitOf(ctx, "social_accounts"), nowIso(ctx)),
      ]),
    ),
    write("accounts: tokens refreshed", (ctx) =>
      batch(ctx, [
        storeRefreshedTokens(
          ctx.scope,
          account(ctx).id,
          { accessToken: new Uint8Array(64), refreshToken: null, expiresAt: null, refreshTokenExpiresAt: null },
          nowIso(ctx),
        ),
      ]),
    ),
    write("accounts: an error recorded", (ctx) =>
      batch(ctx, [recordAccountError(ctx.scope, account(ctx).id, { message: "bench" }, nowIso(ctx))]),
    ),
    write("accounts: disconnected", async (ctx) => {
      const [other] = await ids(
        ctx,
        "SELECT account_id AS id FROM social_accounts WHERE tenant_id = ? AND platform_user_id <> account_id LIMIT 1",
      );
      return batch(ctx, [disconnectAccount(ctx.scope, other ?? "none", nowIso(ctx))]);
    }),
    // Analytics.
    write("flush: figures of 3 posts", (ctx) =>
      batch(
        ctx,
        upsertPostAnalytics(
          ctx.scope,
          ctx.tenant.samples.publishedPostIds.map((id) => ({
            figures: figures(ctx, id),
            syncCount: 2,
            syncedAt: nowIso(ctx),
          })),
          nowIso(ctx),
          { synced: true, anomaly: false },
        ),
      ),
    ),
    write("flush: a platform's benchmark", (ctx) =>
      batch(ctx, [
        upsertBenchmark(
          ctx.scope,
          {
            platform: "linkedin",
            avg_engagement_rate: 0.03,
            median_engagement_rate: 0.02,
            p90_engagement_rate: 0.08,
            avg_reach: 900,
            p90_reach: 4000,
            avg_share_rate: 0.001,
            p90_share_rate: 0.004,
            total_posts: 1000,
          },
          nowIso(ctx),
        ),
      ]),
    ),
    write("flush: rate-limit counters", (ctx) =>
      batch(ctx, [
        writeRateLimitUsage(ctx.scope, {
          platform: "linkedin",
          bucketStartMs: ctx.nowMs - (ctx.nowMs % 3_600_000),
          count: 7,
        }),
      ]),
    ),
    write("sync error: open", (ctx) =>
      batch(ctx, [
        openSyncError(
          ctx.scope,
          {
            errorId: newId("syncError", ctx.nowMs),
            postId: post(ctx),
            platform: "linkedin",
            type: "api_error",
            message: "bench",
          },
          nowIso(ctx),
        ),
      ]),
    ),
    write("sync error: retry", (ctx) =>
      batch(ctx, [
        retrySyncError(ctx.scope, ctx.tenant.samples.syncErrorId ?? "none", { type: "api_error", message: "bench" }),
      ]),
    ),
    write("sync error: resolve", async (ctx) => {
      const errorId = newId("syncError", ctx.nowMs);
      await ctx.raw.shard
        .prepare(
          `INSERT INTO analytics_sync_errors (error_id, post_id, tenant_id, platform, error_type, created_at)
           VALUES (?, ?, ?, 'linkedin', 'api_error', ?)`,
        )
        .bind(errorId, post(ctx), ctx.tenant.tenantId, nowIso(ctx))
        .run();
      return batch(ctx, [resolveSyncError(ctx.scope, errorId, nowIso(ctx))]);
    }),
    // A/B tests.
    write("ab tests: started", (ctx) => batch(ctx, [insertAbTest(ctx.scope, abTest(ctx), EVALUATION)])),
    write("ab tests: evaluated", async (ctx) => {
      const t = abTest(ctx);
      await ctx.scope.db.batch([insertAbTest(ctx.scope, t, EVALUATION)]);
      const row = { test_id: t.testId, variant_a_post_id: t.postIds[0], variant_b_post_id: t.postIds[1] } as AbTestRow;
      return batch(ctx, [recordEvaluation(ctx.scope, row, EVALUATION, nowIso(ctx))]);
    }),
    // Conversions and their credit.
    write("conversions: a purchase and its credit", (ctx) => {
      const view = newId("conversion", ctx.nowMs);
      const purchase = newId("conversion", ctx.nowMs);
      const base = {
        post_id: post(ctx),
        user_id: null,
        session_id: `sess_${view}`,
        value: 0,
        utm_source: null,
        utm_medium: null,
        utm_campaign: null,
        utm_content: null,
        utm_term: null,
        attribution_model: null,
        attribution_weight: null,
        tracked_at: nowIso(ctx),
        idempotency_key: null,
      };
      return batch(ctx, [
        insertConversion(ctx.scope, { ...base, conversion_id: view, conversion_type: "page_view" }),
        insertConversion(ctx.scope, { ...base, conversion_id: purchase, conversion_type: "purchase", value: 20 }),
        insertAttributions(
          ctx.scope,
          purchase,
          ["first_touch", "last_touch", "linear", "time_decay"].flatMap((model) =>
            [view, purchase].map((touch, position) => ({
              model: model as "linear",
              touch_id: touch,
              post_id: post(ctx),
              touched_at: nowIso(ctx),
              position,
              weight: 0.5,
            })),
          ),
        ),
      ]);
    }),
    // Content.
    write("content: a candidate recorded", (ctx) =>
      batch(ctx, [
        insertContent(ctx.scope, {
          content_id: newId("content", ctx.nowMs),
          request_id: null,
          intent_spec: { goal: "awareness" },
          skill_id: null,
          skill_version_id: null,
          template_id: ctx.tenant.samples.templateId,
          config_id: null,
          content_type: "text",
          text_content: "Rebar delivered next day",
          image_url: null,
          video_url: null,
          hashtags: ["steel"],
          brand_voice_score: 0.9,
          guard_pass_rate: 1,
          guards_passed: 2,
          guards_failed: 0,
          cost: 0.004,
          generation_time_ms: 2000,
          model_used: "bench",
          created_at: nowIso(ctx),
        }),
        recordTemplateUse(ctx.scope, ctx.tenant.samples.templateId ?? "none", nowIso(ctx)),
        recordConfigurationUse(ctx.scope, ctx.tenant.samples.configId ?? "none", nowIso(ctx)),
      ]),
    ),
    write("configurations: posts counted under theirs (the record outbox)", (ctx) =>
      batch(ctx, [
        countConfigurationUses(
          ctx.scope,
          ["a", "b", "c"].map((n) => ({
            postId: `post_bench_config_use_${n}`,
            configId: ctx.tenant.samples.configId ?? "none",
            at: nowIso(ctx),
          })),
        ),
      ]),
    ),
    write("content: feedback (selected)", (ctx) =>
      batch(ctx, [setFeedback(ctx.scope, ctx.tenant.samples.contentId ?? "none", { selected: true })]),
    ),
    write("content: a guard result and the summary", (ctx) => {
      const contentId = ctx.tenant.samples.guardContentId ?? "none";
      return batch(ctx, [
        insertGuardResult(ctx.scope, {
          result_id: newId("guardResult", ctx.nowMs),
          request_id: contentId,
          content_id: contentId,
          guard_id: "contrast",
          pass: 1,
          metrics: null,
          auto_fixed: 0,
          action_taken: null,
          created_at: nowIso(ctx),
        }),
        refreshGuardSummary(ctx.scope, contentId),
      ]);
    }),
    write("content: a revision", (ctx) => {
      const contentId = ctx.tenant.samples.guardContentId ?? "none";
      return batch(ctx, [
        insertRevision(ctx.scope, {
          event_id: newId("revision", ctx.nowMs),
          request_id: contentId,
          content_id: contentId,
          skill_id: null,
          skill_version_id: null,
          classification: "preference",
          confidence: 0.7,
          labels_defect: [],
          labels_preference: ["tone"],
          user_notes: null,
          revision_type: "manual_edit",
          created_at: nowIso(ctx),
        }),
      ]);
    }),
    // Content settings.
    write("templates: created", (ctx) =>
      batch(ctx, [
        insertTemplate(ctx.scope, {
          templateId: newId("template", ctx.nowMs),
          name: "Bench",
          templateType: "social_post",
          platform: "linkedin",
          structure: { blocks: ["hook"] },
          constraints: null,
          defaultCopyBlocks: null,
          now: nowIso(ctx),
        }),
      ]),
    ),
    write("templates: updated", (ctx) =>
      batch(ctx, [
        updateRow(ctx.scope, TEMPLATES, ctx.tenant.samples.templateId ?? "none", { name: "Renamed" }, nowIso(ctx)),
      ]),
    ),
    write("templates: deleted", async (ctx) => {
      const templateId = newId("template", ctx.nowMs);
      await ctx.scope.db.batch([
        insertTemplate(ctx.scope, {
          templateId,
          name: "Doomed",
          templateType: "ad",
          platform: "all",
          structure: {},
          constraints: null,
          defaultCopyBlocks: null,
          now: nowIso(ctx),
        }),
      ]);
      return batch(ctx, [deleteRow(ctx.scope, TEMPLATES, templateId)]);
    }),
    write("configurations: created, the default kept", (ctx) =>
      batch(ctx, [
        insertConfiguration(
          ctx.scope,
          newId("postConfiguration", ctx.nowMs),
          {
            name: "Bench",
            platforms: ["linkedin"],
            auto_generate_hashtags: true,
            max_hashtags_per_platform: null,
            include_cta: true,
            cta_default: null,
            best_posting_times: null,
            timezone: "UTC",
            min_brand_voice_score: 0.8,
            require_guard_pass: true,
          },
          nowIso(ctx),
        ),
        ensureDefault(ctx.scope, nowIso(ctx)),
      ]),
    ),
    write("configurations: another made the default", async (ctx) => {
      const [other] = await ids(
        ctx,
        "SELECT config_id AS id FROM post_configurations WHERE tenant_id = ? AND status = 'active' AND is_default = 0 LIMIT 1",
      );
      return batch(ctx, [
        ...makeDefault(ctx.scope, other ?? "none", nowIso(ctx)),
        ensureDefault(ctx.scope, nowIso(ctx)),
      ]);
    }),
    write("configurations: archived", async (ctx) => {
      const [other] = await ids(
        ctx,
        "SELECT config_id AS id FROM post_configurations WHERE tenant_id = ? AND status = 'active' AND is_default = 0 LIMIT 1",
      );
      return batch(ctx, [
        archiveConfiguration(ctx.scope, other ?? "none", nowIso(ctx)),
        ensureDefault(ctx.scope, nowIso(ctx)),
      ]);
    }),
    write("knowledge: an entry with its embedding", (ctx) =>
      batch(ctx, [
        insertKnowledgeEntry(ctx.scope, {
          entryId: newId("knowledgeEntry", ctx.nowMs),
          title: "Delivery promise",
          entryType: "guideline",
          category: "delivery",
          content: "Next day, every day.",
          metadata: null,
          embedding: new Uint8Array(new Float32Array(1536).fill(0.01).buffer),
          now: nowIso(ctx),
        }),
      ]),
    ),
    write("knowledge: 20 search hits counted", (ctx) =>
      batch(ctx, recordAccess(ctx.scope, ctx.tenant.samples.knowledgeIds, nowIso(ctx))),
    ),
    write("knowledge: an entry created, the plan's check ending its batch (POST /v1/knowledge)", (ctx) =>
      batch(ctx, [
        insertKnowledgeEntry(ctx.scope, {
          entryId: newId("knowledgeEntry", ctx.nowMs),
          title: "Delivery promise",
          entryType: "guideline",
          category: "delivery",
          content: "Next day, every day.",
          metadata: null,
          embedding: new Uint8Array(new Float32Array(1536).fill(0.01).buffer),
          now: nowIso(ctx),
        }),
        quotaCheck(ctx.scope, "knowledge_entries", limitOf(ctx, "knowledge_entries"), nowIso(ctx)),
      ]),
    ),
    write("brand profile: replaced", (ctx) =>
      batch(ctx, [
        putBrandProfile(ctx.scope, {
          embeddings: new Uint8Array(6144),
          toneVectors: null,
          palette: ["#102030"],
          typography: {},
          logoRules: {},
          lexicon: null,
          messaging: null,
          kmsKeyId: `kms_${ctx.tenant.tenantId.slice(4)}`,
          encryptionVersion: 1,
          now: nowIso(ctx),
        }),
      ]),
    ),
    write("brand profile: deleted", (ctx) => batch(ctx, [deleteBrandProfile(ctx.scope)])),
    // Identity.
    write("users: added", (ctx) =>
      batch(ctx, [
        insertUser(ctx.scope, {
          userId: newId("user", ctx.nowMs),
          email: `${newId("user", ctx.nowMs).toLowerCase()}@example.com`,
          passwordHash: "pbkdf2$bench",
          fullName: null,
          role: "member",
          now: nowIso(ctx),
        }),
      ]),
    ),
    write("users: added, the plan's check ending its batch (POST /v1/users)", (ctx) =>
      batch(ctx, [
        insertUser(ctx.scope, {
          userId: newId("user", ctx.nowMs),
          email: `${newId("user", ctx.nowMs).toLowerCase()}@example.com`,
          passwordHash: "pbkdf2$bench",
          fullName: null,
          role: "member",
          now: nowIso(ctx),
        }),
        quotaCheck(ctx.scope, "users", limitOf(ctx, "users"), nowIso(ctx)),
      ]),
    ),
    write("users: renamed", (ctx) =>
      batch(ctx, [updateUser(ctx.scope, user(ctx), { full_name: "Renamed" }, nowIso(ctx))]),
    ),
    write("users: signed in (checked: one row changed)", (ctx) =>
      batch(ctx, [recordLogin(ctx.scope, user(ctx), nowIso(ctx)), expectChanges(ctx.scope.db, 1)]),
    ),
    write("users: MFA off", (ctx) =>
      batch(ctx, [setMfa(ctx.scope, user(ctx), { enabled: false, secret: null }, nowIso(ctx))]),
    ),
    write("users: password changed", (ctx) =>
      batch(ctx, [setPasswordHash(ctx.scope, user(ctx), "pbkdf2$bench2", nowIso(ctx))]),
    ),
    write("users: deleted", async (ctx) => {
      const userId = newId("user", ctx.nowMs);
      await ctx.scope.db.batch([
        insertUser(ctx.scope, {
          userId,
          email: `${userId.toLowerCase()}@example.com`,
          passwordHash: "pbkdf2$bench",
          fullName: null,
          role: "member",
          now: nowIso(ctx),
        }),
      ]);
      return batch(ctx, [deleteUser(ctx.scope, userId, nowIso(ctx))]);
    }),
    write("api keys: created", (ctx) => batch(ctx, [insertApiKey(ctx.scope, newKey(ctx, null))])),
    write("api keys: created, the plan's check ending its batch (POST /v1/api-keys)", (ctx) =>
      batch(ctx, [
        insertApiKey(ctx.scope, newKey(ctx, null)),
        quotaCheck(ctx.scope, "api_keys", limitOf(ctx, "api_keys"), nowIso(ctx)),
      ]),
    ),
    write("api keys: usage written", (ctx) =>
      batch(ctx, [
        writeApiKeyUsage(ctx.scope, {
          keyId: ctx.tenant.samples.keyId ?? "none",
          useCount: 9000,
          lastUsedAt: nowIso(ctx),
        }),
      ]),
    ),
    write("api keys: a key and its children revoked", async (ctx) => {
      const root = newKey(ctx, null);
      const child = newKey(ctx, root.keyId);
      await ctx.scope.db.batch([insertApiKey(ctx.scope, root), insertApiKey(ctx.scope, child)]);
      return batch(ctx, [revokeKeyLineage(ctx.scope, root.keyId)]);
    }),
    write("api keys: a user's revoked", async (ctx) => {
      await ctx.scope.db.batch([
        insertApiKey(ctx.scope, newKey(ctx, null)),
        insertApiKey(ctx.scope, newKey(ctx, null)),
      ]);
      return batch(ctx, [revokeUserApiKeys(ctx.scope, user(ctx))]);
    }),
    write(
      "api keys: all of the tenant's revoked (tenant deleted)",
      (ctx) => batch(ctx, [revokeAllApiKeys(ctx.scope)]),
      // What a previous run revoked is active again.
      (ctx) =>
        ctx.raw.shard
          .prepare("UPDATE api_keys SET status = 'active' WHERE tenant_id = ? AND status = 'revoked'")
          .bind(ctx.tenant.tenantId)
          .run(),
    ),
    // The audit trail.
    write("audit: 50 rows written", (ctx) =>
      batch(ctx, [
        auditStatements(
          ctx.scope.db,
          Array.from({ length: 50 }, () => ({
            actor: actor(ctx),
            event: { action: "content.create", resourceType: "content", resourceId: newId("content", ctx.nowMs) },
            now: nowIso(ctx),
          })),
        ),
      ]),
    ),
    write("audit: rows kept by the TenantObject written (again)", (ctx) =>
      batch(ctx, [
        pendingAuditStatement(ctx.scope.db, [
          pendingAuditRow(
            actor(ctx),
            { action: "auth.login", resourceType: "user", resourceId: user(ctx) },
            nowIso(ctx),
          ),
        ]),
      ]),
    ),
  ];
}

/** A post drafted now that waits for approval (the agent's draft of POST /v1/posts), as the object writes it. */
function waitingPost(ctx: CaseContext) {
  const [fresh] = freshPosts(ctx, 1);
  const record = fresh?.record as FinishedPost["record"];
  return pendingRow(
    {
      ...record,
      status: "pending_approval",
      scheduled_at: new Date(ctx.nowMs + DAY_MS).toISOString(),
      platform_post_id: null,
      platform_post_url: null,
      published_at: null,
    },
    "agent",
    ctx.tenant.samples.keyId,
  );
}

/** A version of a post as its revision keeps it. */
function revisionOf(
  ctx: CaseContext,
  row: ReturnType<typeof waitingPost>,
  type: PostRevision["type"],
  note: string | null = null,
): PostRevision {
  return {
    eventId: newId("revision", ctx.nowMs),
    postId: row.request_id,
    editedBy: ctx.tenant.users[0] as string,
    type,
    classification: type === "manual_edit" ? "preference" : null,
    note,
    version: {
      account_id: row.account_id,
      text: row.text,
      hashtags: ["steel"],
      image_url: null,
      video_url: null,
      scheduled_at: row.scheduled_at,
    },
    changed: type === "manual_edit" ? ["text"] : [],
    at: nowIso(ctx),
  };
}

function fieldsOf(row: ReturnType<typeof waitingPost>, text: string): PendingFields {
  return {
    text,
    hashtags: row.hashtags,
    imageUrl: row.image_url,
    videoUrl: row.video_url,
    scheduledAt: row.scheduled_at,
  };
}

/**
 * The approvals' writes (objects/publishing/approvals.ts), each batch as the object sends
 * it; a decision's setup drafts the post it decides on (a fresh one each run).
 */
function approvalCases(): StatementCase[] {
  const batch = (ctx: CaseContext, statements: D1PreparedStatement[]) => ctx.scope.db.batch(statements);
  const audit = (ctx: CaseContext, action: string, requestId: string) =>
    auditStatement(ctx.scope.db, actor(ctx), { action, resourceType: "post", resourceId: requestId }, nowIso(ctx));
  /** A case deciding on a post its setup drafted to wait (`scheduled`: already gone the normal way). */
  const onWaiting = (
    name: string,
    run: (ctx: CaseContext, row: ReturnType<typeof waitingPost>) => Promise<unknown>,
    scheduled = false,
  ): StatementCase => {
    let row: ReturnType<typeof waitingPost> | null = null;
    return write(
      name,
      (ctx) => run(ctx, row as ReturnType<typeof waitingPost>),
      async (ctx) => {
        row = waitingPost(ctx);
        await ctx.scope.db.batch([
          insertPendingPost(ctx.scope, row),
          ...(scheduled ? [savePublishRequests(ctx.scope, [{ ...row, status: "scheduled" }])] : []),
        ]);
      },
    );
  };
  /** A case on a scheduled post, at risk or not as `risky` says (its setup makes it so). */
  const onScheduled = (
    name: string,
    risky: boolean,
    run: (ctx: CaseContext, requestId: string) => Promise<unknown>,
  ) => {
    let requestId = "none";
    return write(
      name,
      (ctx) => run(ctx, requestId),
      async (ctx) => {
        const [scheduled] = await ids(
          ctx,
          "SELECT request_id AS id FROM publish_requests WHERE tenant_id = ? AND status = 'scheduled' LIMIT 1",
        );
        requestId = scheduled ?? "none";
        await ctx.scope.db.batch([setAtRisk(ctx.scope, requestId, risky ? risk(ctx) : null, nowIso(ctx))]);
      },
    );
  };
  return [
    write("approvals: a post drafted to wait (an agent's POST /v1/posts)", (ctx) => {
      const row = waitingPost(ctx);
      return batch(ctx, [
        insertPendingPost(ctx.scope, row),
        insertPostRevision(ctx.scope, revisionOf(ctx, row, "drafted")),
        audit(ctx, "post.draft", row.request_id),
      ]);
    }),
    onWaiting("approvals: a waiting post edited (PATCH /v1/posts/{id})", (ctx, row) =>
      batch(ctx, [
        setPendingFields(ctx.scope, row.request_id, fieldsOf(row, `${row.text} (edited)`), nowIso(ctx)),
        expectChanges(ctx.scope.db, 1),
        insertPostRevision(ctx.scope, revisionOf(ctx, row, "manual_edit", "tone")),
        audit(ctx, "post.edit", row.request_id),
      ]),
    ),
    onWaiting("approvals: approved, its fields as it goes (POST /v1/posts/{id}/approve)", (ctx, row) =>
      batch(ctx, [
        setPendingFields(ctx.scope, row.request_id, fieldsOf(row, row.text), nowIso(ctx)),
        expectChanges(ctx.scope.db, 1),
      ]),
    ),
    onWaiting(
      "approvals: an approval recorded once the post went (who, the version, the audit row)",
      (ctx, row) =>
        batch(ctx, [
          recordApproval(ctx.scope, row.request_id, ctx.tenant.users[0] as string, nowIso(ctx)),
          insertPostRevision(ctx.scope, revisionOf(ctx, row, "approved")),
          pendingAuditStatement(ctx.scope.db, [
            pendingAuditRow(
              actor(ctx),
              { action: "post.approve", resourceType: "post", resourceId: row.request_id },
              nowIso(ctx),
            ),
          ]),
        ]),
      true,
    ),
    onWaiting("approvals: rejected with its reason (POST /v1/posts/{id}/reject)", (ctx, row) =>
      batch(ctx, [
        rejectPending(
          ctx.scope,
          row.request_id,
          { approverId: ctx.tenant.users[0] as string, reason: "off brand" },
          nowIso(ctx),
        ),
        expectChanges(ctx.scope.db, 1),
        insertPostRevision(ctx.scope, revisionOf(ctx, row, "rejected", "off brand")),
        audit(ctx, "post.reject", row.request_id),
      ]),
    ),
    onWaiting("approvals: withdrawn (DELETE /v1/posts/{id})", (ctx, row) =>
      batch(ctx, [
        cancelPending(ctx.scope, row.request_id, nowIso(ctx)),
        expectChanges(ctx.scope.db, 1),
        audit(ctx, "post.cancel", row.request_id),
      ]),
    ),
    // The pre-flight check (objects/publishing/preflight.ts): a risk found, and cleared.
    onScheduled("pre-flight: a scheduled post marked at risk", false, (ctx, requestId) =>
      batch(ctx, [setAtRisk(ctx.scope, requestId, risk(ctx), nowIso(ctx))]),
    ),
    onScheduled("pre-flight: a risk cleared", true, (ctx, requestId) =>
      batch(ctx, [setAtRisk(ctx.scope, requestId, null, nowIso(ctx))]),
    ),
  ];
}

function risk(ctx: CaseContext): AtRiskView {
  return {
    code: "media_unreachable",
    reason: "the image answered 404",
    detected_at: nowIso(ctx),
    checked_at: nowIso(ctx),
  };
}

function abTest(ctx: CaseContext) {
  const [a, b] = ctx.tenant.samples.publishedPostIds;
  return {
    testId: newId("abTest", ctx.nowMs),
    name: "Hook",
    testType: "content" as const,
    postIds: [a as string, b as string],
    metric: "engagement_rate" as const,
    minSample: 1000,
    alpha: 0.05,
    createdBy: ctx.tenant.users[0] as string,
    now: nowIso(ctx),
  };
}

function newKey(ctx: CaseContext, parentKeyId: string | null) {
  const keyId = newId("apiKey", ctx.nowMs);
  return {
    keyId,
    userId: ctx.tenant.users[1] as string,
    keyPrefix: `dk_${keyId.slice(-16).toLowerCase()}`,
    keyHash: "0".repeat(64),
    scopes: ["posts.read"],
    rateLimitPerHour: 100,
    expiresAt: null,
    parentKeyId,
    kind: "standard" as const,
    requiresApproval: false,
    now: nowIso(ctx),
  };
}
