// Pulling insights for recent posts from their platforms, on the object's alarm: each
// post when its age-based interval has passed (pullInterval), in batched reads per
// account. Each post's figures arrive as a snapshot event; a failure opens (or counts
// another try on) an analytics_sync_errors row, and the next success resolves it.
import { METRIC_FIELD, METRIC_NAMES, type MetricName } from "../../src/core/analytics/post-metrics";
import { chunk } from "../../src/core/db/chunk";
import { newId } from "../../src/core/db/ids";
import { openSyncError, resolveSyncError, retrySyncError, type SyncErrorType } from "../../src/core/db/sync-errors";
import type { TenantScope } from "../../src/core/db/tenant-scope";
import { isPlatformError } from "../../src/core/platforms/errors";
import { refreshAtPlatform } from "../../src/core/platforms/refresh";
import type { Platform, PlatformAdapter, PostMetrics } from "../../src/core/platforms/types";
import type { AccountTokens, TokenStep } from "../publishing/account-tokens";
import type { MetricEvent } from "../tenant-object/contract";

/** Posts younger than this are pulled. */
export const SYNC_WINDOW_MS = 7 * 86_400_000;
/**
 * Posts pulled per run, most overdue first. Batched reads make this a few calls per
 * account (see each adapter's insightsBatch).
 */
const POSTS_PER_RUN = 500;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** A post whose pull failed is tried again this much later. */
export const PULL_RETRY_MS = MINUTE_MS;

/**
 * How long a post waits for its next pull, by its age: every 5 minutes in its first
 * hour, hourly in its first day, then every 6 hours to the end of the window. Figures
 * move fast only while a post is young, and every pull spends the account's API quota
 * (a per-minute pull of every post for 7 days is 10,080 reads a post).
 */
export function pullInterval(ageMs: number): number {
  if (ageMs < HOUR_MS) return 5 * MINUTE_MS;
  if (ageMs < 24 * HOUR_MS) return HOUR_MS;
  return 6 * HOUR_MS;
}

/** When the next post in the window is due (ms since the epoch); null when none is left. */
export function nextPullDue(sql: SqlStorage, nowMs: number): number | null {
  return sql
    .exec<{ due: number | null }>(
      `SELECT MIN(COALESCE(s.next_sync_ms, 0)) AS due
       FROM post_counters c LEFT JOIN insight_syncs s ON s.post_id = c.post_id
       WHERE c.published_at_ms >= ?`,
      nowMs - SYNC_WINDOW_MS,
    )
    .one().due;
}

type Due = {
  post_id: string;
  published_at_ms: number;
  platform: Platform;
  account_id: string;
  platform_post_id: string;
  open_error_id: string | null;
};

function errorType(error: unknown): SyncErrorType {
  if (!isPlatformError(error)) return "api_error";
  switch (error.kind) {
    case "rate_limited":
      return "rate_limit";
    case "auth":
    case "invalid_grant":
      return "auth_error";
    case "timeout":
    case "unavailable":
      return error.details.status ? "api_error" : "network_error";
    default:
      return "api_error";
  }
}

function snapshot(postId: string, metrics: PostMetrics, atMs: number): MetricEvent {
  // What the platform does not report (null) is left as it stands.
  const values: Partial<Record<MetricName, number>> = {};
  for (const name of METRIC_NAMES) {
    const value = metrics[METRIC_FIELD[name]];
    if (value !== null) values[name] = value;
  }
  return { postId, type: "snapshot", atMs, metrics: values };
}

export interface InsightsContext {
  sql: SqlStorage;
  scope: TenantScope;
  tokens: AccountTokens;
  adapterFor: (platform: Platform) => PlatformAdapter;
  completeRefresh: (
    accountId: string,
    leaseId: string,
    outcome: Awaited<ReturnType<typeof refreshAtPlatform>>,
  ) => Promise<TokenStep>;
}

/** A failed pull; `retryAtMs` when the platform said when it takes calls again (a rate limit's reset). */
type Pulled =
  | { ok: true; metrics: PostMetrics }
  | { ok: false; type: SyncErrorType; message: string; retryAtMs?: number };

function failed(error: unknown): Pulled {
  const retryAtMs = isPlatformError(error) && error.kind === "rate_limited" ? error.details.resetAtMs : undefined;
  return {
    ok: false,
    type: errorType(error),
    message: error instanceof Error ? error.message : String(error),
    ...(retryAtMs === undefined ? {} : { retryAtMs }),
  };
}

/** A usable access token for an account, refreshing it first when it is due. */
async function accessFor(ctx: InsightsContext, adapter: PlatformAdapter, accountId: string) {
  let step = await ctx.tokens.acquire(accountId);
  if (step.kind === "refresh") {
    step = await ctx.completeRefresh(
      step.lease.accountId,
      step.lease.leaseId,
      await refreshAtPlatform(adapter, step.lease),
    );
  }
  if (step.kind !== "token") throw new Error(`no usable token (${step.kind})`);
  return step;
}

/**
 * One platform call for a batch of one account's posts. When the platform refuses the
 * batch itself (Graph fails a whole multiple-id read over one deleted post), each post
 * is read alone, so one bad post does not hold back the others.
 */
