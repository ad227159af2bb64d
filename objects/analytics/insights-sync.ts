// Pulling insights for recent posts from their platforms, on the object's alarm.
// Each post's figures arrive as a snapshot event; a failure opens (or counts another
// try on) an analytics_sync_errors row, and the next success resolves it.
import { METRIC_FIELD, METRIC_NAMES, type MetricName } from "../../src/analytics/post-metrics";
import { newId } from "../../src/db/ids";
import { openSyncError, resolveSyncError, retrySyncError, type SyncErrorType } from "../../src/db/sync-errors";
import type { TenantScope } from "../../src/db/tenant-scope";
import { isPlatformError } from "../../src/platforms/errors";
import type { Platform, PlatformAdapter, PostMetrics } from "../../src/platforms/types";
import { refreshAtPlatform } from "../../src/publishing/publish-flow";
import type { AccountTokens, TokenStep } from "../publishing/account-tokens";
import type { MetricEvent } from "./counters-store";

/** Posts younger than this are pulled. */
export const SYNC_WINDOW_MS = 7 * 86_400_000;
/** Posts pulled per run, least recently synced first. */
const POSTS_PER_RUN = 50;

type Due = {
  post_id: string;
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

/** Pulls insights for due posts; the snapshot events to apply. */
export async function pullInsights(ctx: InsightsContext, nowMs: number): Promise<MetricEvent[]> {
  const due = ctx.sql
    .exec<Due>(
      `SELECT c.post_id, c.platform, c.account_id, c.platform_post_id, s.open_error_id
       FROM post_counters c LEFT JOIN insight_syncs s ON s.post_id = c.post_id
       WHERE c.published_at_ms >= ? ORDER BY COALESCE(s.last_synced_ms, 0) LIMIT ?`,
      nowMs - SYNC_WINDOW_MS,
      POSTS_PER_RUN,
    )
    .toArray();
  const events: MetricEvent[] = [];
  const statements: D1PreparedStatement[] = [];
  const now = new Date(nowMs).toISOString();
  for (const post of due) {
    const adapter = ctx.adapterFor(post.platform);
    let errorId = post.open_error_id;
    try {
      let step = await ctx.tokens.acquire(post.account_id);
      if (step.kind === "refresh") {
        step = await ctx.completeRefresh(
          step.lease.accountId,
          step.lease.leaseId,
          await refreshAtPlatform(adapter, step.lease),
        );
      }
      if (step.kind !== "token") throw new Error(`no usable token (${step.kind})`);
      const metrics = await adapter.insights(step.accessToken, step.platformUserId, post.platform_post_id);
      events.push(snapshot(post.post_id, metrics, nowMs));
      if (errorId) statements.push(resolveSyncError(ctx.scope, errorId, now));
      errorId = null;
    } catch (error) {
      const failure = { type: errorType(error), message: error instanceof Error ? error.message : String(error) };
      if (errorId) {
        statements.push(retrySyncError(ctx.scope, errorId, failure));
      } else {
        errorId = newId("syncError");
        statements.push(
          openSyncError(ctx.scope, { errorId, postId: post.post_id, platform: post.platform, ...failure }, now),
        );
      }
    }
    ctx.sql.exec(
      `INSERT INTO insight_syncs (post_id, last_synced_ms, open_error_id) VALUES (?, ?, ?)
       ON CONFLICT(post_id) DO UPDATE SET last_synced_ms = excluded.last_synced_ms, open_error_id = excluded.open_error_id`,
      post.post_id,
      nowMs,
      errorId,
    );
  }
  if (statements.length) await ctx.scope.db.batch(statements);
  return events;
}
