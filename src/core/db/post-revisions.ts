// The versions of a post that waited for approval, kept as the seed's revision_events
// (migration 0028, docs/approvals.md): its draft, each edit (who, when, which fields,
// classified defect or preference as the seed classifies feedback on generated content),
// and the decision that ended the wait. A post's rows carry post_id, the version as a
// snapshot and the fields it changed; a content revision (./revision-events.ts) has none
// of them. Each event's id is fixed when it is made, so a write repeated after a lost
// answer adds nothing.
import type { TenantScope } from "./tenant-scope";
import { iso } from "./time";

export const POST_REVISION_TYPES = ["drafted", "manual_edit", "approved", "rejected"] as const;
export type PostRevisionType = (typeof POST_REVISION_TYPES)[number];

/** A version of a waiting post: what its drafter or an editor gave (before hashtags and UTM are applied). */
export interface PostVersion {
  account_id: string;
  text: string;
  hashtags: string[];
  image_url: string | null;
  video_url: string | null;
  /** When it goes out: a time, "best" (the configuration's next best time), or null: at once. */
  scheduled_at: string | null;
}

/** The fields of a version, in the order they are compared and listed. */
export const VERSION_FIELDS = ["account_id", "text", "hashtags", "image_url", "video_url", "scheduled_at"] as const;

/** The fields `after` changed from `before`. */
export function changedFields(before: PostVersion, after: PostVersion): (typeof VERSION_FIELDS)[number][] {
  return VERSION_FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
}

export interface PostRevision {
  eventId: string;
  postId: string;
  /** The member who made the version or the decision. */
  editedBy: string | null;
  type: PostRevisionType;
  /** An edit's classification; null for the other events. */
  classification: "defect" | "preference" | null;
  /** The editor's note, or a rejection's reason. */
  note: string | null;
  version: PostVersion;
  changed: string[];
  at: string;
}

export interface PostRevisionRow {
  event_id: string;
  post_id: string;
  edited_by: string | null;
  revision_type: PostRevisionType;
  classification: "defect" | "preference" | null;
  user_notes: string | null;
  snapshot: string;
  changed: string | null;
  created_at: string;
}

export function insertPostRevision(scope: TenantScope, revision: PostRevision): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO revision_events (event_id, request_id, post_id, tenant_id, edited_by, revision_type, classification,
         user_notes, snapshot, changed, created_at)
       VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
       ON CONFLICT(event_id) DO NOTHING`,
    )
    .bind(
      revision.eventId,
      revision.postId,
      scope.tenantId,
      revision.editedBy,
      revision.type,
      revision.classification,
      revision.note,
      JSON.stringify(revision.version),
      JSON.stringify(revision.changed),
      revision.at,
    );
}

/** A post's versions, oldest first, after `afterId` (idx_revision_events_post). */
export async function listPostRevisions(
  scope: TenantScope,
  postId: string,
  page: { afterId?: string; limit: number },
): Promise<{ rows: PostRevisionRow[]; hasMore: boolean }> {
  const { results } = await scope.db
    .prepare(
      `SELECT event_id, post_id, edited_by, revision_type, classification, user_notes, snapshot, changed, created_at
       FROM revision_events
       WHERE tenant_id = ?1 AND post_id = ?2 AND (?3 IS NULL OR event_id > ?3)
       ORDER BY event_id LIMIT ?4`,
    )
    .bind(scope.tenantId, postId, page.afterId ?? null, page.limit + 1)
    .all<PostRevisionRow>();
  return { rows: results.slice(0, page.limit), hasMore: results.length > page.limit };
}

export function toPostRevision(row: PostRevisionRow) {
  return {
    id: row.event_id,
    post_id: row.post_id,
    type: row.revision_type,
    edited_by: row.edited_by,
    classification: row.classification,
    note: row.user_notes,
    changed: row.changed ? (JSON.parse(row.changed) as string[]) : [],
    version: JSON.parse(row.snapshot) as PostVersion,
    created_at: iso(row.created_at),
  };
}
