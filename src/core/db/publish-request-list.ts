// GET /v1/posts: a tenant's posts as asked for (publish_requests), newest first, by
// cursor, filtered by status, account or platform. Every list reads about as many rows
// as it returns, from two indexes: every request is in idx_publish_requests_account_list
// (tenant, account, id; migration 0013), and the rare statuses (anything but published)
// also in idx_publish_requests_unpublished (tenant, status, account, id; migration 0018,
// which put the account before the id: a status's posts of one account were read among
// all the tenant's of that status).
//
// Every list is a merge of the tenant's accounts, or the one asked for (orderedMerge:
// one ordered SELECT per account, rows taken from each only as the page needs them).
// Every request has its account among the tenant's (a composite foreign key), so the
// merge misses none. The accounts' ids are bound like any value; only the number of
// SELECTs varies with them.
import type { Platform } from "../platforms/types";
import { chunk } from "./chunk";
import { orderedMerge } from "./ordered-merge";
import type { PostStatus, PublishRequestRow } from "./publish-requests";
import type { TenantScope } from "./tenant-scope";

export interface PostListOptions {
  beforeId?: string;
  limit: number;
  status?: PostStatus;
  accountId?: string;
  platform?: Platform;
  /** Only scheduled posts at risk (migration 0027), from their partial index. */
  atRisk?: boolean;
}

/** Accounts one merge statement takes (their ids and five more parameters stay within D1's 100). */
const ACCOUNTS_PER_STATEMENT = 90;

/**
 * The filters every branch applies, on the numbered parameters ?1 to ?5. A status other
 * than published also says `status <> 'published'`, the unpublished index's own
 * condition (SQLite uses a partial index only for a query that repeats it).
 */
function conditions(options: PostListOptions): string {
  return [
    "tenant_id = ?1",
    ...(options.beforeId !== undefined ? ["request_id < ?2"] : []),
    ...(options.status !== undefined ? ["status = ?3"] : []),
    ...(options.status !== undefined && options.status !== "published" ? ["status <> 'published'"] : []),
    ...(options.platform !== undefined ? ["platform = ?4"] : []),
  ].join(" AND ");
}

function parameters(scope: TenantScope, options: PostListOptions): (string | number | null)[] {
  return [
    scope.tenantId,
    options.beforeId ?? null,
    options.status ?? null,
    options.platform ?? null,
    options.limit + 1,
  ];
}

async function accountsOf(scope: TenantScope, options: PostListOptions): Promise<string[]> {
  if (options.accountId !== undefined) return [options.accountId];
  const { results } = await scope.db
    .prepare(
      `SELECT account_id FROM social_accounts WHERE tenant_id = ?1 ${options.platform ? "AND platform = ?2" : ""}
       ORDER BY account_id`,
    )
    .bind(scope.tenantId, ...(options.platform ? [options.platform] : []))
    .all<{ account_id: string }>();
  return results.map((r) => r.account_id);
}

/** A page of posts of `accounts` (each one branch of the merge). */
async function mergeOf(
  scope: TenantScope,
  options: PostListOptions,
  accounts: readonly string[],
): Promise<PublishRequestRow[]> {
  const where = conditions(options);
  const branches = accounts.map((_, i) => `SELECT * FROM publish_requests WHERE ${where} AND account_id = ?${i + 6}`);
  const { results } = await scope.db
    .prepare(orderedMerge(branches, "request_id DESC", "?5"))
    .bind(...parameters(scope, options), ...accounts)
    .all<PublishRequestRow>();
  return results;
}

/**
 * Scheduled posts at risk: few, read from idx_publish_requests_at_risk (its condition
 * spelled out, so SQLite takes it); the other filters apply to what it holds. The
 * account is compared as `+account_id`, which no index serves: by
 * idx_publish_requests_account_list, the planner's choice with its statistics, an
 * account's at-risk posts were found among all its posts (495 rows read for none on
 * bench:scale's big tenant).
 */
async function atRisk(scope: TenantScope, options: PostListOptions): Promise<PublishRequestRow[]> {
  const { results } = await scope.db
    .prepare(
      `SELECT * FROM publish_requests
       WHERE ${conditions({ ...options, status: undefined })} AND at_risk IS NOT NULL AND status = 'scheduled'
         ${options.status !== undefined ? "AND status = ?3" : ""} ${options.accountId ? "AND +account_id = ?6" : ""}
       ORDER BY request_id DESC LIMIT ?5`,
    )
    .bind(...parameters(scope, options), ...(options.accountId ? [options.accountId] : []))
    .all<PublishRequestRow>();
  return results;
}

export async function listPublishRequests(
  scope: TenantScope,
  options: PostListOptions,
): Promise<{ rows: PublishRequestRow[]; hasMore: boolean }> {
  let rows: PublishRequestRow[];
  if (options.atRisk) {
    rows = await atRisk(scope, options);
  } else {
    const accounts = await accountsOf(scope, options);
    const pages = await Promise.all(
      chunk(accounts, ACCOUNTS_PER_STATEMENT).map((part) => mergeOf(scope, options, part)),
    );
    // Several statements (a tenant of more than 90 accounts): merged here the same way.
    rows = pages.length <= 1 ? (pages[0] ?? []) : pages.flat().sort(newestFirst);
  }
  const page = rows.slice(0, options.limit);
  return { rows: page, hasMore: rows.length > options.limit };
}

function newestFirst(a: PublishRequestRow, b: PublishRequestRow): number {
  return a.request_id < b.request_id ? 1 : a.request_id > b.request_id ? -1 : 0;
}
