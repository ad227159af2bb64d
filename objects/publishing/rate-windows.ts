// Exact publishing windows per account: a sliding log of admitted calls, checked and
// written in one synchronous step (no await between them), so no burst can slip
// past the limit (ARCHITECTURE.md, Admission). The default limits are replaced
// per tenant, and tightened by what the platform itself reports.
import type { WindowSpec } from "../../src/core/platforms/publish-windows";
import type { Platform, QuotaReport } from "../../src/core/platforms/types";
import type { SlidingLog } from "../storage/sliding-log";
import type { AccountWindow } from "../tenant-object/contract";

// The platforms' windows, and how far a tenant's override may move them, are the
// router's too (it refuses a raise at PATCH /v1/tenant): src/core/platforms/publish-windows.ts.
export {
  DEFAULT_WINDOWS,
  type WindowOverride,
  type WindowSpec,
  windowFor,
} from "../../src/core/platforms/publish-windows";

const HOUR = 3_600_000;

export type AdmissionResult =
  | { allowed: true }
  | { allowed: false; window: string; limit: number; used: number; resetAtMs: number; source: "window" | "platform" };

type QuotaRow = {
  remaining: number;
  reset_at_ms: number;
  reported_at_ms: number;
  source: string;
};

/**
 * The latest report per account, mirrored in memory per object (keyed by the
 * object's storage, so it lives and dies with the object): read on every admission.
 */
const quotaMirrors = new WeakMap<SqlStorage, Map<string, QuotaRow | null>>();

function mirrorOf(sql: SqlStorage): Map<string, QuotaRow | null> {
  let mirror = quotaMirrors.get(sql);
  if (!mirror) {
    mirror = new Map();
    quotaMirrors.set(sql, mirror);
  }
  return mirror;
}

function platformQuota(sql: SqlStorage, accountId: string, nowMs: number): QuotaRow | null {
  const mirror = mirrorOf(sql);
  let row = mirror.get(accountId);
  if (row === undefined) {
    row =
      sql
        .exec<QuotaRow>(
          "SELECT remaining, reset_at_ms, reported_at_ms, source FROM platform_quota WHERE account_id = ?",
          accountId,
        )
        .toArray()[0] ?? null;
    mirror.set(accountId, row);
  }
  return row && row.reset_at_ms > nowMs ? row : null;
}

function hourOf(ms: number): number {
  return ms - (ms % HOUR);
}

/** Reserves one unit for `attemptId`, or says which window is full and until when. */
export function reserveSlot(
  sql: SqlStorage,
  log: SlidingLog,
  account: { accountId: string; platform: Platform },
  spec: WindowSpec,
  attemptId: string,
  nowMs: number,
): AdmissionResult {
  const { accountId, platform } = account;
  const used = log.prune(accountId, nowMs - spec.windowMs);
  if (used >= spec.limit) {
    const oldest = log.oldest(accountId);
    return {
      allowed: false,
      window: spec.name,
      limit: spec.limit,
      used,
      resetAtMs: (oldest ?? nowMs) + spec.windowMs,
      source: "window",
    };
  }
  const quota = platformQuota(sql, accountId, nowMs);
  if (quota) {
    const since = log.countSince(accountId, quota.reported_at_ms);
    if (quota.remaining - since <= 0) {
      return {
        allowed: false,
        window: `${platform}_reported:${quota.source}`,
        limit: quota.remaining,
        used: since,
        resetAtMs: quota.reset_at_ms,
        source: "platform",
      };
    }
  }
  log.add(accountId, nowMs, attemptId);
  sql.exec(
    `INSERT INTO usage_buckets (platform, bucket_start_ms, count, dirty) VALUES (?, ?, 1, 1)
     ON CONFLICT(platform, bucket_start_ms) DO UPDATE SET count = count + 1, dirty = 1`,
    platform,
    hourOf(nowMs),
  );
  return { allowed: true };
}

