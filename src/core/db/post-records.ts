// What D1 gets when publishes finish: the request rows, and for the published ones
// the seed's published_posts row, an empty post_analytics row and the account's
// last use; an audit row for each (once, however often the batch is written); and the
// use of each post's configuration, counted when D1 first records the post. One
// statement per table for the whole batch.
import { type AuditActor, auditStatementsOnce } from "./audit-logs";
import { insertEmptyPostAnalytics } from "./post-analytics";
import { countConfigurationUses } from "./post-configurations";
import { insertPublishedPosts, type PublishRequestRow, savePublishRequests } from "./publish-requests";
import { touchAccounts } from "./social-accounts";
import type { TenantScope } from "./tenant-scope";

export interface FinishedPost {
  record: PublishRequestRow;
  actor: AuditActor;
  /** The post configuration applied to it, if any. */
  configurationId?: string | null;
}

/** The statements that record `posts` (at most MAX_JSON_ROWS), for one D1 batch. */
export function postRecordStatements(scope: TenantScope, posts: readonly FinishedPost[]): D1PreparedStatement[] {
  const rows = posts.map((post) => post.record);
  const uses = posts.flatMap(({ record, configurationId }) =>
    configurationId ? [{ postId: record.request_id, configId: configurationId, at: record.created_at }] : [],
  );
  // Before the requests are saved: it counts only the posts D1 does not have yet.
  const statements = uses.length > 0 ? [countConfigurationUses(scope, uses)] : [];
  statements.push(savePublishRequests(scope, rows));
  const published = rows.filter((row) => row.status === "published");
  if (published.length > 0) {
    statements.push(
      insertPublishedPosts(scope, published),
      insertEmptyPostAnalytics(
        scope,
        published.map((row) => ({
          postId: row.request_id,
          platform: row.platform,
          publishedAt: row.published_at ?? row.updated_at,
        })),
      ),
      touchAccounts(
        scope,
        [...new Set(published.map((row) => row.account_id))],
        // The latest of the batch (ISO 8601 sorts as time does).
        published.map((row) => row.updated_at).sort()[published.length - 1] as string,
      ),
    );
  }
  statements.push(
    auditStatementsOnce(
      scope.db,
      posts.map(({ record, actor }) => ({
        actor,
        event: {
          action: record.status === "published" ? "post.publish" : `post.publish_${record.status}`,
          resourceType: "post",
          resourceId: record.request_id,
          metadata: {
            account_id: record.account_id,
            platform: record.platform,
            platform_post_id: record.platform_post_id,
          },
          success: record.status === "published",
          errorMessage: record.error_message,
        },
        now: record.updated_at,
      })),
    ),
  );
  return statements;
}
