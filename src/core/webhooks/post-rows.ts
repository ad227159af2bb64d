// Posts read back from the shard for their webhook events, when the event must show the
// post as the shard has it (a hold: objects/publishing/post-holds.ts). One statement for
// up to a hundred posts (the ids travel as one bound JSON array).
import type { PublishRequestRow } from "../db/publish-requests";
import type { TenantScope } from "../db/tenant-scope";

export async function postsIn(scope: TenantScope, ids: readonly string[]): Promise<PublishRequestRow[]> {
  if (ids.length === 0) return [];
  const { results } = await scope.db
    .prepare(
      "SELECT * FROM publish_requests WHERE tenant_id = ? AND request_id IN (SELECT value FROM json_each(?)) ORDER BY request_id",
    )
    .bind(scope.tenantId, JSON.stringify(ids))
    .all<PublishRequestRow>();
  return results;
}
