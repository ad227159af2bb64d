// Revision events (revision_events): the user's feedback on a candidate, classified as a
// defect (the skill got something wrong) or a preference (taste), with labels and the
// classifier's confidence. Tenant-owned; the content must be the tenant's (composite
// foreign key).
import { jsonOrNull, parseJson } from "./json-column";
import type { TenantScope } from "./tenant-scope";
import { iso } from "./time";

export const CLASSIFICATIONS = ["defect", "preference"] as const;
export const REVISION_TYPES = ["regenerate", "manual_edit", "approved"] as const;

export interface RevisionRow {
  event_id: string;
  request_id: string;
  tenant_id: string;
  content_id: string;
  skill_id: string | null;
  skill_version_id: string | null;
  classification: string;
  confidence: number | null;
  labels_defect: string | null;
  labels_preference: string | null;
  user_notes: string | null;
  revision_type: string;
  created_at: string;
}

export function toRevision(row: RevisionRow) {
  return {
    id: row.event_id,
    request_id: row.request_id,
    content_id: row.content_id,
    skill_id: row.skill_id,
    skill_version_id: row.skill_version_id,
    classification: row.classification,
    confidence: row.confidence,
    labels_defect: parseJson<string[]>(row.labels_defect, []),
    labels_preference: parseJson<string[]>(row.labels_preference, []),
    user_notes: row.user_notes,
    revision_type: row.revision_type,
    created_at: iso(row.created_at),
  };
}

export function insertRevision(
  scope: TenantScope,
  r: Omit<RevisionRow, "tenant_id" | "labels_defect" | "labels_preference"> & {
    labels_defect: string[];
    labels_preference: string[];
  },
): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO revision_events (event_id, request_id, tenant_id, content_id, skill_id, skill_version_id,
         classification, confidence, labels_defect, labels_preference, user_notes, revision_type, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      r.event_id,
      r.request_id,
      scope.tenantId,
      r.content_id,
      r.skill_id,
      r.skill_version_id,
      r.classification,
      r.confidence,
      jsonOrNull(r.labels_defect.length ? r.labels_defect : null),
      jsonOrNull(r.labels_preference.length ? r.labels_preference : null),
      r.user_notes,
      r.revision_type,
      r.created_at,
    );
}

export function getRevision(scope: TenantScope, eventId: string): Promise<RevisionRow | null> {
  return scope.db
    .prepare("SELECT * FROM revision_events WHERE tenant_id = ? AND event_id = ?")
    .bind(scope.tenantId, eventId)
    .first<RevisionRow>();
}

/** A content's revisions, oldest first, after `afterId`. */
export async function listRevisions(
  scope: TenantScope,
  contentId: string,
  page: { afterId?: string; limit: number },
): Promise<{ rows: RevisionRow[]; hasMore: boolean }> {
  const { results } = await scope.db
    .prepare(
      `SELECT * FROM revision_events WHERE tenant_id = ?1 AND content_id = ?2 AND (?3 IS NULL OR event_id > ?3)
       ORDER BY event_id LIMIT ?4`,
    )
    .bind(scope.tenantId, contentId, page.afterId ?? null, page.limit + 1)
    .all<RevisionRow>();
  return { rows: results.slice(0, page.limit), hasMore: results.length > page.limit };
}
