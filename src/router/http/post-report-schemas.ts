// Schemas of the post reports (GET /v1/analytics/top-posts and /anomalies).
import { z } from "@hono/zod-openapi";
import { MAX_REPORT_DAYS, MAX_REPORT_LIMIT } from "../../core/analytics/post-reports";
import { PLATFORMS } from "../../core/platforms/types";
import { PostFiguresSchema } from "./analytics-schemas";

export const PostReportQuery = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_REPORT_DAYS)
    .default(30)
    .openapi({ description: `Posts published in the last days (1 to ${MAX_REPORT_DAYS}, default 30)` }),
  platform: z.enum(PLATFORMS).optional().openapi({ description: "Only this platform's posts" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_REPORT_LIMIT)
    .default(10)
    .openapi({ description: `Posts answered (1 to ${MAX_REPORT_LIMIT}, default 10)` }),
});

export const PostReportSchema = z
  .object({
    data: z.array(PostFiguresSchema),
    since: z.string().openapi({ format: "date-time", description: "The window's start" }),
  })
  .openapi("PostReport");
