// Rows D1 writes per published post, through the publish outbox's own statements
// (postRecordStatements in one fenced batch, as objects/publishing/record-outbox.ts
// sends them), for a full batch of typical posts and for each shape of post alone;
// and the bytes a post adds to the database with its indexes.
import { auditStatements } from "../../../src/core/db/audit-logs";
import { chunk } from "../../../src/core/db/chunk";
import { MAX_JSON_ROWS } from "../../../src/core/db/json-rows";
import { type FinishedPost, postRecordStatements } from "../../../src/core/db/post-records";
import type { PublishRequestRow } from "../../../src/core/db/publish-requests";
import { savePublishRequests } from "../../../src/core/db/publish-requests";
import type { TenantScope } from "../../../src/core/db/tenant-scope";
import { id, random, sentence, type TenantShape } from "./generate";
import type { Recorder } from "./recorder";

export interface PostShape {
  campaign: boolean;
  content: boolean;
  idempotencyKey: boolean;
  image: boolean;
}

/** A post published now, of `shape`, on the tenant's first account. */
function postOf(t: TenantShape, shape: PostShape, contentId: string | null, rnd: () => number): FinishedPost {
  const nowMs = Date.now();
  const at = new Date(nowMs).toISOString();
  const requestId = id("post", nowMs, rnd);
  const account = t.accounts[Math.floor(rnd() * t.accounts.length)] as TenantShape["accounts"][number];
  const campaign = shape.campaign ? (t.campaigns[0] as string) : null;
  const record: PublishRequestRow = {
    request_id: requestId,
    tenant_id: "",
    account_id: account.id,
    platform: account.platform,
    status: "published",
    idempotency_key: shape.idempotencyKey ? `idem-${requestId}` : null,
    // As long as the generated posts' text (180 to 380 characters).
    text: sentence(rnd, 180 + Math.floor(rnd() * 200)),
    image_url: shape.image ? `https://cdn.example.com/media/${requestId}.jpg` : null,
    video_url: null,
    hashtags: JSON.stringify(["steel", "delivery"]),
    scheduled_at: null,
    campaign_id: campaign,
    utm_params: campaign ? JSON.stringify({ utm_source: account.platform, utm_campaign: campaign }) : null,
    content_id: shape.content ? contentId : null,
    requested_by: t.users[0] as string,
    platform_post_id: `${account.platform}-${requestId}`,
    platform_post_url: `https://${account.platform}.example.com/p/${requestId}`,
    published_at: at,
    error_type: null,
    error_message: null,
    created_at: at,
    updated_at: at,
    held_reason: null,
  };
  const actor = {
    tenantId: t.tenantId,
    userId: t.users[0] as string,
    ip: "203.0.113.7",
    userAgent: "bench",
    requestId,
  };
  return { record, actor };
}

/** Generated content the posts can name (selected candidates nobody has published yet). */
async function freshContent(shard: D1Database, tenantId: string, count: number, rnd: () => number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => id("gen", Date.now(), rnd));
  await shard
    .prepare(
      `INSERT INTO generated_content (content_id, tenant_id, intent_spec, content_type, text_content, user_selected, created_at)
       SELECT value, ?2, '{}', 'text', 'bench', 1, ?3 FROM json_each(?1)`,
    )
    .bind(JSON.stringify(ids), tenantId, new Date().toISOString())
    .run();
  return ids;
}

export interface WriteFigure {
  name: string;
  posts: number;
  rowsWritten: number;
  rowsRead: number;
  perPost: number;
}

/** Publishes `posts` in one outbox batch; D1's rows written and read (fence included). */
async function record(
  scope: TenantScope,
  recorder: Recorder,
  posts: FinishedPost[],
  name: string,
): Promise<WriteFigure> {
  const from = recorder.log.length;
  await scope.db.batch(postRecordStatements(scope, posts));
  const totals = recorder.totals(from);
  return {
    name,
    posts: posts.length,
    rowsWritten: totals.rowsWritten,
    rowsRead: totals.rowsRead,
    perPost: totals.rowsWritten / posts.length,
  };
}

