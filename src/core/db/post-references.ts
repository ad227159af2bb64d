// Posts named by reports (A/B variants, conversions): which are the tenant's
// published posts, and what became of the tenant's posts that are not (scheduled,
// failed, ...). Ids travel as one JSON parameter (json_each), never an IN list, and
// each lookup starts from that list (CROSS JOIN keeps SQLite from walking the tenant's
// index instead): one primary-key seek per id, whatever the tenant's size.
import type { TenantScope } from "./tenant-scope";

/** When each of `ids` that is a published post of the tenant was published. */
export async function publicationTimes(scope: TenantScope, ids: readonly string[]): Promise<Map<string, string>> {
  const { results } = await scope.db
    .prepare(
      `SELECT p.post_id, p.published_at FROM (SELECT DISTINCT value FROM json_each(?2)) AS ids CROSS JOIN published_posts AS p
       WHERE p.post_id = ids.value AND p.tenant_id = ?1`,
    )
    .bind(scope.tenantId, JSON.stringify(ids))
    .all<{ post_id: string; published_at: string }>();
  return new Map(results.map((r) => [r.post_id, r.published_at]));
}

/** The status of the tenant's posts among `ids` that were asked for (publish_requests). */
export async function requestStatuses(scope: TenantScope, ids: readonly string[]): Promise<Map<string, string>> {
  const { results } = await scope.db
    .prepare(
      `SELECT r.request_id, r.status FROM (SELECT DISTINCT value FROM json_each(?2)) AS ids CROSS JOIN publish_requests AS r
       WHERE r.request_id = ids.value AND r.tenant_id = ?1`,
    )
    .bind(scope.tenantId, JSON.stringify(ids))
    .all<{ request_id: string; status: string }>();
  return new Map(results.map((r) => [r.request_id, r.status]));
}
