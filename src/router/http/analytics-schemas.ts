// Schemas of live analytics: metric events in, a post's figures out.
import { z } from "@hono/zod-openapi";
import { METRIC_NAMES } from "../../core/analytics/post-metrics";
import { idPattern } from "../../core/db/ids";
import { PLATFORMS } from "../../core/platforms/types";

const count = z.number().int().min(0).max(1e12);
const change = z.number().int().min(-1e12).max(1e12);

export const MetricEventSchema = z
  .object({
    post_id: z.string().regex(idPattern("post"), "a post id (post_...)"),
    type: z
      .enum(["snapshot", "delta"])
      .openapi({ description: "snapshot: the figures as they stand; delta: changes to add" }),
    at: z.iso
      .datetime({ offset: true })
      .refine((value) => Date.parse(value) <= Date.now() + 300_000, "must not be in the future")
      .optional()
      .openapi({ description: "When the figures were observed (for velocity); now when absent" }),
    metrics: z
      .partialRecord(z.enum(METRIC_NAMES), z.number().int())
      .refine((m) => Object.keys(m).length > 0, "give at least one metric"),
  })
  .superRefine((event, ctx) => {
    const schema = event.type === "snapshot" ? count : change;
    for (const [name, value] of Object.entries(event.metrics)) {
      if (!schema.safeParse(value).success) {
        ctx.addIssue({
          code: "custom",
          path: ["metrics", name],
          message: event.type === "snapshot" ? "a snapshot value is a count, 0 or more" : "a delta is a whole number",
        });
      }
    }
  })
  .openapi("MetricEvent");

export const EventBatchSchema = z
  .object({ events: z.array(MetricEventSchema).min(1).max(1000) })
  .openapi("MetricEventBatch");

export const PostFiguresSchema = z
  .object({
    post_id: z.string(),
    platform: z.enum(PLATFORMS),
    account_id: z.string(),
    published_at: z.string(),
    likes: z.number(),
    comments: z.number(),
    shares: z.number(),
    saves: z.number(),
    clicks: z.number(),
    bookmarks: z.number(),
    impressions: z.number(),
    reach: z.number(),
    unique_impressions: z.number(),
    video_views: z.number().nullable(),
    video_avg_watch_time: z.number().nullable(),
    video_complete_views: z.number().nullable(),
    followers: z.number().nullable(),
    engagement_rate: z
      .number()
      .nullable()
      .openapi({ description: "(likes + comments + shares + clicks) / impressions" }),
    share_rate: z.number().nullable(),
    viral_coefficient: z.number().nullable().openapi({ description: "reach / followers" }),
    engagement_velocity_1h: z.number().nullable().openapi({ description: "engagements per hour over the first hour" }),
    engagement_velocity_24h: z.number().nullable(),
    engagement_velocity_7d: z.number().nullable(),
    performance_score: z.number().int().openapi({ description: "0-100 against the tenant's p90 on the platform" }),
    performance_score_breakdown: z.object({
      engagement: z.number(),
      reach: z.number(),
      shares: z.number(),
      basis: z.enum(["benchmark", "none"]),
    }),
    is_anomaly: z.boolean(),
    anomaly_type: z.enum(["high", "low", "normal"]),
    z_score: z.number().nullable(),
    updated_at: z.string(),
  })
  .openapi("PostAnalytics");
