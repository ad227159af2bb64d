// Request and response pieces of the report routes: benchmarks, viral posts, ROI.
import { z } from "@hono/zod-openapi";
import { ATTRIBUTION_MODELS } from "../../core/analytics/attribution";
import { isRoiWindow, ROI_WINDOWS } from "../../core/analytics/roi-windows";
import { PLATFORMS } from "../../core/platforms/types";
import { Timestamp } from "./content-schemas";

/** `?days=`: how far back a report looks, in whole days. */
export function daysQuery(defaultDays: number) {
  return z.coerce
    .number()
    .int()
    .min(1)
    .max(365)
    .default(defaultDays)
    .openapi({ description: `Days back from now (1 to 365, default ${defaultDays})` });
}

export const BenchmarkSchema = z
  .object({
    id: z.string(),
    platform: z.enum(PLATFORMS),
    avg_engagement_rate: z.number().nullable(),
    median_engagement_rate: z.number().nullable(),
    p90_engagement_rate: z.number().nullable(),
    avg_reach: z.number().nullable(),
    p90_reach: z.number().nullable(),
    avg_share_rate: z.number().nullable(),
    p90_share_rate: z.number().nullable(),
    total_posts: z.number().int(),
    calculated_at: Timestamp,
  })
  .openapi("Benchmark");

export const BenchmarkList = z.object({ data: z.array(BenchmarkSchema) }).openapi("BenchmarkList");

export const ViralPostSchema = z
  .object({
    post_id: z.string(),
    platform: z.enum(PLATFORMS),
    text: z.string(),
    published_at: Timestamp,
    viral_coefficient: z.number().openapi({ description: "reach / followers; at least 1" }),
    engagement_rate: z.number().nullable(),
    reach: z.number().int(),
    impressions: z.number().int(),
  })
  .openapi("ViralPost");

export const ViralPage = z
  .object({
    data: z.array(ViralPostSchema),
    next_cursor: z.string().nullable(),
    since: Timestamp.openapi({ description: "Posts published at or after this time" }),
  })
  .openapi("ViralPostPage");

export const CampaignRoiSchema = z
  .object({
    campaign_id: z.string(),
    posts: z.number().int(),
    impressions: z.number().int(),
    clicks: z.number().int(),
    page_views: z.number().int(),
    conversions: z
      .number()
      .openapi({ description: "Form submissions and purchases credited to the campaign's posts (fractional)" }),
    revenue: z.number().openapi({ description: "USD credited to the campaign's posts under the model" }),
    cost: z.number().openapi({ description: "posts × cost_per_post (USD)" }),
    roi_percent: z.number().openapi({ description: "(revenue - cost) / cost × 100" }),
  })
  .openapi("CampaignRoi");

export const RoiQuery = z.object({
  days: z.coerce
    .number()
    .int()
    .refine(isRoiWindow, `one of ${ROI_WINDOWS.join(", ")}`)
    .default(90)
    .openapi({
      enum: [...ROI_WINDOWS],
      description: `Days back from now: one of ${ROI_WINDOWS.join(", ")} (default 90). The TenantObject keeps running totals for exactly these windows.`,
    }),
  cost_per_post: z.coerce
    .number()
    .min(0.01)
    .max(1_000_000)
    .default(50)
    .openapi({ description: "What one post costs to make, in USD (default the seed's $50)" }),
  model: z
    .enum(ATTRIBUTION_MODELS)
    .default("last_touch")
    .openapi({ description: "How a conversion's credit is shared among its touches (default last_touch)" }),
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ description: "Page size (1 to 100)" }),
  cursor: z.string().max(512).optional().openapi({ description: "next_cursor of the previous page" }),
});

export const RoiPage = z
  .object({
    data: z.array(CampaignRoiSchema),
    next_cursor: z.string().nullable(),
    since: Timestamp.openapi({ description: "Posts published at or after this time" }),
    days: z.number().int().openapi({ description: "The window, in days" }),
    model: z.enum(ATTRIBUTION_MODELS),
    cost_per_post: z.number(),
  })
  .openapi("CampaignRoiPage");
