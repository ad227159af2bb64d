// Sharing events (sharing_events): the trail of every skill promotion, fork and
// retirement, with who did it and why. A global table.
import { newId } from "./ids";
import { jsonOrNull, parseJson } from "./json-column";
import { iso } from "./time";

export const SHARING_ACTIONS = ["promote_to_global", "fork_skill", "retire_skill"] as const;
export type SharingAction = (typeof SHARING_ACTIONS)[number];

/** "system_auto" (the daily job), "admin:operator" (ADMIN_TOKEN) or "tenant:{id}". */
export const SYSTEM_ACTOR = "system_auto";
export const OPERATOR_ACTOR = "admin:operator";
export const tenantActor = (tenantId: string) => `tenant:${tenantId}`;

export interface SharingEvent {
  action: SharingAction;
  actor: string;
  tenantId: string | null;
  skillId: string;
  reason: string;
  metadata?: Record<string, unknown>;
}

export function insertSharingEvent(db: D1Database, event: SharingEvent, now: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO sharing_events (event_id, action, actor, tenant_id, skill_id, reason, metadata, timestamp)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      newId("sharingEvent"),
      event.action,
      event.actor,
      event.tenantId,
      event.skillId,
      event.reason,
      jsonOrNull(event.metadata),
      now,
    );
}

export interface SharingEventRow {
  event_id: string;
  action: SharingAction;
  actor: string;
  tenant_id: string | null;
  skill_id: string;
  reason: string;
  metadata: string | null;
  timestamp: string;
}

export function toSharingEvent(row: SharingEventRow) {
  return {
    id: row.event_id,
    action: row.action,
    actor: row.actor,
    tenant_id: row.tenant_id,
    skill_id: row.skill_id,
    reason: row.reason,
    metadata: parseJson<Record<string, unknown> | null>(row.metadata, null),
    timestamp: iso(row.timestamp),
  };
}

/** Newest first (event ids are ULIDs), after `beforeId`. */
export async function listSharingEvents(
  db: D1Database,
  filters: { skillId?: string; action?: SharingAction },
  page: { beforeId?: string; limit: number },
): Promise<{ rows: SharingEventRow[]; hasMore: boolean }> {
  const { results } = await db
    .prepare(
      `SELECT * FROM sharing_events
       WHERE (?1 IS NULL OR skill_id = ?1) AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR event_id < ?3)
       ORDER BY event_id DESC LIMIT ?4`,
    )
    .bind(filters.skillId ?? null, filters.action ?? null, page.beforeId ?? null, page.limit + 1)
    .all<SharingEventRow>();
  return { rows: results.slice(0, page.limit), hasMore: results.length > page.limit };
}