async function pullBatch(
  ctx: InsightsContext,
  adapter: PlatformAdapter,
  accountId: string,
  posts: Due[],
): Promise<Map<string, Pulled>> {
  const pulled = new Map<string, Pulled>();
  try {
    const token = await accessFor(ctx, adapter, accountId);
    const metrics = await adapter.insights(
      token.accessToken,
      token.platformUserId,
      posts.map((post) => post.platform_post_id),
    );
    for (const post of posts) {
      const figures = metrics.get(post.platform_post_id);
      pulled.set(
        post.post_id,
        figures
          ? { ok: true, metrics: figures }
          : { ok: false, type: "api_error", message: `${post.platform} did not return the post` },
      );
    }
  } catch (error) {
    if (posts.length > 1 && isPlatformError(error) && error.kind === "rejected") {
      for (const post of posts) {
        for (const [id, result] of await pullBatch(ctx, adapter, accountId, [post])) pulled.set(id, result);
      }
    } else {
      for (const post of posts) pulled.set(post.post_id, failed(error));
    }
  }
  return pulled;
}

/**
 * Pulls insights for due posts, most overdue first: one call per account and batch
 * (the platforms' batch reads), not one per post. The snapshot events to apply.
 */
export async function pullInsights(ctx: InsightsContext, nowMs: number): Promise<MetricEvent[]> {
  const due = ctx.sql
    .exec<Due>(
      `SELECT c.post_id, c.published_at_ms, c.platform, c.account_id, c.platform_post_id, s.open_error_id
       FROM post_counters c LEFT JOIN insight_syncs s ON s.post_id = c.post_id
       WHERE c.published_at_ms >= ? AND COALESCE(s.next_sync_ms, 0) <= ?
       ORDER BY COALESCE(s.next_sync_ms, 0) LIMIT ?`,
      nowMs - SYNC_WINDOW_MS,
      nowMs,
      POSTS_PER_RUN,
    )
    .toArray();
  const byAccount = new Map<string, Due[]>();
  for (const post of due) {
    const posts = byAccount.get(post.account_id);
    if (posts) posts.push(post);
    else byAccount.set(post.account_id, [post]);
  }

  const events: MetricEvent[] = [];
  const statements: D1PreparedStatement[] = [];
  const now = new Date(nowMs).toISOString();
  for (const [accountId, posts] of byAccount) {
    const adapter = ctx.adapterFor((posts[0] as Due).platform);
    if (adapter.insightsBatch === 0) {
      // This deployment reads no figures of the platform (LinkedIn without member post
      // statistics: docs/platforms.md): its posts are not asked for again in their window.
      for (const post of posts) {
        ctx.sql.exec(
          `INSERT INTO insight_syncs (post_id, last_synced_ms, open_error_id, next_sync_ms) VALUES (?, ?, ?, ?)
           ON CONFLICT(post_id) DO UPDATE SET next_sync_ms = excluded.next_sync_ms`,
          post.post_id,
          nowMs,
          post.open_error_id,
          post.published_at_ms + SYNC_WINDOW_MS + 1,
        );
      }
      continue;
    }
    // Once the platform says the account is throttled until a time (Graph's
    // estimated_time_to_regain_access), its other posts wait until then, uncalled.
    let throttled: Extract<Pulled, { ok: false }> | null = null;
    for (const batch of chunk(posts, adapter.insightsBatch)) {
      const pulled = throttled
        ? new Map(batch.map((post): [string, Pulled] => [post.post_id, throttled as Pulled]))
        : await pullBatch(ctx, adapter, accountId, batch);
      for (const post of batch) {
        const result = pulled.get(post.post_id) as Pulled;
        let errorId = post.open_error_id;
        if (result.ok) {
          events.push(snapshot(post.post_id, result.metrics, nowMs));
          if (errorId) statements.push(resolveSyncError(ctx.scope, errorId, now));
          errorId = null;
        } else if (errorId) {
          statements.push(retrySyncError(ctx.scope, errorId, result));
        } else {
          errorId = newId("syncError");
          const { type, message } = result;
          statements.push(
            openSyncError(ctx.scope, { errorId, postId: post.post_id, platform: post.platform, type, message }, now),
          );
        }
        if (!result.ok && result.retryAtMs !== undefined) throttled ??= result;
        const nextMs = result.ok
          ? nowMs + pullInterval(nowMs - post.published_at_ms)
          : Math.max(nowMs + PULL_RETRY_MS, result.retryAtMs ?? 0);
        ctx.sql.exec(
          `INSERT INTO insight_syncs (post_id, last_synced_ms, open_error_id, next_sync_ms) VALUES (?, ?, ?, ?)
           ON CONFLICT(post_id) DO UPDATE SET last_synced_ms = excluded.last_synced_ms,
             open_error_id = excluded.open_error_id, next_sync_ms = excluded.next_sync_ms`,
          post.post_id,
          nowMs,
          errorId,
          nextMs,
        );
      }
    }
  }
  for (const part of chunk(statements, 50)) await ctx.scope.db.batch(part);
  return events;
}
