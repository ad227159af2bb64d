// The outgoing webhooks' events (docs/webhooks.md): every type a tenant's endpoint may
// subscribe to, the envelope each is delivered in, and the data of each. What the
// TenantObject emits (objects/webhooks/), the routes accept and document
// (src/router/http/webhook-schemas.ts) and the consumer delivers (./consumer.ts) are
// all named here, so the three cannot drift apart.
import type { PostView } from "../db/publish-requests";
import type { Platform } from "../platforms/types";

/** Every event type, in the order docs/webhooks.md lists them. */
export const WEBHOOK_EVENT_TYPES = [
  "post.published",
  "post.failed",
  "post.unknown",
  "post.scheduled",
  "post.cancelled",
  "post.held",
  "post.at_risk",
  "post.pending_approval",
  "post.approved",
  "post.rejected",
  "account.connected",
  "account.revoked",
  "account.refresh_failed",
  "analytics.anomaly",
  "webhook.test",
  "webhook.endpoint_disabled",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** An endpoint's subscription: these types, or "*" for every type (those added later too). */
export const ALL_EVENTS = "*";

/** True when an endpoint subscribed to `events` receives `type`. */
export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(type);
}

/**
 * A post as its events carry it: the API's view (GET /v1/posts/{id}) without
 * `requested_by`, nor its approval's `decided_by` (null), which name members: an event's
 * body is kept as sent for redelivery and is no column a person's erasure could rewrite
 * (src/core/placement/move/tenant-tables.ts).
 */
export type EventPost = Omit<PostView, "requested_by">;

export function eventPost(post: PostView): EventPost {
  const { requested_by: _member, ...rest } = post;
  return rest.approval ? { ...rest, approval: { ...rest.approval, decided_by: null } } : rest;
}

/**
 * The data of every post.* event: the post as it is after the change, and the post's
 * own sequence number (1, 2, 3 … in the order its changes happened in the tenant's
 * object), so a receiver can order a post's events whatever order they arrive in.
 */
export interface PostEventData {
  post: EventPost;
  sequence: number;
}

/** Why a post is at risk of not going out as planned (post.at_risk; objects/webhooks/post-events.ts). */
export interface PostRisk {
  /** A short stable code, e.g. "token_expiring", "window_full", "platform_degraded". */
  reason: string;
  /** A sentence for a person. */
  detail: string;
}

export interface PostAtRiskData extends PostEventData {
  risk: PostRisk;
}

/**
 * post.rejected: the approver's reason beside the post (docs/approvals.md; the post's
 * approval.rejection_reason says the same). Who rejected it is not carried: a member.
 */
export interface PostRejectedData extends PostEventData {
  reason: string;
}

/** A social account as account.* events carry it (no token, no secret). */
export interface EventAccount {
  id: string;
  platform: Platform;
  platform_user_id: string | null;
  account_name: string | null;
  account_handle: string | null;
}

export interface AccountEventData {
  account: EventAccount;
  /** account.revoked and account.refresh_failed: what the platform answered. */
  error?: string;
  /** account.refresh_failed: when the next refresh may be tried. */
  retry_at?: string;
}

/** analytics.anomaly: a post newly flagged as far from the tenant's usual (src/core/analytics/post-metrics.ts). */
export interface AnomalyEventData {
  post_id: string;
  platform: Platform;
  sequence: number;
  anomaly_type: "high" | "low";
  /** The engagement rate and its z-score against the tenant's posts on the platform. */
  engagement_rate: number | null;
  z_score: number | null;
}

export interface TestEventData {
  endpoint_id: string;
  message: string;
}

export interface EndpointDisabledData {
  endpoint_id: string;
  url: string;
  /** "gone": it answered 410; "failing": every delivery failed for three days. */
  reason: "gone" | "failing";
  failing_since: string | null;
}

/** What a delivered body is: `{id, type, created_at, data}`, nothing else. */
export interface WebhookEnvelope<D = unknown> {
  /** "evt_" and a ULID: the same for every attempt (webhook-id), so receivers can drop repeats. */
  id: string;
  type: WebhookEventType;
  /** ISO 8601 UTC, when the change happened. */
  created_at: string;
  data: D;
}

/** An event once made: its id, type, post (for post events), time and the exact body delivered. */
export interface WebhookEventRecord {
  eventId: string;
  type: WebhookEventType;
  postId: string | null;
  createdAt: string;
  /** The JSON text signed and sent, byte for byte the same on every attempt. */
  body: string;
}

/** Makes the record of an event: the envelope serialised once, so every attempt sends the same bytes. */
export function eventRecord(
  eventId: string,
  type: WebhookEventType,
  createdAt: string,
  data: unknown,
  postId: string | null = null,
): WebhookEventRecord {
  const envelope: WebhookEnvelope = { id: eventId, type, created_at: createdAt, data };
  return { eventId, type, postId, createdAt, body: JSON.stringify(envelope) };
}
