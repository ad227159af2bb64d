// The generated dataset of `npm run bench:scale`, written into one shard through the
// Worker's own D1 binding. Posts go through the publish outbox's real statements
// (postRecordStatements: publish_requests, published_posts, the post_analytics row, the
// account's last use, the audit row), so their rows and indexes are exactly what
// publishing writes; the rest (tenants' residency, users, accounts, generated content,
// analytics figures, other audit rows, conversions and their credit, sync errors) are
// bulk json_each statements of this file. Proportions per post: about 2 audit rows, 0.3 generated content, 0.2 conversions.
// Posts that waited for approval and scheduled posts at risk are ./generate-approvals.ts's.
// The directory's rows (tenants, key prefixes) are this file's too; their Stripe events,
// the deleted tenants' graces and former tenants' erasures are ./registry.ts's, at its ratios.
import { ulid } from "ulid";
import { auditStatements } from "../../../src/core/db/audit-logs";
import { chunk } from "../../../src/core/db/chunk";
import { MAX_JSON_ROWS } from "../../../src/core/db/json-rows";
import { type FinishedPost, postRecordStatements } from "../../../src/core/db/post-records";
import type { PostStatus, PublishRequestRow } from "../../../src/core/db/publish-requests";
import { savePublishRequests } from "../../../src/core/db/publish-requests";
import { residencyFence } from "../../../src/core/db/resident-database";
import type { TenantScope } from "../../../src/core/db/tenant-scope";
import { PLATFORMS, type Platform } from "../../../src/core/platforms/types";
import { approvalsAndRisks } from "./generate-approvals";
import { afterContent, afterPosts, beforeContent, bulkInsert, type TenantExtras, upcomingPosts } from "./generate-rest";
import { billingAndErasures, customerOf, globalRegistry, isDeleted, privateSkills, stripeEventsOf } from "./registry";

const DAY_MS = 86_400_000;

/** A small deterministic generator (mulberry32), so a run can be repeated. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: a tenant's own seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function id(prefix: string, atMs: number, rnd: () => number): string {
  return `${prefix}_${ulid(atMs, rnd)}`;
}

/** What a generated tenant is made of; the benchmark names statements after these. */
export interface TenantShape {
  /** Its place among the generated tenants (0: the big one). */
  index: number;
  tenantId: string;
  posts: number;
  users: string[];
  accounts: { id: string; platform: Platform }[];
  campaigns: string[];
  skills: string[];
}

export interface GeneratedTenant extends TenantShape {
  /** Samples the measured statements look up: a post, a content request, ... */
  samples: {
    postIds: string[];
    publishedPostIds: string[];
    contentRequestId: string | null;
    contentId: string | null;
    conversionId: string | null;
    sessionId: string | null;
    syncErrorId: string | null;
    middleRequestId: string;
    middleAudit: { timestamp: string; logId: string } | null;
    middleContent: { createdAt: string; id: string } | null;
    templateId: string | null;
    configId: string | null;
    knowledgeIds: string[];
    knowledgeCategory: string | null;
    keyId: string | null;
    keyPrefix: string | null;
    guardContentId: string | null;
    /** A post waiting for approval, edited once: two versions (./generate-approvals.ts). */
    pendingPostId: string | null;
    /** The tenant's Stripe customer, and its newest event applied (the directory's billing_event_created). */
    customerId: string;
    stripeEventId: string;
  };
}

const WORDS =
  "launch steel delivery team customer service quality order next day fabrication project site weld beam crane schedule partner update story insight growth".split(
    " ",
  );

