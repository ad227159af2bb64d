// Generated content of a tenant (generated_content): one row per candidate, with the intent
// that asked for it, the skill, template and configuration used, its outputs,
// scores, cost, timing and model, and the user's selection and approval.

import { FilterClause } from "./filter-clause";
import { jsonOrNull, parseJson } from "./json-column";
import { orderedMerge } from "./ordered-merge";
import type { TenantScope } from "./tenant-scope";
import { iso } from "./time";

export const CONTENT_TYPES = ["text", "image", "text+image", "video"] as const;

export interface ContentRow {
  content_id: string;
  tenant_id: string;
  request_id: string | null;
  intent_spec: string;
  skill_id: string | null;
  skill_version_id: string | null;
  template_id: string | null;
  config_id: string | null;
  content_type: string;
  text_content: string | null;
  image_url: string | null;
  video_url: string | null;
  hashtags: string | null;
  brand_voice_score: number | null;
  guard_pass_rate: number | null;
  guards_passed: number | null;
  guards_failed: number | null;
  cost: number | null;
  generation_time_ms: number | null;
  model_used: string | null;
  user_selected: number;
  user_approved: number;
  created_at: string;
}

export function toContent(row: ContentRow) {
  return {
    id: row.content_id,
    request_id: row.request_id ?? row.content_id,
    intent_spec: parseJson<Record<string, unknown>>(row.intent_spec, {}),
    skill_id: row.skill_id,
    skill_version_id: row.skill_version_id,
    template_id: row.template_id,
    configuration_id: row.config_id,
    content_type: row.content_type,
    text_content: row.text_content,
    image_url: row.image_url,
    video_url: row.video_url,
    hashtags: parseJson<string[] | null>(row.hashtags, null),
    brand_voice_score: row.brand_voice_score,
    guard_pass_rate: row.guard_pass_rate,
    guards_passed: row.guards_passed,
    guards_failed: row.guards_failed,
    cost: row.cost,
    generation_time_ms: row.generation_time_ms,
    model_used: row.model_used,
    user_selected: row.user_selected === 1,
    user_approved: row.user_approved === 1,
    created_at: iso(row.created_at),
  };
}

export type NewContent = Omit<
  ContentRow,
  "tenant_id" | "user_selected" | "user_approved" | "intent_spec" | "hashtags"
> & {
  intent_spec: Record<string, unknown>;
  hashtags: string[] | null;
};

