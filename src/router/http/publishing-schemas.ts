// Schemas shared by the publishing routes.
import { z } from "@hono/zod-openapi";
import { METRIC_NAMES } from "../../core/analytics/post-metrics";
import { idPattern } from "../../core/db/ids";
import { AT_RISK_CODES } from "../../core/db/post-checks";
import { HOLD_REASONS } from "../../core/db/publish-requests";
import { PLATFORMS } from "../../core/platforms/types";
import { ApprovalSchema } from "./approval-schemas";
import { idParam } from "./content-schemas";
import { pageSchema } from "./identity-schemas";

const timestamp = z.string().openapi({ format: "date-time" });

/** A post's status as the API shows it (GET /v1/posts filters by them). */
export const POST_STATUSES = [
  "pending_approval",
  "rejected",
  "scheduled",
  "held",
  "published",
  "failed",
  "cancelled",
  "unknown",
  "processing",
] as const;

export const PlatformParam = z.object({
  platform: z.enum(PLATFORMS).openapi({ param: { name: "platform", in: "path" }, description: "twitter is X" }),
});

export const SocialAccountSchema = z
  .object({
    id: z.string(),
    platform: z.enum(PLATFORMS),
    platform_user_id: z.string(),
    name: z.string().nullable(),
    handle: z.string().nullable(),
    status: z.enum(["active", "expired", "revoked", "error"]),
    scopes: z.array(z.string()),
    unavailable_metrics: z.array(z.object({ metric: z.enum(METRIC_NAMES), reason: z.string() })).openapi({
      description:
        "The post figures this account's platform never reports here, each with why (the platform has no such figure, the app lacks the platform's approval or the account a scope): their 0 means unknown, not none (docs/platforms.md)",
    }),
    token_expires_at: timestamp.nullable(),
    token: z
      .object({
        expires_at: timestamp.nullable(),
        refresh_expires_at: timestamp.nullable(),
        refresh_expected: z.enum(["ok", "reconnect_needed"]),
        reason: z.string().nullable(),
      })
      .openapi({
        description:
          "The access token's expiry, the refresh credential's (LinkedIn's 365 days, Facebook's long-lived user token), and whether the next refresh is expected to work; reconnect_needed says why (src/core/platforms/token-outlook.ts)",
      }),
    last_used_at: timestamp.nullable(),
    last_refresh_at: timestamp.nullable(),
    error_count: z.number().int(),
    last_error: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("SocialAccount");

export const PostSchema = z
  .object({
    id: z.string(),
    account_id: z.string(),
    platform: z.enum(PLATFORMS),
    status: z.enum(POST_STATUSES).openapi({
      description:
        "pending_approval: drafted by an agent (or a key or member whose posts wait) and stored, neither scheduled nor sent, until an owner or admin approves it (then scheduled or published as any post) or rejects it (rejected, with its reason in approval.rejection_reason): docs/approvals.md. unknown: the post was sent but its outcome was not learned (no answer in time, a 5xx from the platform, a reset during the call); it is never retried blindly: the platform is asked whether the post exists within minutes (reconciliation says how it stands), and the post becomes published, or is sent once more, or fails saying it may be on the platform. processing: the platform accepted the post and is still processing its media (an Instagram container, a Facebook, X or LinkedIn video, an X GIF); the post becomes published or failed on its own. held: it came due while its tenant was stopped or its author removed, and was not sent (held_reason says which); an owner or admin releases it with a new time, or cancels it",
    }),
    text: z.string().openapi({ description: "The text as published: hashtags appended, links tagged with UTM" }),
    image_url: z.string().nullable(),
    video_url: z.string().nullable(),
    hashtags: z.array(z.string()),
    scheduled_at: timestamp.nullable(),
    published_at: timestamp.nullable(),
    platform_post_id: z.string().nullable(),
    platform_post_url: z.string().nullable(),
    campaign_id: z.string().nullable(),
    utm_params: z.record(z.string(), z.string()).nullable(),
    content_id: z.string().nullable(),
    requested_by: z.string().nullable(),
    error: z.object({ type: z.string(), message: z.string().nullable() }).nullable(),
    held_reason: z.enum(HOLD_REASONS).nullable().openapi({
      description:
        "Why a held post was not sent when it came due: its tenant was suspended or deleted, or the member who answers for it was suspended or removed. Null unless the post is held",
    }),
    reconciliation: z
      .object({
        state: z.enum(["checking", "resolved", "gave_up"]),
        resolution: z.enum(["found", "duplicate_refusal", "sent_again"]).nullable(),
        tries: z.number().int(),
        max_tries: z.number().int(),
        last_checked_at: timestamp.nullable(),
        next_check_at: timestamp.nullable(),
        note: z.string(),
      })
      .nullable()
      .openapi({
        description:
          "For a post whose outcome was not learned: its reconciliation with the platform (docs/publishing.md, Reconciliation). checking: the platform is being asked (tries so far, the next check); resolved: found there (found), named by the platform's refusal of a duplicate (duplicate_refusal), or not there and sent once more (sent_again); gave_up: not confirmed after the last check, the post failed with error type outcome_unresolved. Null for a post whose outcome was always known",
      }),
    at_risk: z
      .object({
        code: z.enum(AT_RISK_CODES),
        reason: z.string(),
        detected_at: timestamp,
        checked_at: timestamp,
      })
      .nullable()
      .openapi({
        description:
          "For a scheduled post: why it would fail if it went out as things stand, found by the pre-flight check 15 minutes before it and at send time (docs/publishing.md, Pre-flight checks); null when nothing is wrong or once the cause is fixed",
      }),
    approval: ApprovalSchema,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Post");

/** The path parameters of a post's own routes (/v1/posts/{id}/…). */
export const PostParams = z.object({ id: idParam("post") });

/** A JSON answer holding the post, as each post route documents it. */
export function postResponse(description: string) {
  return { description, content: { "application/json": { schema: PostSchema } } };
}

/** A page of posts (GET /v1/posts, the operator's GET /v1/admin/tenants/{id}/posts). */
export const PostPageSchema = pageSchema(PostSchema, "PostPage");

export const MAX_SCHEDULE_AHEAD_MS = 365 * 24 * 3_600_000;
/** How far ahead a post's time must be when it is given (scheduled or released). */
export const MIN_SCHEDULE_AHEAD_MS = 5_000;

// https only: the media is fetched by this Worker (LinkedIn, X) or by the platform
// (Facebook, Instagram), and a plain-http fetch could be read or altered on the way.
// Size and type are checked when it is fetched (src/core/platforms/media.ts).
const mediaUrl = z
  .url({ protocol: /^https$/ })
  .max(2048)
  .openapi({ description: "A public https URL of the image or video (its size and type are checked when fetched)" });

/** The body of POST /v1/posts. */
export const PostBody = z
  .object({
    account_id: z.string().regex(idPattern("socialAccount"), "a social account id (acc_...)"),
    text: z.string().min(1).max(63_206),
    image_url: mediaUrl.optional(),
    video_url: mediaUrl.optional(),
    hashtags: z.array(z.string().min(1).max(101)).max(30).default([]),
    scheduled_at: z
      .union([
        z.literal("best"),
        z.iso
          .datetime({ offset: true })
          .refine(
            (value) => Date.parse(value) > Date.now() + MIN_SCHEDULE_AHEAD_MS,
            "must be at least 5 seconds in the future",
          )
          .refine((value) => Date.parse(value) < Date.now() + MAX_SCHEDULE_AHEAD_MS, "must be within a year"),
      ])
      .optional()
      .openapi({
        description:
          "When to publish (absent: now): a time at least 5 seconds ahead and within a year, or \"best\": the next of the post configuration's best_posting_times for the account's platform, in its timezone, at least 5 minutes ahead (the answer's scheduled_at shows it)",
      }),
    campaign_id: z.string().min(1).max(100).optional(),
    utm_params: z
      .object({
        source: z.string().min(1).max(200),
        medium: z.string().min(1).max(200),
        campaign: z.string().min(1).max(200),
        content: z.string().min(1).max(200),
        term: z.string().min(1).max(200),
      })
      .partial()
      .strict()
      .optional(),
    content_id: z.string().min(1).max(64).optional().openapi({
      description: "The generated content the post publishes: its configuration's quality gates are checked on it",
    }),
    configuration_id: z
      .string()
      .regex(idPattern("postConfiguration"), "a post configuration id (cfg_...)")
      .optional()
      .openapi({
        description:
          "The post configuration whose rules apply (platforms, hashtag cap, call to action, quality gates, best times); absent: the tenant's default configuration, when it has one",
      }),
  })
  .openapi("CreatePost");

/**
 * The body of POST /v1/posts/{id}/release. Its time is checked against the route's
 * clock (src/router/routes/post-release.ts): in the future, as a post's scheduled_at.
 */
export const ReleaseBody = z
  .object({
    scheduled_at: z.iso.datetime({ offset: true }).openapi({
      description: "When the post goes out: at least 5 seconds in the future, within a year",
    }),
    override_author_removed: z.boolean().default(false).openapi({
      description:
        "For a post whose author is still suspended or removed: release it anyway, the caller answering for it in the author's place (the post keeps its author; the release is audited under the caller)",
    }),
  })
  .strict()
  .openapi("ReleasePost");
