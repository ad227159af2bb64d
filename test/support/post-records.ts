// What D1 holds of published posts: the rows each table has for them, and their status.
import { tenantDb } from "./databases";

/**
 * How many rows of each table the tenant's shard holds for `postIds` (audits: the
 * publish's own rows, any outcome).
 */
export async function d1Counts(tenantId: string, postIds: string[]) {
  const db = await tenantDb(tenantId);
  const ids = JSON.stringify(postIds);
  const count = async (sql: string) => (await db.prepare(sql).bind(ids).first<{ n: number }>())?.n ?? 0;
  return {
    requests: await count(
      "SELECT COUNT(*) AS n FROM publish_requests WHERE request_id IN (SELECT value FROM json_each(?))",
    ),
    posts: await count("SELECT COUNT(*) AS n FROM published_posts WHERE post_id IN (SELECT value FROM json_each(?))"),
    analytics: await count(
      "SELECT COUNT(*) AS n FROM post_analytics WHERE post_id IN (SELECT value FROM json_each(?))",
    ),
    audits: await count(
      "SELECT COUNT(*) AS n FROM audit_logs WHERE action LIKE 'post.publish%' AND resource_id IN (SELECT value FROM json_each(?))",
    ),
  };
}