export function insertContent(scope: TenantScope, c: NewContent): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO generated_content (content_id, tenant_id, request_id, intent_spec, skill_id, skill_version_id,
         template_id, config_id, content_type, text_content, image_url, video_url, hashtags, brand_voice_score,
         guard_pass_rate, guards_passed, guards_failed, cost, generation_time_ms, model_used, user_selected,
         user_approved, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)`,
    )
    .bind(
      c.content_id,
      scope.tenantId,
      c.request_id,
      JSON.stringify(c.intent_spec),
      c.skill_id,
      c.skill_version_id,
      c.template_id,
      c.config_id,
      c.content_type,
      c.text_content,
      c.image_url,
      c.video_url,
      jsonOrNull(c.hashtags),
      c.brand_voice_score,
      c.guard_pass_rate,
      c.guards_passed,
      c.guards_failed,
      c.cost,
      c.generation_time_ms,
      c.model_used,
      c.created_at,
    );
}

export function getContent(scope: TenantScope, contentId: string): Promise<ContentRow | null> {
  return scope.db
    .prepare("SELECT * FROM generated_content WHERE tenant_id = ? AND content_id = ?")
    .bind(scope.tenantId, contentId)
    .first<ContentRow>();
}

export interface ContentFilters {
  skillId?: string;
  requestId?: string;
  contentType?: string;
  selected?: boolean;
  approved?: boolean;
}

/**
 * Newest first; the cursor is the last row's (created_at, id). The WHERE clause holds
 * only the filters given, and one of them leads: the index of a request's candidates
 * (a few), else a skill's (by type: with a type, one range; without, a merge of the
 * four types' ranges, orderedMerge), else a type's, else the selected or the approved
 * ones (partial indexes), else the tenant's candidates in page order (migrations 0013
 * and 0018). Every other filter is checked on the rows the leading one reads, its column
 * written `+col` so that SQLite cannot take its index instead: which index answers is
 * the statement's choice, the same with or without the planner's statistics.
 */
export async function listContent(
  scope: TenantScope,
  filters: ContentFilters,
  page: { after?: { createdAt: string; id: string }; limit: number },
): Promise<{ rows: ContentRow[]; hasMore: boolean }> {
  const lead =
    filters.requestId !== undefined
      ? "request"
      : filters.skillId !== undefined
        ? "skill"
        : filters.contentType !== undefined
          ? "type"
          : filters.selected === true
            ? "selected"
            : filters.approved === true
              ? "approved"
              : null;
  const column = (name: string, leads: boolean) => (leads ? name : `+${name}`);
  // A skill's candidates of each type: one range of idx_generated_content_skill_type each.
  const types = lead === "skill" && filters.contentType === undefined ? CONTENT_TYPES : [filters.contentType];
  const where = new FilterClause("tenant_id = ?", scope.tenantId)
    .given(`${column("request_id", lead === "request")} = ?`, filters.requestId)
    .given(`${column("skill_id", lead === "skill")} = ?`, filters.skillId);
  // Constants, not bound values: `user_selected = 1` matches the partial indexes of
  // selected and approved candidates (migration 0013) when it leads.
  if (filters.selected !== undefined) {
    where.always(`${column("user_selected", lead === "selected")} = ${filters.selected ? 1 : 0}`);
  }
  if (filters.approved !== undefined) {
    where.always(`${column("user_approved", lead === "approved")} = ${filters.approved ? 1 : 0}`);
  }
  where.given("(created_at, content_id) < (?, ?)", page.after?.createdAt, page.after?.id);
  const typed = column("content_type", lead === "type" || lead === "skill");
  const params: (string | number)[] = where.params;
  const selects = types.map((type) => {
    if (type === undefined) return `SELECT * FROM generated_content WHERE ${where.numberedSql()}`;
    params.push(type);
    return `SELECT * FROM generated_content WHERE ${where.numberedSql()} AND ${typed} = ?${params.length}`;
  });
  params.push(page.limit + 1);
  const { results } = await scope.db
    .prepare(orderedMerge(selects, "created_at DESC, content_id DESC", `?${params.length}`))
    .bind(...params)
    .all<ContentRow>();
  return { rows: results.slice(0, page.limit), hasMore: results.length > page.limit };
}

/** Selection and approval; approving a candidate also selects it. */
export function setFeedback(
  scope: TenantScope,
  contentId: string,
  feedback: { selected?: boolean; approved?: boolean },
): D1PreparedStatement {
  const selected = feedback.approved === true ? 1 : feedback.selected === undefined ? null : feedback.selected ? 1 : 0;
  const approved =
    feedback.approved === undefined ? (feedback.selected === false ? 0 : null) : feedback.approved ? 1 : 0;
  return scope.db
    .prepare(
      `UPDATE generated_content SET user_selected = COALESCE(?, user_selected), user_approved = COALESCE(?, user_approved)
       WHERE tenant_id = ? AND content_id = ?`,
    )
    .bind(selected, approved, scope.tenantId, contentId);
}

/** Whether a post may name a piece of generated content: it must be the tenant's own. */
export async function contentExists(scope: TenantScope, contentId: string): Promise<boolean> {
  const row = await scope.db
    .prepare("SELECT 1 AS found FROM generated_content WHERE tenant_id = ? AND content_id = ?")
    .bind(scope.tenantId, contentId)
    .first();
  return row !== null;
}
