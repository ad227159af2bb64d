// Which of a platform's post ids this tenant already recorded for an account's published
// posts (published_posts, whose UNIQUE (account_id, platform_post_id) answers it from an
// index): a reconciliation never takes one of them for the post it looks for
// (src/core/platforms/recent-posts.ts, findSent).
//
// The ids drive the look-up (CROSS JOIN: SQLite keeps the join's order as written), each
// one an equality on both columns of that index: a page of ids reads about a page of
// rows. As `platform_post_id IN (...) AND account_id = ?` the planner, without its
// statistics, read the account's every post and tested each against the list (3,909 rows
// read for 11 on bench:scale's big tenant).
import type { TenantScope } from "./tenant-scope";

/** Of `platformPostIds` (at most a page of the platform's listing), those recorded for posts other than `exceptPostId`. */
export async function claimedPostIds(
  scope: TenantScope,
  accountId: string,
  platformPostIds: readonly string[],
  exceptPostId: string,
): Promise<Set<string>> {
  if (platformPostIds.length === 0) return new Set();
  const { results } = await scope.db
    .prepare(
      `SELECT p.platform_post_id FROM json_each(?2) AS j CROSS JOIN published_posts AS p
       WHERE p.account_id = ?1 AND p.platform_post_id = j.value AND p.tenant_id = ?3 AND p.post_id <> ?4`,
    )
    .bind(accountId, JSON.stringify(platformPostIds), scope.tenantId, exceptPostId)
    .all<{ platform_post_id: string }>();
  return new Set(results.map((row) => row.platform_post_id));
}
