// Posts named by reports (A/B variants, conversions): which are the tenant's
// published posts, and what became of the tenant's posts that are not (scheduled,
// failed, ...). Ids travel as one JSON parameter (json_each), never an IN list.
import type { TenantScope } from "./tenant-scope";

/** When each of `ids` that is a published post of the tenant was published. */
export async function publicationTimes(scope: TenantScope, ids: readonly string[]): Promise<Map<string, string>> {
  const { results } = await scope.db
    .prepare(
      `SELECT post_id, published_at FROM published_posts
       WHERE tenant_id = ? AND post_id IN (SELECT value FROM json_each(?))`,
    )
    .bind(scope.tenantId, JSON.stringify(ids))
    .all<{ post_id: string; published_at: string }>();
  return new Map(results.map((r) => [r.post_id, r.published_at]));
}

/** The status of the tenant's posts among `ids` that were asked for (publish_requests). */
export async function requestStatuses(scope: TenantScope, ids: readonly string[]): Promise<Map<string, string>> {
  const { results } = await scope.db
    .prepare(
      `SELECT request_id, status FROM publish_requests
       WHERE tenant_id = ? AND request_id IN (SELECT value FROM json_each(?))`,
    )
    .bind(scope.tenantId, JSON.stringify(ids))
    .all<{ request_id: string; status: string }>();
  return new Map(results.map((r) => [r.request_id, r.status]));
}
