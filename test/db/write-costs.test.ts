// What D1 bills for writing (docs/benchmarks.md): the rows a published post writes through the
// publish outbox's statements, index entries included, and the rows an analytics flush
// writes per changed post, as D1 itself counts them (meta.rows_written).
import { describe, expect, it } from "vitest";
import { type FinishedPost, postRecordStatements } from "../../src/core/db/post-records";
import type { PublishRequestRow } from "../../src/core/db/publish-requests";
import { ingest, publishedPosts, pullNow } from "../support/analytics";
import { countedScope } from "../support/d1-counts";
import { tenantDb } from "../support/databases";
import { flushAnalytics } from "../support/object-hooks";
import { insertAccount, insertTenant, insertUser, uniqueId } from "../support/rows";

/** The write budget: rows written per published post, every index entry included. */
const ROWS_PER_POST = 18;

interface Shape {
  campaign?: boolean;
  content?: boolean;
  key?: boolean;
}

async function tenantToPublish() {
  const tenantId = await insertTenant();
  const user = await insertUser(tenantId);
  const accounts = [];
  for (const platform of ["linkedin", "twitter", "facebook", "instagram"]) {
    accounts.push({ id: await insertAccount(tenantId, { platform }), platform });
  }
  return { tenantId, user, accounts };
}

/** `count` posts of `shape` published now, as the outbox records them. */
async function posts(t: Awaited<ReturnType<typeof tenantToPublish>>, count: number, shape: Shape) {
  const out: FinishedPost[] = [];
  for (let i = 0; i < count; i++) {
    const account = t.accounts[i % t.accounts.length] as { id: string; platform: string };
    const id = uniqueId("post");
    const now = new Date().toISOString();
    let contentId: string | null = null;
    if (shape.content) {
      contentId = uniqueId("gen");
      await (await tenantDb(t.tenantId))
        .prepare(
          `INSERT INTO generated_content (content_id, tenant_id, intent_spec, content_type, user_selected, created_at)
           VALUES (?, ?, '{}', 'text', 1, ?)`,
        )
        .bind(contentId, t.tenantId, now)
        .run();
    }
    const record = {
      request_id: id,
      tenant_id: "",
      account_id: account.id,
      platform: account.platform,
      status: "published",
      idempotency_key: shape.key ? `key-${id}` : null,
      text: "Beams on site by seven",
      image_url: null,
      video_url: null,
      hashtags: '["steel"]',
      scheduled_at: null,
      campaign_id: shape.campaign ? "spring" : null,
      utm_params: shape.campaign ? '{"utm_campaign":"spring"}' : null,
      content_id: contentId,
      requested_by: t.user,
      platform_post_id: `pp-${id}`,
      platform_post_url: null,
      published_at: now,
      error_type: null,
      error_message: null,
      created_at: now,
      updated_at: now,
    } as PublishRequestRow;
    out.push({ record, actor: { tenantId: t.tenantId, userId: t.user, ip: null, userAgent: null, requestId: id } });
  }
  return out;
}

/** Rows D1 wrote for one outbox batch of `batch`, per post. */
async function rowsPerPost(tenantId: string, batch: FinishedPost[]): Promise<number> {
  const { scope, counts } = await countedScope(tenantId);
  await scope.db.batch(postRecordStatements(scope, batch));
  return counts.rowsWritten / batch.length;
}

describe("rows written per published post", () => {
  it("stay within the budget for a batch of posts of every kind, and for each kind alone", async () => {
    const t = await tenantToPublish();
    const shapes: Shape[] = [
      {},
      { campaign: true },
      { key: true },
      { content: true },
      { campaign: true, content: true, key: true },
    ];
    for (const shape of shapes) {
      for (const count of [50, 1]) {
        expect(
          await rowsPerPost(t.tenantId, await posts(t, count, shape)),
          `${count} × ${JSON.stringify(shape)}`,
        ).toBeLessThanOrEqual(ROWS_PER_POST);
      }
    }
  });

  // The foreign keys from publish_requests and published_posts to generated_content each
  // need an index on content_id, or deleting a candidate (retention, a move) reads the
  // tenant's every request and post: partial indexes, so only posts from content pay.
  it("cost a post from generated content two rows more: its entries in the indexes its foreign keys need", async () => {
    const t = await tenantToPublish();
    const plain = await rowsPerPost(t.tenantId, await posts(t, 50, {}));
    const fromContent = await rowsPerPost(t.tenantId, await posts(t, 50, { content: true }));
    expect(fromContent - plain).toBeCloseTo(2, 9);
  });
});

describe("rows written per flushed post", () => {
  it("are one, whether the post changed by client events or by a pull from its platform", async () => {
    const world = await publishedPosts(12);
    const flush = () => flushAnalytics(world.tenant.tenantId);
    await flush();
    const events = world.posts.slice(0, 5).map((postId) => ({ post_id: postId, type: "delta", metrics: { likes: 2 } }));
    expect((await ingest(world.key, events)).status).toBe(200);
    const clientEvents = await flush();
    expect(clientEvents.posts).toBe(5);
    expect(clientEvents.rowsWritten).toBe(clientEvents.posts);

    // A pull moves synced_at and sync_count (in three indexes before migration 0013).
    await pullNow(world.tenant.tenantId);
    const pulled = await flush();
    expect(pulled.posts).toBe(world.posts.length);
    expect(pulled.rowsWritten).toBe(pulled.posts);
  });
});
