// Posts as clients asked for them (publish_requests), and the seed's published_posts
// row written when one goes out. A published request's id is its post id.
import type { ApprovalReason } from "../auth/approvals";
import type { Platform } from "../platforms/types";
import { approvalOf } from "./approvals";
import { jsonOrNull, parseJson } from "./json-column";
import { jsonRowsSource } from "./json-rows";
import { atRiskOf, reconciliationOf } from "./post-checks";
import type { TenantScope } from "./tenant-scope";
import { iso, isoOrNull } from "./time";

export type PostStatus =
  | "pending_approval"
  | "rejected"
  | "scheduled"
  | "held"
  | "published"
  | "failed"
  | "cancelled"
  | "unknown";

/**
 * Why a scheduled post was held instead of sent when it came due (migration 0017): its
 * tenant was suspended or deleted, or the member who answers for it was suspended or
 * removed (objects/publishing/post-holds.ts); since migration 0020, its subscription
 * stopped publishing: canceled, or past_due after its grace (docs/billing.md).
 */
export const HOLD_REASONS = [
  "tenant_suspended",
  "tenant_deleted",
  "author_removed",
  "subscription_canceled",
  "subscription_past_due",
] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

export interface PublishRequestRow {
  request_id: string;
  tenant_id: string;
  account_id: string;
  platform: Platform;
  status: PostStatus;
  idempotency_key: string | null;
  text: string;
  image_url: string | null;
  video_url: string | null;
  hashtags: string | null;
  scheduled_at: string | null;
  campaign_id: string | null;
  utm_params: string | null;
  content_id: string | null;
  requested_by: string | null;
  platform_post_id: string | null;
  platform_post_url: string | null;
  published_at: string | null;
  error_type: string | null;
  error_message: string | null;
  created_at: string;
  updated_at: string;
  /** Set exactly while the post is held. */
  held_reason: HoldReason | null;
  /**
   * Migration 0027 (./post-checks.ts): the reconciliation of an unknown outcome (JSON),
   * written with the record; and why a scheduled post is at risk (JSON), written by the
   * pre-flight check alone (absent from the record's writes, so they never clear it).
   */
  reconciliation?: string | null;
  at_risk?: string | null;
  /**
   * Migration 0028 (./approvals.ts, docs/approvals.md): why the post waited for an approver
   * (null: it never did), the key it was drafted with, who approved or rejected it and
   * when, and a rejection's reason. Written by the approvals alone (absent from the
   * record's writes, so they never clear them).
   */
  approval_reason?: ApprovalReason | null;
  drafted_by_key?: string | null;
  decided_by?: string | null;
  decided_at?: string | null;
  rejection_reason?: string | null;
}

export type PostView = ReturnType<typeof toPost>;

/** A post the platform accepted and is still processing (an Instagram video): "unknown" in D1 until it completes. */
function viewStatus(row: PublishRequestRow): PostStatus | "processing" {
  return row.status === "unknown" && row.error_type === "processing" ? "processing" : row.status;
}