const SHAPES: [string, PostShape][] = [
  ["no campaign, no content, no key", { campaign: false, content: false, idempotencyKey: false, image: false }],
  ["with a campaign", { campaign: true, content: false, idempotencyKey: false, image: false }],
  ["from generated content", { campaign: false, content: true, idempotencyKey: false, image: false }],
  ["with an Idempotency-Key", { campaign: false, content: false, idempotencyKey: true, image: false }],
  ["campaign, content and key", { campaign: true, content: true, idempotencyKey: true, image: true }],
];

/**
 * Rows written per published post: a full outbox batch (50 posts, the generator's mix:
 * half with a campaign, a tenth from content, three in ten with a key) and each shape
 * alone in its own batch (so the fence and the account's last use count in full).
 */
export async function rowsPerPost(
  scope: TenantScope,
  shard: D1Database,
  recorder: Recorder,
  t: TenantShape,
): Promise<{ batch: WriteFigure; shapes: WriteFigure[]; scheduled: WriteFigure }> {
  const rnd = random(4242);
  const content = await freshContent(shard, t.tenantId, 60, rnd);
  const mixed = Array.from({ length: 50 }, (_, i) =>
    postOf(
      t,
      { campaign: rnd() < 0.5, content: i % 10 === 0, idempotencyKey: rnd() < 0.3, image: rnd() < 0.3 },
      content.pop() ?? null,
      rnd,
    ),
  );
  const batch = await record(scope, recorder, mixed, "a batch of 50 typical posts");
  const shapes: WriteFigure[] = [];
  for (const [name, shape] of SHAPES) {
    shapes.push(await record(scope, recorder, [postOf(t, shape, content.pop() ?? null, rnd)], name));
  }
  // A scheduled post: its request row first, then the published record.
  const later = postOf(t, { campaign: false, content: false, idempotencyKey: false, image: false }, null, rnd);
  const from = recorder.log.length;
  await scope.db.batch([
    savePublishRequests(scope, [
      {
        ...later.record,
        status: "scheduled",
        scheduled_at: later.record.created_at,
        platform_post_id: null,
        platform_post_url: null,
        published_at: null,
      },
    ]),
  ]);
  await scope.db.batch(postRecordStatements(scope, [later]));
  const totals = recorder.totals(from);
  return {
    batch,
    shapes,
    scheduled: {
      name: "scheduled, then published",
      posts: 1,
      rowsWritten: totals.rowsWritten,
      rowsRead: totals.rowsRead,
      perPost: totals.rowsWritten,
    },
  };
}

async function sizeOf(shard: D1Database): Promise<number> {
  const result = await shard.prepare("SELECT 1").run();
  return result.meta.size_after ?? 0;
}

/**
 * Bytes `count` posts add to the shard, with every index: their publish records, their
 * analytics figures (filled as a flush fills them) and one other audit row each, as in
 * the generated dataset. D1 reports the database's size after each statement.
 */
export async function bytesPerPost(scope: TenantScope, shard: D1Database, t: TenantShape, count: number) {
  const rnd = random(777);
  const before = await sizeOf(shard);
  const posts = Array.from({ length: count }, () =>
    postOf(t, { campaign: rnd() < 0.5, content: false, idempotencyKey: rnd() < 0.3, image: rnd() < 0.3 }, null, rnd),
  );
  for (const part of chunk(posts, MAX_JSON_ROWS)) {
    await scope.db.batch(postRecordStatements(scope, part));
    await scope.db.batch([
      auditStatements(
        scope.db,
        part.map(({ record, actor }) => ({
          actor,
          event: { action: "analytics.ingest", resourceType: "post_analytics", resourceId: record.request_id },
          now: record.created_at,
        })),
      ),
    ]);
  }
  await shard
    .prepare(
      `UPDATE post_analytics SET likes = 120, comments = 14, shares = 9, clicks = 40, impressions = 5400, reach = 3900,
         unique_impressions = 3900, engagement_rate = 0.034, viral_coefficient = 0.4, engagement_velocity_1h = 12.5,
         engagement_velocity_24h = 3.1, engagement_velocity_7d = 0.6, performance_score = 57,
         performance_score_breakdown = '{"engagement":40,"reach":30,"shares":10,"basis":"benchmarks"}',
         anomaly_type = 'normal', z_score = 0.3
       WHERE post_id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(posts.map((p) => p.record.request_id)))
    .run();
  const after = await sizeOf(shard);
  return { posts: count, bytes: after - before, bytesPerPost: (after - before) / count };
}