export function sentence(rnd: () => number, chars: number): string {
  const words: string[] = [];
  let length = 0;
  while (length < chars) {
    const word = WORDS[Math.floor(rnd() * WORDS.length)] as string;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(" ");
}

async function run(db: D1Database, statements: D1PreparedStatement[]): Promise<void> {
  for (const part of chunk(statements, 50)) await db.batch(part);
}

/** The tenants' residency, users and one account per platform. */
function tenantRows(shard: D1Database, tenants: TenantShape[], nowMs: number): D1PreparedStatement[] {
  const at = new Date(nowMs - 400 * DAY_MS).toISOString();
  return [
    shard
      .prepare(
        `INSERT INTO tenant_residency (tenant_id, kms_key_id, state)
         SELECT value, 'kms_' || substr(value, 5), 'resident' FROM json_each(?1)`,
      )
      .bind(JSON.stringify(tenants.map((t) => t.tenantId))),
    shard
      .prepare(
        `INSERT INTO users (user_id, tenant_id, email, password_hash, full_name, role, created_at, updated_at)
         SELECT json_extract(value, '$.id'), json_extract(value, '$.tenant'), json_extract(value, '$.email'),
                'pbkdf2$bench', 'Bench User', json_extract(value, '$.role'), ?2, ?2
         FROM json_each(?1)`,
      )
      .bind(
        JSON.stringify(
          tenants.flatMap((t) =>
            t.users.map((u, i) => ({
              id: u,
              tenant: t.tenantId,
              email: `user${i}@${t.tenantId.toLowerCase()}.example`,
              role: i === 0 ? "owner" : "member",
            })),
          ),
        ),
        at,
      ),
    shard
      .prepare(
        `INSERT INTO social_accounts (account_id, tenant_id, platform, platform_user_id, account_name,
           access_token_encrypted, status, created_at, updated_at)
         SELECT json_extract(value, '$.id'), json_extract(value, '$.tenant'), json_extract(value, '$.platform'),
                json_extract(value, '$.id'), 'Bench account', randomblob(64), 'active', ?2, ?2
         FROM json_each(?1)`,
      )
      .bind(JSON.stringify(tenants.flatMap((t) => t.accounts.map((a) => ({ ...a, tenant: t.tenantId })))), at),
  ];
}

export interface ContentSpec {
  tenant: string;
  content_id: string;
  request_id: string;
  skill_id: string | null;
  selected: number;
  approved: number;
  created_at: string;
  text: string;
  content_type: string;
  template_id: string | null;
  config_id: string | null;
}

/** Candidates by type: text most, video rarest. */
const CONTENT_TYPES: [string, number][] = [
  ["text", 0.7],
  ["image", 0.15],
  ["text+image", 0.12],
  ["video", 0.03],
];

function contentType(rnd: () => number): string {
  let x = rnd();
  for (const [type, share] of CONTENT_TYPES) {
    if (x < share) return type;
    x -= share;
  }
  return "text";
}

/**
 * Candidates in requests of three; the first of each request is selected (and half of
 * those approved). A request asks for one type; three in ten name a template, four in
 * ten a post configuration.
 */
function contentFor(
  t: TenantShape,
  count: number,
  nowMs: number,
  days: number,
  rnd: () => number,
  extras: TenantExtras,
): ContentSpec[] {
  const rows: ContentSpec[] = [];
  for (let i = 0; i < count; i += 3) {
    const atMs = nowMs - days * DAY_MS + Math.floor(((i + 1) / count) * days * DAY_MS) - DAY_MS / 2;
    const requestId = `req_${ulid(atMs, rnd)}`;
    const skill = rnd() < 0.8 ? (t.skills[Math.floor(rnd() * t.skills.length)] as string) : null;
    const type = contentType(rnd);
    const template = rnd() < 0.3 ? (extras.templates[Math.floor(rnd() * extras.templates.length)] ?? null) : null;
    const config = rnd() < 0.4 ? (extras.configs[Math.floor(rnd() * extras.configs.length)] ?? null) : null;
    for (let k = 0; k < 3 && i + k < count; k++) {
      rows.push({
        tenant: t.tenantId,
        content_id: id("gen", atMs + k, rnd),
        request_id: requestId,
        skill_id: skill,
        selected: k === 0 ? 1 : 0,
        approved: k === 0 && rnd() < 0.5 ? 1 : 0,
        created_at: new Date(atMs + k).toISOString(),
        text: sentence(rnd, 260),
        content_type: type,
        template_id: template,
        config_id: config,
      });
    }
  }
  return rows;
}

function insertContent(shard: D1Database, rows: ContentSpec[]): D1PreparedStatement[] {
  return chunk(rows, 200).map((part) =>
    shard
      .prepare(
        `INSERT INTO generated_content (content_id, tenant_id, request_id, intent_spec, skill_id, content_type,
           text_content, hashtags, brand_voice_score, guard_pass_rate, guards_passed, guards_failed, cost,
           generation_time_ms, model_used, user_selected, user_approved, created_at, template_id, config_id)
         SELECT json_extract(value, '$.content_id'), json_extract(value, '$.tenant'), json_extract(value, '$.request_id'),
                '{"goal":"awareness","audience":"site managers"}', json_extract(value, '$.skill_id'),
                json_extract(value, '$.content_type'),
                json_extract(value, '$.text'), '["steel","delivery"]', 0.91, 0.95, 19, 1, 0.0042, 2300,
                'bench-model', json_extract(value, '$.selected'), json_extract(value, '$.approved'),
                json_extract(value, '$.created_at'), json_extract(value, '$.template_id'),
                json_extract(value, '$.config_id')
         FROM json_each(?1)`,
      )
      .bind(JSON.stringify(part)),
  );
}

const STATUSES: [PostStatus, number][] = [
  ["published", 0.96],
  ["failed", 0.02],
  ["unknown", 0.01],
  ["cancelled", 0.01],
];

function statusOf(rnd: () => number): PostStatus {
  let x = rnd();
  for (const [status, share] of STATUSES) {
    if (x < share) return status;
    x -= share;
  }
  return "published";
}

/** The tenant's publish requests, oldest first, spread evenly over the last `days`. */
function postsFor(
  t: TenantShape,
  selected: ContentSpec[],
  nowMs: number,
  days: number,
  rnd: () => number,
): FinishedPost[] {
  const posts: FinishedPost[] = [];
  let nextContent = 0;
  for (let i = 0; i < t.posts; i++) {
    const atMs = nowMs - days * DAY_MS + Math.floor(((i + 0.5) / t.posts) * days * DAY_MS);
    const at = new Date(atMs).toISOString();
    const account = t.accounts[Math.floor(rnd() * t.accounts.length)] as TenantShape["accounts"][number];
    const status = statusOf(rnd);
    const campaign = rnd() < 0.5 ? (t.campaigns[Math.floor(rnd() * t.campaigns.length)] as string) : null;
    // A selected candidate a little older than the post becomes its content.
    let contentId: string | null = null;
    const candidate = selected[nextContent];
    if (candidate && candidate.created_at <= at) {
      contentId = candidate.content_id;
      nextContent++;
    }
    const user = t.users[Math.floor(rnd() * t.users.length)] as string;
    const requestId = id("post", atMs, rnd);
    const record: PublishRequestRow = {
      request_id: requestId,
      tenant_id: "",
      account_id: account.id,
      platform: account.platform,
      status,
      idempotency_key: rnd() < 0.3 ? `idem-${requestId.slice(-12)}` : null,
      text: contentId ? (candidate as ContentSpec).text : sentence(rnd, 180 + Math.floor(rnd() * 200)),
      image_url: rnd() < 0.3 ? `https://cdn.example.com/media/${requestId.slice(-16)}.jpg` : null,
      video_url: null,
      hashtags: JSON.stringify(["steel", "delivery", "nextday"]),
      scheduled_at: null,
      campaign_id: campaign,
      utm_params: campaign ? JSON.stringify({ utm_source: account.platform, utm_campaign: campaign }) : null,
      content_id: contentId,
      requested_by: user,
      platform_post_id: status === "published" ? `${account.platform}-${requestId.slice(-20)}` : null,
      platform_post_url:
        status === "published" ? `https://${account.platform}.example.com/p/${requestId.slice(-20)}` : null,
      published_at: status === "published" ? at : null,
      error_type: status === "failed" ? "platform_refused" : status === "unknown" ? "timeout" : null,
      error_message: status === "failed" ? "the platform refused the post" : null,
      created_at: at,
      updated_at: at,
      held_reason: null,
    };
    const actor = {
      tenantId: t.tenantId,
      userId: user,
      ip: "203.0.113.7",
      userAgent: "dify-agent-client/1.0",
      requestId: `rq_${requestId.slice(-20)}`,
    };
    posts.push({ record, actor });
  }
  return posts;
}

/** Figures as a flush would have left them: about 5% of posts reach at least their followers. */
function figures(postId: string, publishedAt: string, nowMs: number, rnd: () => number) {
  const impressions = 200 + Math.floor(rnd() * rnd() * 20_000);
  const reach = Math.floor(impressions * (0.55 + rnd() * 0.3));
  const likes = Math.floor(impressions * rnd() * 0.05);
  const comments = Math.floor(likes * rnd() * 0.2);
  const shares = Math.floor(likes * rnd() * 0.3);
  const clicks = Math.floor(impressions * rnd() * 0.02);
  const followers = rnd() < 0.05 ? Math.max(1, Math.floor(reach * (0.3 + rnd() * 0.6))) : reach * (2 + rnd() * 20);
  const syncedMs = Math.min(nowMs, Date.parse(publishedAt) + 7 * DAY_MS);
  return {
    id: postId,
    likes,
    comments,
    shares,
    clicks,
    impressions,
    reach,
    engagement_rate: (likes + comments + shares + clicks) / impressions,
    viral_coefficient: reach / followers,
    performance_score: Math.floor(rnd() * 100),
    synced_at: new Date(syncedMs).toISOString(),
    sync_count: 60,
  };
}

function fillAnalytics(shard: D1Database, rows: ReturnType<typeof figures>[]): D1PreparedStatement[] {
  return chunk(rows, 500).map((part) =>
    shard
      .prepare(
        `UPDATE post_analytics SET likes = json_extract(j.value, '$.likes'), comments = json_extract(j.value, '$.comments'),
           shares = json_extract(j.value, '$.shares'), clicks = json_extract(j.value, '$.clicks'),
           impressions = json_extract(j.value, '$.impressions'), reach = json_extract(j.value, '$.reach'),
           unique_impressions = json_extract(j.value, '$.reach'),
           engagement_rate = json_extract(j.value, '$.engagement_rate'),
           viral_coefficient = json_extract(j.value, '$.viral_coefficient'),
           performance_score = json_extract(j.value, '$.performance_score'),
           performance_score_breakdown = '{"engagement":40,"reach":30,"shares":10,"basis":"benchmarks"}',
           anomaly_type = 'normal', z_score = 0.3, synced_at = json_extract(j.value, '$.synced_at'),
           sync_count = json_extract(j.value, '$.sync_count')
         FROM json_each(?1) AS j WHERE post_analytics.post_id = json_extract(j.value, '$.id')`,
      )
      .bind(JSON.stringify(part)),
  );
}

const OTHER_AUDIT: { action: string; resourceType: string; share: number }[] = [
  { action: "analytics.ingest", resourceType: "post_analytics", share: 0.3 },
  { action: "content.create", resourceType: "content", share: 0.25 },
  { action: "conversion.create", resourceType: "conversion", share: 0.2 },
  { action: "content.feedback", resourceType: "content", share: 0.1 },
  { action: "auth.login", resourceType: "user", share: 0.1 },
  { action: "template.update", resourceType: "template", share: 0.05 },
];

/** One audit row per post besides the publish's own: the trail of everything else a tenant does. */
function otherAudit(t: TenantShape, posts: FinishedPost[], rnd: () => number) {
  return posts.map(({ record, actor }) => {
    let x = rnd();
    let kind = OTHER_AUDIT[0] as (typeof OTHER_AUDIT)[number];
    for (const k of OTHER_AUDIT) {
      if (x < k.share) {
        kind = k;
        break;
      }
      x -= k.share;
    }
    const atMs = Date.parse(record.created_at) + 60_000 + Math.floor(rnd() * 3_600_000);
    return {
      actor: { ...actor, userId: t.users[Math.floor(rnd() * t.users.length)] as string },
      event: {
        action: kind.action,
        resourceType: kind.resourceType,
        resourceId: kind.resourceType === "user" ? actor.userId : id(kind.resourceType.slice(0, 3), atMs, rnd),
        metadata: { source: "bench" },
        success: rnd() < 0.98,
      },
      now: new Date(atMs).toISOString(),
    };
  });
}

interface ConversionSpec {
  tenant: string;
  conversion_id: string;
  post_id: string;
  session_id: string;
  type: "page_view" | "form_submit" | "purchase";
  value: number;
  tracked_at: string;
  campaign: string | null;
}

/** A session on every fifth published post: its page view and, for three in ten, a conversion. */
function conversionsFor(tenant: string, published: PublishRequestRow[], nowMs: number, rnd: () => number) {
  const conversions: ConversionSpec[] = [];
  const credit: {
    tenant: string;
    conversion_id: string;
    model: string;
    touch_id: string;
    post_id: string;
    at: string;
    position: number;
    weight: number;
  }[] = [];
  for (let i = 0; i < published.length; i += 5) {
    const post = published[i] as PublishRequestRow;
    const viewMs = Math.min(nowMs, Date.parse(post.published_at as string) + Math.floor(rnd() * 2 * DAY_MS));
    const session = `sess_${ulid(viewMs, rnd)}`;
    const view: ConversionSpec = {
      tenant,
      conversion_id: id("cnv", viewMs, rnd),
      post_id: post.request_id,
      session_id: session,
      type: "page_view",
      value: 0,
      tracked_at: new Date(viewMs).toISOString(),
      campaign: post.campaign_id,
    };
    conversions.push(view);
    if (rnd() < 0.3) {
      const atMs = Math.min(nowMs, viewMs + 600_000);
      const purchase = rnd() < 0.33;
      const conversion: ConversionSpec = {
        tenant,
        conversion_id: id("cnv", atMs, rnd),
        post_id: post.request_id,
        session_id: session,
        type: purchase ? "purchase" : "form_submit",
        value: purchase ? Math.round(rnd() * 50_000) / 100 : 0,
        tracked_at: new Date(atMs).toISOString(),
        campaign: post.campaign_id,
      };
      conversions.push(conversion);
      for (const model of ["first_touch", "last_touch", "linear", "time_decay"]) {
        const weights = model === "first_touch" ? [1, 0] : model === "last_touch" ? [0, 1] : [0.5, 0.5];
        [view, conversion].forEach((touch, position) => {
          credit.push({
            tenant,
            conversion_id: conversion.conversion_id,
            model,
            touch_id: touch.conversion_id,
            post_id: post.request_id,
            at: touch.tracked_at,
            position,
            weight: weights[position] as number,
          });
        });
      }
    }
  }
  return { conversions, credit };
}

function insertConversions(shard: D1Database, data: ReturnType<typeof conversionsFor>): D1PreparedStatement[] {
  const statements = chunk(data.conversions, 300).map((part) =>
    shard
      .prepare(
        `INSERT INTO conversions (conversion_id, post_id, tenant_id, session_id, conversion_type, value, utm_source,
           utm_medium, utm_campaign, tracked_at)
         SELECT json_extract(value, '$.conversion_id'), json_extract(value, '$.post_id'), json_extract(value, '$.tenant'),
                json_extract(value, '$.session_id'), json_extract(value, '$.type'), json_extract(value, '$.value'),
                'social', 'organic', json_extract(value, '$.campaign'), json_extract(value, '$.tracked_at')
         FROM json_each(?1)`,
      )
      .bind(JSON.stringify(part)),
  );
  statements.push(
    ...chunk(data.credit, 400).map((part) =>
      shard
        .prepare(
          `INSERT INTO conversion_attributions (conversion_id, tenant_id, model, touch_id, post_id, touched_at, position, weight)
           SELECT json_extract(value, '$.conversion_id'), json_extract(value, '$.tenant'), json_extract(value, '$.model'),
                  json_extract(value, '$.touch_id'), json_extract(value, '$.post_id'), json_extract(value, '$.at'),
                  json_extract(value, '$.position'), json_extract(value, '$.weight')
           FROM json_each(?1)`,
        )
        .bind(JSON.stringify(part)),
    ),
  );
  return statements;
}

/** Failed insight pulls on one post in a hundred, three in five of them resolved since. */
function syncErrorsFor(tenantId: string, published: PublishRequestRow[], rnd: () => number) {
  const rows = published
    .filter(() => rnd() < 0.01)
    .map((post) => {
      const atMs = Date.parse(post.published_at as string) + 3_600_000;
      return {
        error_id: id("se", atMs, rnd),
        post_id: post.request_id,
        tenant_id: tenantId,
        platform: post.platform,
        created_at: new Date(atMs).toISOString(),
        resolved_at: rnd() < 0.6 ? new Date(atMs + 600_000).toISOString() : null,
      };
    });
  return rows;
}

function insertSyncErrors(shard: D1Database, rows: ReturnType<typeof syncErrorsFor>): D1PreparedStatement[] {
  return chunk(rows, 300).map((part) =>
    shard
      .prepare(
        `INSERT INTO analytics_sync_errors (error_id, post_id, tenant_id, platform, error_message, error_type,
           retry_count, created_at, resolved_at)
         SELECT json_extract(value, '$.error_id'), json_extract(value, '$.post_id'), json_extract(value, '$.tenant_id'),
                json_extract(value, '$.platform'),
                'insights unavailable', 'api_error', 1, json_extract(value, '$.created_at'),
                json_extract(value, '$.resolved_at')
         FROM json_each(?1)`,
      )
      .bind(JSON.stringify(part)),
  );
}

/** A tenant's shape: its ids, users, accounts and campaigns. */
export function shapeOf(index: number, posts: number, skills: string[], nowMs: number): TenantShape {
  const rnd = random(index * 7919 + 17);
  const createdMs = nowMs - 400 * DAY_MS;
  const big = posts > 1000;
  return {
    index,
    tenantId: id("ten", createdMs + index, rnd),
    posts,
    users: Array.from({ length: big ? 40 : 2 }, () => id("usr", createdMs, rnd)),
    // Two accounts a platform for the big tenant (a brand and its founder, say), one for the others.
    accounts: (big ? [...PLATFORMS, ...PLATFORMS] : PLATFORMS).map((platform) => ({
      id: id("acc", createdMs, rnd),
      platform,
    })),
    campaigns: Array.from({ length: big ? 24 : 3 }, (_, i) => `campaign-${index}-${i}`),
    skills,
  };
}

/**
 * Writes a group of tenants with all their rows, in foreign-key order, a few D1
 * batches per kind of row for the whole group; returns what the measurements look up.
 * Each tenant's posts are one fenced batch per 100 (as the publish outbox sends them).
 * The directory rows (tenants, key prefixes) go to `global`, the global database.
 */
export async function generateTenants(
  shard: D1Database,
  global: D1Database,
  shardName: string,
  tenants: TenantShape[],
  options: { nowMs: number; days: number },
): Promise<GeneratedTenant[]> {
  const { nowMs, days } = options;
  await run(shard, tenantRows(shard, tenants, nowMs));
  const before: D1PreparedStatement[] = [];
  const made = tenants.map((t) => {
    const rnd = random(hash(t.tenantId));
    const prepared = beforeContent(shard, t, nowMs, rnd);
    before.push(...prepared.statements);
    const content = contentFor(t, Math.round(t.posts * 0.3), nowMs, days, rnd, prepared.extras);
    const posts = postsFor(
      t,
      content.filter((c) => c.selected === 1),
      nowMs,
      days,
      rnd,
    );
    return { t, rnd, content, posts, extras: prepared.extras };
  });
  await run(shard, before);
  await run(global, [
    ...directoryRows(global, shardName, made, nowMs, days),
    ...billingAndErasures(global, tenants, shardName, nowMs, days),
  ]);
  await run(
    shard,
    made.flatMap((m) => insertContent(shard, m.content)),
  );
  await run(
    shard,
    made.flatMap((m) => afterContent(shard, m.content, m.rnd)),
  );
  // The posts, tenant by tenant, each batch led by the tenant's residency fence.
  let batch: D1PreparedStatement[] = [];
  const upcomingOf = new Map<string, PublishRequestRow[]>();
  for (const { t, posts, rnd } of made) {
    const scope: TenantScope = { tenantId: t.tenantId, shard: shardName, db: shard };
    upcomingOf.set(t.tenantId, upcomingPosts(t, nowMs, rnd));
    const upcoming = chunk(upcomingOf.get(t.tenantId) ?? [], MAX_JSON_ROWS).map((part) =>
      savePublishRequests(scope, part),
    );
    for (const statements of [
      ...chunk(posts, MAX_JSON_ROWS).map((part) => postRecordStatements(scope, part)),
      ...upcoming.map((statement) => [statement]),
    ]) {
      const fenced = [residencyFence(shard, t.tenantId), ...statements];
      if (batch.length + fenced.length > 50) {
        await shard.batch(batch);
        batch = [];
      }
      batch.push(...fenced);
    }
  }
  if (batch.length > 0) await shard.batch(batch);

  const out: GeneratedTenant[] = [];
  const rest: D1PreparedStatement[] = [];
  for (const { t, rnd, content, posts, extras } of made) {
    const published = posts.map((p) => p.record).filter((r) => r.status === "published");
    rest.push(
      ...fillAnalytics(
        shard,
        published.map((r) => figures(r.request_id, r.published_at as string, nowMs, rnd)),
      ),
    );
    const audit = otherAudit(t, posts, rnd);
    rest.push(...chunk(audit, MAX_JSON_ROWS).map((entries) => auditStatements(shard, entries)));
    const conversions = conversionsFor(t.tenantId, published, nowMs, rnd);
    rest.push(...insertConversions(shard, conversions));
    const errors = syncErrorsFor(t.tenantId, published, rnd);
    rest.push(...insertSyncErrors(shard, errors));
    rest.push(...afterPosts(shard, t, published, nowMs, rnd));
    const approvals = approvalsAndRisks(
      { tenantId: t.tenantId, shard: shardName, db: shard },
      t,
      { published, upcoming: upcomingOf.get(t.tenantId) ?? [] },
      extras.keys[0]?.id ?? null,
      nowMs,
      rnd,
    );
    rest.push(...approvals.statements);

    const middle = posts[Math.floor(posts.length / 2)] as FinishedPost;
    const middleAuditEntry = audit[Math.floor(audit.length / 2)];
    const middleContent = content[Math.floor(content.length / 2)];
    const sampleContent = content[content.length - 1];
    const purchase = conversions.conversions.find((c) => c.type !== "page_view");
    out.push({
      ...t,
      samples: {
        postIds: posts.slice(-3).map((p) => p.record.request_id),
        publishedPostIds: published.slice(-3).map((r) => r.request_id),
        contentRequestId: sampleContent?.request_id ?? null,
        contentId: sampleContent?.content_id ?? null,
        conversionId: purchase?.conversion_id ?? null,
        sessionId: purchase?.session_id ?? null,
        syncErrorId: errors.find((e) => e.resolved_at === null)?.error_id ?? null,
        middleRequestId: middle.record.request_id,
        middleAudit: middleAuditEntry ? { timestamp: middleAuditEntry.now, logId: "log_\uffff" } : null,
        middleContent: middleContent ? { createdAt: middleContent.created_at, id: middleContent.content_id } : null,
        templateId: extras.templates[0] ?? null,
        configId: extras.configs[0] ?? null,
        knowledgeIds: extras.knowledge.slice(-20).map((k) => k.id),
        knowledgeCategory: extras.knowledge.find((k) => k.category !== null)?.category ?? null,
        keyId: extras.keys[0]?.id ?? null,
        keyPrefix: extras.keys[0]?.prefix ?? null,
        guardContentId: content.at(-1)?.content_id ?? null,
        pendingPostId: approvals.editedPostId,
        customerId: customerOf(t.tenantId),
        stripeEventId: stripeEventsOf(t, nowMs, days).lastApplied.event_id,
      },
    });
  }
  await run(shard, rest);
  return out;
}

/**
 * The tenants' directory rows (each a Stripe customer with its newest event applied; the
 * deleted ones of registry.ts in their grace) and their keys' prefixes, in the global database.
 */
function directoryRows(
  global: D1Database,
  shardName: string,
  made: { t: TenantShape; extras: TenantExtras }[],
  nowMs: number,
  days: number,
): D1PreparedStatement[] {
  const at = new Date(nowMs - 400 * DAY_MS).toISOString();
  return [
    ...bulkInsert(
      global,
      "tenants",
      made.map(({ t }) => ({
        tenant_id: t.tenantId,
        name: `Bench tenant ${t.tenantId.slice(-6)}`,
        region: "us-east",
        kms_key_id: `kms_${t.tenantId.slice(4)}`,
        tier: t.posts > 1000 ? "enterprise" : "standard",
        shard: shardName,
        status: isDeleted(t) ? "deleted" : "active",
        stripe_customer_id: customerOf(t.tenantId),
        subscription_status: "active",
        billing_event_created: stripeEventsOf(t, nowMs, days).lastApplied.created,
        created_at: at,
        updated_at: at,
      })),
    ),
    ...bulkInsert(
      global,
      "key_prefixes",
      made.flatMap(({ t, extras }) =>
        extras.keys.map((k) => ({ key_prefix: k.prefix, tenant_id: t.tenantId, created_at: at })),
      ),
    ),
  ];
}

/** A group of tenants (`index`, `posts` each) generated with their private skills; what the measurements look up. */
export async function generateGroup(
  target: { shard: D1Database; global: D1Database; shardName: string },
  group: readonly { index: number; posts: number }[],
  options: { skills: string[]; nowMs: number; days: number },
): Promise<GeneratedTenant[]> {
  const shapes = group.map(({ index, posts }) => shapeOf(index, posts, options.skills, options.nowMs));
  const made = await generateTenants(target.shard, target.global, target.shardName, shapes, options);
  await run(target.global, privateSkills(target.global, shapes, options.nowMs));
  return made;
}

/** The global registry (once, before the tenants): the skills content names among 300 global ones. */
export async function generateRegistry(global: D1Database, options: { skills: string[]; nowMs: number; days: number }) {
  await run(global, globalRegistry(global, options.skills, options.nowMs, options.days));
}