export function toPost(row: PublishRequestRow) {
  return {
    id: row.request_id,
    account_id: row.account_id,
    platform: row.platform,
    status: viewStatus(row),
    text: row.text,
    image_url: row.image_url,
    video_url: row.video_url,
    hashtags: parseJson<string[]>(row.hashtags, []),
    scheduled_at: isoOrNull(row.scheduled_at),
    published_at: isoOrNull(row.published_at),
    platform_post_id: row.platform_post_id,
    platform_post_url: row.platform_post_url,
    campaign_id: row.campaign_id,
    utm_params: parseJson<Record<string, string> | null>(row.utm_params, null),
    content_id: row.content_id,
    requested_by: row.requested_by,
    error: row.error_type ? { type: row.error_type, message: row.error_message } : null,
    held_reason: row.held_reason ?? null,
    reconciliation: reconciliationOf(row.reconciliation),
    // Only a post still to go out is at risk: once it went out (or not), its outcome says how.
    at_risk: row.status === "scheduled" ? atRiskOf(row.at_risk) : null,
    approval: approvalOf(row),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** The columns a request row carries besides its tenant (which comes from the scope, never the row). */
const REQUEST_FIELDS = [
  "request_id",
  "account_id",
  "platform",
  "status",
  "idempotency_key",
  "text",
  "image_url",
  "video_url",
  "hashtags",
  "scheduled_at",
  "campaign_id",
  "utm_params",
  "content_id",
  "requested_by",
  "platform_post_id",
  "platform_post_url",
  "published_at",
  "error_type",
  "error_message",
  "created_at",
  "updated_at",
  "held_reason",
  "reconciliation",
] as const;

/** Writes the requests' current state (insert, or update the scheduled rows), at most MAX_JSON_ROWS. */
export function savePublishRequests(scope: TenantScope, rows: readonly PublishRequestRow[]): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO publish_requests (tenant_id, ${REQUEST_FIELDS.join(", ")})
       ${jsonRowsSource(REQUEST_FIELDS, ["?2"])}
       ON CONFLICT(request_id) DO UPDATE SET status = excluded.status, platform_post_id = excluded.platform_post_id,
         platform_post_url = excluded.platform_post_url, published_at = excluded.published_at,
         error_type = excluded.error_type, error_message = excluded.error_message, updated_at = excluded.updated_at,
         held_reason = excluded.held_reason, reconciliation = excluded.reconciliation
       WHERE publish_requests.tenant_id = excluded.tenant_id`,
    )
    .bind(JSON.stringify(rows), scope.tenantId);
}

export function savePublishRequest(scope: TenantScope, row: PublishRequestRow): D1PreparedStatement {
  return savePublishRequests(scope, [row]);
}

/** The seed's published_posts rows of published requests, at most MAX_JSON_ROWS. */
export function insertPublishedPosts(scope: TenantScope, rows: readonly PublishRequestRow[]): D1PreparedStatement {
  return scope.db
    .prepare(
      `INSERT INTO published_posts (tenant_id, status, post_id, content_id, platform, account_id, platform_post_id,
         platform_post_url, text, image_url, video_url, hashtags, published_at, published_by, scheduled_at,
         campaign_id, utm_params, created_at, updated_at)
       ${jsonRowsSource(
         [
           "request_id",
           "content_id",
           "platform",
           "account_id",
           "platform_post_id",
           "platform_post_url",
           "text",
           "image_url",
           "video_url",
           "hashtags",
           "published_at",
           "requested_by",
           "scheduled_at",
           "campaign_id",
           "utm_params",
           "updated_at",
           "updated_at",
         ],
         ["?2", "'published'"],
       )}
       ON CONFLICT(post_id) DO NOTHING`,
    )
    .bind(JSON.stringify(rows), scope.tenantId);
}

export function insertPublishedPost(scope: TenantScope, row: PublishRequestRow): D1PreparedStatement {
  return insertPublishedPosts(scope, [row]);
}

export function getPublishRequest(scope: TenantScope, id: string): Promise<PublishRequestRow | null> {
  return selectPublishRequest(scope, id).first<PublishRequestRow>();
}

/** The request's row as a statement: read back inside the batch that changes it. */
export function selectPublishRequest(scope: TenantScope, id: string): D1PreparedStatement {
  return scope.db
    .prepare("SELECT * FROM publish_requests WHERE tenant_id = ? AND request_id = ?")
    .bind(scope.tenantId, id);
}

/**
 * Cancels scheduled and held requests of an account (it was disconnected): two ranges of
 * idx_publish_requests_unpublished, (tenant, status, account), one per status (migration
 * 0018), so the statement reads the rows it cancels. `status <> 'published'` is implied;
 * it is spelled out because it is that partial index's condition, which SQLite needs to
 * see to use it.
 */
export function cancelAccountSchedules(scope: TenantScope, accountId: string, now: string): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE publish_requests SET status = 'cancelled', held_reason = NULL, error_type = 'account_disconnected',
         error_message = 'the account was disconnected', updated_at = ?
       WHERE tenant_id = ? AND status IN ('scheduled', 'held') AND status <> 'published' AND account_id = ?`,
    )
    .bind(now, scope.tenantId, accountId);
}

/**
 * Marks scheduled requests held, each with its reason (at most MAX_JSON_ROWS). Only a
 * request still scheduled is held: one cancelled meanwhile stays cancelled, and a hold
 * written again after a lost answer changes nothing. The requests are found by their
 * keys, from the list; `+` keeps SQLite from reading the tenant's requests instead.
 */
export function holdPublishRequests(
  scope: TenantScope,
  holds: readonly { requestId: string; reason: HoldReason }[],
  now: string,
): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE publish_requests SET status = 'held', updated_at = ?3,
         held_reason = (SELECT json_extract(h.value, '$.reason') FROM json_each(?2) AS h
                        WHERE json_extract(h.value, '$.requestId') = publish_requests.request_id)
       WHERE request_id IN (SELECT json_extract(value, '$.requestId') FROM json_each(?2))
         AND +tenant_id = ?1 AND +status = 'scheduled'`,
    )
    .bind(scope.tenantId, JSON.stringify(holds), now);
}

/**
 * A held request scheduled again at `scheduledAt` (released). Changes no row unless the
 * request is held: put an expectChanges(1) after it.
 */
export function releasePublishRequest(
  scope: TenantScope,
  requestId: string,
  scheduledAt: string,
  now: string,
): D1PreparedStatement {
  return scope.db
    .prepare(
      `UPDATE publish_requests SET status = 'scheduled', held_reason = NULL, scheduled_at = ?, updated_at = ?
       WHERE tenant_id = ? AND request_id = ? AND status = 'held'`,
    )
    .bind(scheduledAt, now, scope.tenantId, requestId);
}

export function draftRow(fields: {
  requestId: string;
  accountId: string;
  platform: Platform;
  idempotencyKey: string | null;
  text: string;
  imageUrl: string | null;
  videoUrl: string | null;
  hashtags: string[];
  scheduledAt: string | null;
  campaignId: string | null;
  utmParams: Record<string, string> | null;
  contentId: string | null;
  requestedBy: string | null;
  now: string;
}): PublishRequestRow {
  return {
    request_id: fields.requestId,
    tenant_id: "",
    account_id: fields.accountId,
    platform: fields.platform,
    status: "scheduled",
    idempotency_key: fields.idempotencyKey,
    text: fields.text,
    image_url: fields.imageUrl,
    video_url: fields.videoUrl,
    hashtags: jsonOrNull(fields.hashtags.length ? fields.hashtags : null),
    scheduled_at: fields.scheduledAt,
    campaign_id: fields.campaignId,
    utm_params: jsonOrNull(fields.utmParams),
    content_id: fields.contentId,
    requested_by: fields.requestedBy,
    platform_post_id: null,
    platform_post_url: null,
    published_at: null,
    error_type: null,
    error_message: null,
    created_at: fields.now,
    updated_at: fields.now,
    held_reason: null,
  };
}
