// The object's periodic chores, each on a named timer of the one alarm:
// usage flushed to D1 rate_limits (absolute counts: a retried flush is harmless),
// attempts whose caller vanished marked as unknown (never retried blindly), and
// old bookkeeping pruned.
import { chunk } from "../../src/core/db/chunk";
import { writeRateLimitUsage } from "../../src/core/db/rate-limits";
import { tenantScope } from "../../src/core/db/tenant-scope";
import type { Timers } from "../storage/timers";
import { IDEMPOTENCY_TTL_MS } from "./idempotency";
import { dirtyUsageBuckets, markUsageFlushed } from "./rate-windows";
import type { PublishRecord } from "./record";

/** An attempt with no outcome after this long lost its caller. */
export const STALE_ATTEMPT_MS = 2 * 60 * 1000;

export async function flushUsage(sql: SqlStorage, env: Env, tenantId: string): Promise<number> {
  const buckets = dirtyUsageBuckets(sql);
  const scope = await tenantScope(env, tenantId);
  for (const part of chunk(buckets, 50)) {
    await scope.db.batch(part.map((bucket) => writeRateLimitUsage(scope, bucket)));
    markUsageFlushed(sql, part);
  }
  return buckets.length;
}

/** Attempts not finished long after any platform call could have answered. */
export function staleAttempts(sql: SqlStorage, nowMs: number): { attemptId: string; called: boolean }[] {
  return sql
    .exec<{ attempt_id: string; state: string }>(
      "SELECT attempt_id, state FROM attempts WHERE state IN ('sending', 'calling') AND updated_at_ms <= ? ORDER BY created_at_ms LIMIT 50",
      nowMs - STALE_ATTEMPT_MS,
    )
    .toArray()
    .map((row) => ({ attemptId: row.attempt_id, called: row.state === "calling" }));
}

/**
 * Attempts whose caller vanished: one that was sent has an unknown outcome and is
 * never retried; one never sent gives its slot back. Then old bookkeeping is pruned.
 */
export async function sweepAttempts(
  sql: SqlStorage,
  record: PublishRecord,
  timers: Timers<"sweep-attempts">,
  now: number,
): Promise<void> {
  for (const { attemptId, called } of staleAttempts(sql, now)) {
    await record.finish(
      attemptId,
      called
        ? { kind: "failed", error: "timeout", message: "no outcome was reported for this publish" }
        : { kind: "failed", error: "unavailable", message: "the publish was abandoned before it was sent" },
    );
  }
  prune(sql, now);
  const open = sql
    .exec<{ n: number }>("SELECT COUNT(*) AS n FROM attempts WHERE state IN ('sending', 'calling')")
    .one().n;
  if (open > 0) await timers.scheduleAtMost("sweep-attempts", now + STALE_ATTEMPT_MS);
}

export function prune(sql: SqlStorage, nowMs: number): void {
  sql.exec("DELETE FROM attempts WHERE state = 'done' AND updated_at_ms <= ?", nowMs - IDEMPOTENCY_TTL_MS);
  sql.exec("DELETE FROM usage_buckets WHERE dirty = 0 AND bucket_start_ms <= ?", nowMs - 8 * 24 * 3_600_000);
}
