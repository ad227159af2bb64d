// Over a quota (docs/billing.md, Tiers and quotas): the calendar month the posts
// quota counts in, and the problem each quota answers with. Its `type` names the
// quota; it carries the limit, the count used and when it resets (the next month's
// start for posts, null for the counts, which never reset).
import { ProblemError, type ProblemKind } from "../problem";
import type { CountQuota, QuotaName } from "./plans";

/** The calendar month (UTC) of `ms`, as "YYYY-MM": what the posts quota counts in. */
export function monthOf(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** When the month after the one of `ms` starts (UTC): when the posts quota resets. */
export function nextMonthStartMs(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** The month before `month` ("YYYY-MM"). */
export function monthBefore(month: string): string {
  const [year, mon] = month.split("-").map(Number) as [number, number];
  return monthOf(Date.UTC(year, mon - 2, 1));
}

/** The problem type of each quota (src/core/problem.ts: /problems/quota-…). */
export const QUOTA_PROBLEMS = {
  posts_per_month: "quotaPostsPerMonth",
  social_accounts: "quotaSocialAccounts",
  users: "quotaUsers",
  api_keys: "quotaApiKeys",
  knowledge_entries: "quotaKnowledgeEntries",
} as const satisfies Record<QuotaName, ProblemKind>;

/** What a count quota counts, as its problem's detail says it. */
const COUNTED: Record<CountQuota, string> = {
  social_accounts: "connected social accounts",
  users: "users",
  api_keys: "active API keys",
  knowledge_entries: "knowledge entries",
};

/** The problem body's extensions of a quota (the same for every quota). */
export function quotaExtensions(quota: QuotaName, limit: number, used: number, resetsAtMs: number | null) {
  return {
    quota,
    limit,
    used,
    resets_at: resetsAtMs === null ? null : new Date(resetsAtMs).toISOString(),
  };
}

/**
 * A creation refused by a count quota (403): the plan allows `limit` and `used`
 * exist. Nothing resets it: removing one (or a higher limit) makes room.
 */
export function countQuotaExceeded(quota: CountQuota, limit: number, used: number): ProblemError {
  return new ProblemError(
    QUOTA_PROBLEMS[quota],
    `The plan allows ${limit} ${COUNTED[quota]} and ${used} exist: remove one, or ask for a higher limit (docs/billing.md)`,
    quotaExtensions(quota, limit, used, null),
  );
}
