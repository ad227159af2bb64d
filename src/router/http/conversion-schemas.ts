// Request and response pieces of the conversion routes.
import { z } from "@hono/zod-openapi";
import { CONVERSION_TYPES } from "../../core/db/conversions";
import { idField, Timestamp } from "./content-schemas";
import { idempotencyHeader } from "./schemas";

/** Clocks of the tracking clients and of the platforms may differ by this much. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** A conversion reported later than this is refused as a mistake, not a late event. */
const MAX_AGE_MS = 365 * 86_400_000;

const Token = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");
const UtmValue = z.string().trim().min(1).max(200).optional();

export const CreateConversion = z
  .object({
    post_id: idField("post").openapi({ description: "The published post that brought the visitor" }),
    type: z.enum(CONVERSION_TYPES),
    value: z.number().min(0).max(1_000_000_000).default(0).openapi({ description: "Revenue in USD" }),
    session_id: Token.optional().openapi({
      description: "The visitor's session; its earlier page views are the touches this conversion is attributed across",
    }),
    visitor_id: Token.optional().openapi({ description: "The visitor, if known (stored as conversions.user_id)" }),
    utm: z
      .object({ source: UtmValue, medium: UtmValue, campaign: UtmValue, content: UtmValue, term: UtmValue })
      .strict()
      .optional(),
    tracked_at: z.iso.datetime({ offset: true }).optional().openapi({
      description: "When it happened (default: now): not before the post was published, not in the future",
    }),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.type === "page_view" && v.value > 0) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "a page view carries no value" });
    }
    const at = v.tracked_at ? Date.parse(v.tracked_at) : null;
    if (at !== null && at > Date.now() + CLOCK_SKEW_MS) {
      ctx.addIssue({ code: "custom", path: ["tracked_at"], message: "in the future" });
    }
    if (at !== null && at < Date.now() - MAX_AGE_MS) {
      ctx.addIssue({ code: "custom", path: ["tracked_at"], message: "more than 365 days ago" });
    }
  })
  .openapi("CreateConversion");

export const IdempotencyHeader = idempotencyHeader(
  "Repeat a request with the same key to get its first answer back, counted once",
);

const Weights = z.object({
  first_touch: z.number(),
  last_touch: z.number(),
  linear: z.number(),
  time_decay: z.number(),
});
const Credit = z.array(z.object({ post_id: z.string(), weight: z.number() }));

const AttributionSchema = z
  .object({
    half_life_hours: z.number().openapi({ description: "time_decay halves a touch's share per half-life" }),
    lookback_days: z.number(),
    touches: z.array(
      z.object({
        id: z.string().openapi({ description: "The page view, or this conversion (the last touch)" }),
        post_id: z.string(),
        tracked_at: Timestamp,
        weights: Weights,
      }),
    ),
    by_post: z
      .object({ first_touch: Credit, last_touch: Credit, linear: Credit, time_decay: Credit })
      .openapi({ description: "Each model's credit summed per post" }),
  })
  .openapi("Attribution");

export const ConversionSchema = z
  .object({
    id: z.string(),
    post_id: z.string(),
    type: z.enum(CONVERSION_TYPES),
    value: z.number(),
    session_id: z.string().nullable(),
    visitor_id: z.string().nullable(),
    utm: z.object({
      source: z.string().nullable(),
      medium: z.string().nullable(),
      campaign: z.string().nullable(),
      content: z.string().nullable(),
      term: z.string().nullable(),
    }),
    tracked_at: Timestamp,
    attribution: AttributionSchema.nullable().openapi({
      description: "Form submissions and purchases: each touch's weight under every model; null for a page view",
    }),
  })
  .openapi("Conversion");

export const ConversionSummarySchema = ConversionSchema.omit({ attribution: true }).openapi("ConversionSummary");