/** Gives back the unit of an attempt whose call did not count. */
export function releaseSlot(sql: SqlStorage, log: SlidingLog, platform: Platform, attemptId: string): void {
  for (const at_ms of log.removeAttempt(attemptId)) {
    sql.exec(
      "UPDATE usage_buckets SET count = MAX(0, count - 1), dirty = 1 WHERE platform = ? AND bucket_start_ms = ?",
      platform,
      hourOf(at_ms),
    );
  }
}

/** Records what the platform said: until the reset, no more than it allows. */
export function recordPlatformQuota(
  sql: SqlStorage,
  accountId: string,
  spec: WindowSpec,
  report: QuotaReport,
  nowMs: number,
): void {
  const remaining =
    report.remaining ?? (report.usedFraction !== undefined ? Math.floor(spec.limit * (1 - report.usedFraction)) : null);
  if (remaining === null) return;
  sql.exec(
    `INSERT INTO platform_quota (account_id, remaining, reset_at_ms, reported_at_ms, source) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(account_id) DO UPDATE SET remaining = excluded.remaining, reset_at_ms = excluded.reset_at_ms,
       reported_at_ms = excluded.reported_at_ms, source = excluded.source`,
    accountId,
    Math.max(0, remaining),
    report.resetAtMs,
    nowMs,
    report.source,
  );
  mirrorOf(sql).set(accountId, {
    remaining: Math.max(0, remaining),
    reset_at_ms: report.resetAtMs,
    reported_at_ms: nowMs,
    source: report.source,
  });
}

/** A window as GET /v1/rate-limits shows it, without the account it is of. */
export type WindowState = Omit<AccountWindow, "accountId" | "platform">;

export function windowState(sql: SqlStorage, accountId: string, spec: WindowSpec, nowMs: number): WindowState {
  const { used, oldest } = sql
    .exec<{ used: number; oldest: number | null }>(
      "SELECT COUNT(*) AS used, MIN(at_ms) AS oldest FROM rate_hits WHERE account_id = ? AND at_ms > ?",
      accountId,
      nowMs - spec.windowMs,
    )
    .one();
  const quota = platformQuota(sql, accountId, nowMs);
  let platformRemaining: number | null = null;
  if (quota) {
    const since = sql
      .exec<{ n: number }>(
        "SELECT COUNT(*) AS n FROM rate_hits WHERE account_id = ? AND at_ms > ?",
        accountId,
        quota.reported_at_ms,
      )
      .one().n;
    platformRemaining = Math.max(0, quota.remaining - since);
  }
  const ownRemaining = Math.max(0, spec.limit - used);
  return {
    window: spec.name,
    limit: spec.limit,
    used,
    remaining: platformRemaining === null ? ownRemaining : Math.min(ownRemaining, platformRemaining),
    resetAtMs: oldest === null ? null : oldest + spec.windowMs,
    windowSeconds: spec.windowMs / 1000,
    platformReported: quota
      ? { remaining: platformRemaining ?? 0, resetAtMs: quota.reset_at_ms, source: quota.source }
      : null,
  };
}

export interface UsageBucket {
  platform: Platform;
  bucketStartMs: number;
  count: number;
}

export function dirtyUsageBuckets(sql: SqlStorage): UsageBucket[] {
  return sql
    .exec<{ platform: Platform; bucket_start_ms: number; count: number }>(
      "SELECT platform, bucket_start_ms, count FROM usage_buckets WHERE dirty = 1 ORDER BY bucket_start_ms",
    )
    .toArray()
    .map((row) => ({ platform: row.platform, bucketStartMs: row.bucket_start_ms, count: row.count }));
}

export function markUsageFlushed(sql: SqlStorage, buckets: UsageBucket[]): void {
  for (const bucket of buckets) {
    sql.exec(
      "UPDATE usage_buckets SET dirty = 0 WHERE platform = ? AND bucket_start_ms = ? AND count = ?",
      bucket.platform,
      bucket.bucketStartMs,
      bucket.count,
    );
  }
}
