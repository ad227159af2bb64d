// Schemas shared by the publishing routes.
import { z } from "@hono/zod-openapi";
import { idPattern } from "../db/ids";
import { PLATFORMS } from "../platforms/types";

const timestamp = z.string().openapi({ format: "date-time" });

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
    token_expires_at: timestamp.nullable(),
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
    status: z.enum(["scheduled", "published", "failed", "cancelled", "unknown", "processing"]).openapi({
      description:
        "unknown: the platform did not answer in time after the post was sent; it is never retried blindly. processing: the platform accepted the post and is still processing it (an Instagram video); it becomes published or failed on its own",
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
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Post");

const MAX_SCHEDULE_AHEAD_MS = 365 * 24 * 3_600_000;

// https only: the media is fetched by this Worker (LinkedIn, X) or by the platform
// (Facebook, Instagram), and a plain-http fetch could be read or altered on the way.
// Size and type are checked when it is fetched (src/platforms/media.ts).
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
    scheduled_at: z.iso
      .datetime({ offset: true })
      .refine((value) => Date.parse(value) > Date.now() + 5_000, "must be at least 5 seconds in the future")
      .refine((value) => Date.parse(value) < Date.now() + MAX_SCHEDULE_AHEAD_MS, "must be within a year")
      .optional(),
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
    content_id: z.string().min(1).max(64).optional(),
  })
  .openapi("CreatePost");
