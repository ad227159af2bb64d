// Exact per-key hourly limits: a sliding log of admitted requests per API key in the
// tenant's SQLite. Checking and recording happen in one synchronous step with no
// await between them, so however many requests arrive at once, no more than the
// limit are admitted in any 60-minute span (ARCHITECTURE.md, Admission).

import type { SlidingLog } from "../storage/sliding-log";
import type { Admission } from "../tenant-object/contract";

export const API_KEY_WINDOW_MS = 60 * 60 * 1000;

export function admitApiKeyRequest(
  sql: SqlStorage,
  log: SlidingLog,
  keyId: string,
  limit: number,
  nowMs: number,
): Admission {
  const used = log.prune(keyId, nowMs - API_KEY_WINDOW_MS);
  const oldest = log.oldest(keyId);
  if (used >= limit) {
    const resetAtMs = (oldest ?? nowMs) + API_KEY_WINDOW_MS;
    return {
      allowed: false,
      limit,
      remaining: 0,
      resetAtMs,
      retryAfterSeconds: Math.max(1, Math.ceil((resetAtMs - nowMs) / 1000)),
    };
  }
  log.add(keyId, nowMs);
  sql.exec(
    `INSERT INTO api_key_usage (key_id, use_count, last_used_ms, dirty) VALUES (?, 1, ?, 1)
     ON CONFLICT(key_id) DO UPDATE SET use_count = use_count + 1, last_used_ms = excluded.last_used_ms, dirty = 1`,
    keyId,
    nowMs,
  );
  return {
    allowed: true,
    limit,
    remaining: limit - used - 1,
    resetAtMs: (oldest ?? nowMs) + API_KEY_WINDOW_MS,
    retryAfterSeconds: 0,
  };
}

export interface KeyUsage {
  keyId: string;
  useCount: number;
  lastUsedMs: number;
}

/** Usage not yet written to D1. */
export function dirtyKeyUsage(sql: SqlStorage): KeyUsage[] {
  return sql
    .exec<{ key_id: string; use_count: number; last_used_ms: number }>(
      "SELECT key_id, use_count, last_used_ms FROM api_key_usage WHERE dirty = 1 ORDER BY key_id",
    )
    .toArray()
    .map((row) => ({ keyId: row.key_id, useCount: row.use_count, lastUsedMs: row.last_used_ms }));
}

/** Marks usage written, unless it moved on while the write was in flight. */
export function markKeyUsageFlushed(sql: SqlStorage, flushed: KeyUsage[]): void {
  for (const usage of flushed) {
    sql.exec("UPDATE api_key_usage SET dirty = 0 WHERE key_id = ? AND use_count = ?", usage.keyId, usage.useCount);
  }
}
