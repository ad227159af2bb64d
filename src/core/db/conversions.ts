// Conversions of a tenant (conversions): page views, form submissions and purchases,
// each naming the post that brought the visitor. Page views are the touches that
// later conversions of the same session are attributed across.
import { FilterClause } from "./filter-clause";
import type { TenantScope } from "./tenant-scope";

export const CONVERSION_TYPES = ["page_view", "form_submit", "purchase"] as const;
export type ConversionType = (typeof CONVERSION_TYPES)[number];

/** Types whose credit is shared across the session's touches; a page view is a touch. */
export const ATTRIBUTED_TYPES: readonly ConversionType[] = ["form_submit", "purchase"];

export const UTM_FIELDS = ["source", "medium", "campaign", "content", "term"] as const;
export type UtmField = (typeof UTM_FIELDS)[number];

export interface ConversionRow {
  conversion_id: string;
  post_id: string;
  tenant_id: string;
  user_id: string | null;
  session_id: string | null;
  conversion_type: ConversionType;
  value: number;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_content: string | null;
  utm_term: string | null;
  attribution_model: string | null;
  attribution_weight: number | null;
  tracked_at: string;
  idempotency_key: string | null;
}

export type NewConversion = Omit<ConversionRow, "tenant_id">;

export function insertConversion(scope: TenantScope, row: NewConversion): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO conversions (conversion_id, post_id, tenant_id, user_id, session_id, conversion_type, value,
         utm_source, utm_medium, utm_campaign, utm_content, utm_term, attribution_model, attribution_weight,
         tracked_at, idempotency_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      row.conversion_id,
      row.post_id,
      scope.tenantId,
      row.user_id,
      row.session_id,
      row.conversion_type,
      row.value,
      row.utm_source,
      row.utm_medium,
      row.utm_campaign,
      row.utm_content,
      row.utm_term,
      row.attribution_model,
      row.attribution_weight,
      row.tracked_at,
      row.idempotency_key,
    );
}

export function getConversion(scope: TenantScope, id: string): Promise<ConversionRow | null> {
  return scope.db
    .prepare("SELECT * FROM conversions WHERE tenant_id = ? AND conversion_id = ?")
    .bind(scope.tenantId, id)
    .first<ConversionRow>();
}

export function getConversionByKey(scope: TenantScope, key: string): Promise<ConversionRow | null> {
  return scope.db
    .prepare("SELECT * FROM conversions WHERE tenant_id = ? AND idempotency_key = ?")
    .bind(scope.tenantId, key)
    .first<ConversionRow>();
}

export interface SessionTouch {
  conversion_id: string;
  post_id: string;
  tracked_at: string;
}

/**
 * The session's page views from `since` up to `until` (inclusive), at most `limit`
 * of the latest, oldest first. ISO 8601 UTC strings sort as the times they name.
 */
export async function sessionPageViews(
  scope: TenantScope,
  sessionId: string,
  range: { since: string; until: string; limit: number },
): Promise<SessionTouch[]> {
  const { results } = await scope.db
    .prepare(
      `SELECT conversion_id, post_id, tracked_at FROM conversions
       WHERE tenant_id = ? AND session_id = ? AND conversion_type = 'page_view'
         AND tracked_at >= ? AND tracked_at <= ?
       ORDER BY tracked_at DESC, conversion_id DESC
       LIMIT ?`,
    )
    .bind(scope.tenantId, sessionId, range.since, range.until, range.limit)
    .all<SessionTouch>();
  return results.reverse();
}

export interface ConversionFilters {
  postId?: string;
  sessionId?: string;
  type?: ConversionType;
}

/**
 * Newest first (ids are ULIDs), before `beforeId`. A post's or a session's conversions
 * are few: read from their own index (idx_conversions_post; idx_conversions_session),
 * sorted. `+tenant_id` (a post) and `+conversion_id` (either) keep SQLite from walking
 * the tenant's every conversion in id order instead, which it prefers without
 * statistics. A type alone is read in order from idx_conversions_tenant_type.
 */
export async function listConversions(
  scope: TenantScope,
  filters: ConversionFilters,
  page: { beforeId?: string; limit: number },
): Promise<{ rows: ConversionRow[]; hasMore: boolean }> {
  const byPost = filters.postId !== undefined;
  const few = byPost || filters.sessionId !== undefined;
  const where = new FilterClause(byPost ? "+tenant_id = ?" : "tenant_id = ?", scope.tenantId)
    .given(few ? "+conversion_id < ?" : "conversion_id < ?", page.beforeId)
    .given("post_id = ?", filters.postId)
    .given(byPost ? "+session_id = ?" : "session_id = ?", filters.sessionId)
    .given(few ? "+conversion_type = ?" : "conversion_type = ?", filters.type);
  const { results } = await scope.db
    .prepare(
      `SELECT * FROM conversions WHERE ${where.sql} ORDER BY ${few ? "+conversion_id" : "conversion_id"} DESC LIMIT ?`,
    )
    .bind(...where.params, page.limit + 1)
    .all<ConversionRow>();
  return { rows: results.slice(0, page.limit), hasMore: results.length > page.limit };
}
