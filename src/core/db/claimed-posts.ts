// Which of a platform's post ids this tenant already recorded for an account's published
// posts (published_posts, whose UNIQUE (account_id, platform_post_id) answers it from an
// index): a reconciliation never takes one of them for the post it looks for
// (src/core/platforms/recent-posts.ts, findSent).
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
      `SELECT platform_post_id FROM published_posts
       WHERE tenant_id = ?3 AND platform_post_id IN (SELECT value FROM json_each(?2)) AND +account_id = ?1
         AND post_id <> ?4`,
    )
    .bind(accountId, JSON.stringify(platformPostIds), scope.tenantId, exceptPostId)
    .all<{ platform_post_id: string }>();
  return new Set(results.map((row) => row.platform_post_id));
}
