// How long each kind of history stays in a tenant's shard, by plan, and what a tenant
// may change (settings.retention). One module, so README's table, the validation of
// PATCH /v1/tenant and POST /v1/tenants, and the daily job read the same numbers.
//
// Audit logs past their period are not lost: the job archives them to R2 first
// (src/core/retention/audit-archive.ts) and GET /v1/audit-logs reads them back. The other
// kinds are operational history nobody reads once it is old; past their period they
// are deleted.
import { z } from "@hono/zod-openapi";
import { parseJson } from "../db/json-column";
import type { Tier } from "../db/tenants";

export const RETENTION_KINDS = [
  "audit_logs_days",
  "rate_limits_days",
  "sync_errors_days",
  "unselected_content_days",
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];
export type RetentionPolicy = Record<RetentionKind, number>;

/** Days each kind stays in D1, by plan (README, "Retention and the archive"). */
export const RETENTION_DEFAULTS: Record<Tier, RetentionPolicy> = {
  free: { audit_logs_days: 30, rate_limits_days: 7, sync_errors_days: 14, unselected_content_days: 30 },
  standard: { audit_logs_days: 90, rate_limits_days: 30, sync_errors_days: 30, unselected_content_days: 90 },
  enterprise: { audit_logs_days: 365, rate_limits_days: 90, sync_errors_days: 90, unselected_content_days: 365 },
};

/**
 * What a tenant may set. The lower bounds keep what other work still needs: a week of
 * audit rows (a trail row can reach the shard hours late from the TenantObject's
 * outbox, and an archived day is then rewritten, so the later it comes the more R2
 * writes it costs) and of content (the daily skill roll-up reads the last three days of
 * candidates, guard results and revisions). The upper bounds are ten years for the
 * trail and content, two for counters and sync errors.
 */
export const RETENTION_BOUNDS: Record<RetentionKind, { min: number; max: number }> = {
  audit_logs_days: { min: 7, max: 3650 },
  rate_limits_days: { min: 1, max: 730 },
  sync_errors_days: { min: 1, max: 730 },
  unselected_content_days: { min: 7, max: 3650 },
};

function daysField(kind: RetentionKind, what: string) {
  const { min, max } = RETENTION_BOUNDS[kind];
  return z
    .number()
    .int()
    .min(min)
    .max(max)
    .optional()
    .openapi({ description: `Days ${what} stay in D1 (${min} to ${max}; default by plan)` });
}

/** settings.retention: any subset of the four periods, each bounded. */
export const RetentionSettings = z
  .object({
    audit_logs_days: daysField("audit_logs_days", "audit rows (then archived to R2, still listed)"),
    rate_limits_days: daysField("rate_limits_days", "rate-limit counters"),
    sync_errors_days: daysField("sync_errors_days", "resolved analytics sync errors"),
    unselected_content_days: daysField(
      "unselected_content_days",
      "content candidates never selected nor published, with their guard results and revisions",
    ),
  })
  .strict()
  .openapi("RetentionSettings");

/**
 * The tenant's periods: its plan's defaults with its own settings over them. Settings
 * are validated when written; a stored value that no longer passes (an older row, a
 * bound raised since) falls back to the default rather than stopping the job.
 */
export function retentionPolicy(tier: string, settings: string | null): RetentionPolicy {
  const defaults = RETENTION_DEFAULTS[tier as Tier] ?? RETENTION_DEFAULTS.standard;
  let stored: unknown;
  try {
    stored = parseJson<Record<string, unknown>>(settings, {}).retention;
  } catch {
    return { ...defaults };
  }
  const policy = { ...defaults };
  for (const kind of RETENTION_KINDS) {
    const value = (stored as Record<string, unknown> | undefined)?.[kind];
    const parsed = RetentionSettings.shape[kind].safeParse(value);
    if (parsed.success && parsed.data !== undefined) policy[kind] = parsed.data;
  }
  return policy;
}
