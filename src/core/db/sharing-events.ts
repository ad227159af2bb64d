// Sharing events (sharing_events): the trail of every skill promotion, fork and
// retirement, with who did it and why. A global table.
import { FilterClause } from "./filter-clause";
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

/**
 * Newest first (event ids are ULIDs), after `beforeId`. The WHERE clause holds only the
 * filters given: a skill's events are few (idx_sharing_events_skill, sorted; `+` keeps
 * SQLite from walking the events in id order instead), an action's are read in order
 * from idx_sharing_events_action_id (migration 0018 of the global set).
 */
export async function listSharingEvents(
  db: D1Database,
  filters: { skillId?: string; action?: SharingAction },
  page: { beforeId?: string; limit: number },
): Promise<{ rows: SharingEventRow[]; hasMore: boolean }> {
  const bySkill = filters.skillId !== undefined;
  const where = new FilterClause("1 = 1")
    .given("skill_id = ?", filters.skillId)
    .given(bySkill ? "+action = ?" : "action = ?", filters.action)
    .given(bySkill ? "+event_id < ?" : "event_id < ?", page.beforeId);
  const { results } = await db
    .prepare(
      `SELECT * FROM sharing_events WHERE ${where.sql} ORDER BY ${bySkill ? "+event_id" : "event_id"} DESC LIMIT ?`,
    )
    .bind(...where.params, page.limit + 1)
    .all<SharingEventRow>();
  return { rows: results.slice(0, page.limit), hasMore: results.length > page.limit };
}
