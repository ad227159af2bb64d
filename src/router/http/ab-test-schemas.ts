// Request and response pieces of the A/B test routes.
import { z } from "@hono/zod-openapi";
import { AB_METRICS } from "../../core/analytics/ab-metrics";
import { VARIANT_LABELS } from "../../core/analytics/ab-test";
import { AB_TEST_STATUSES, AB_TEST_TYPES } from "../../core/db/ab-tests";
import { idField, Timestamp } from "./content-schemas";
import { plainText } from "./text-field";

export const CreateAbTest = z
  .object({
    name: plainText(1, 200),
    test_type: z.enum(AB_TEST_TYPES).default("content"),
    variants: z
      .array(idField("post"))
      .min(2, "two or three posts")
      .max(3, "two or three posts")
      .superRefine((ids, ctx) => {
        ids.forEach((id, i) => {
          if (ids.indexOf(id) !== i) ctx.addIssue({ code: "custom", path: [i], message: "the same post twice" });
        });
      })
      .openapi({ description: "Published posts of the tenant: A (the control) first, then B and C" }),
    metric: z.enum(AB_METRICS).default("engagement_rate"),
    min_sample: z
      .number()
      .int()
      .min(1)
      .max(1_000_000_000)
      .default(1000)
      .openapi({ description: "Impressions each variant needs before a winner is named" }),
    alpha: z
      .number()
      .min(0.001)
      .max(0.2)
      .default(0.05)
      .openapi({ description: "Family-wise significance level (Holm-corrected with three variants)" }),
  })
  .strict()
  .openapi("CreateAbTest");

const Label = z.enum(VARIANT_LABELS);

const VariantSchema = z.object({
  label: Label,
  post_id: z.string(),
  successes: z.number().int().openapi({ description: "Events counted by the metric" }),
  trials: z.number().int().openapi({ description: "Impressions" }),
  rate: z.number().nullable(),
});

const ComparisonSchema = z.object({
  variant: z.enum(["B", "C"]),
  z: z.number().nullable(),
  p_value: z.number().nullable().openapi({ description: "Two-sided, uncorrected" }),
  adjusted_p_value: z.number().nullable().openapi({ description: "Holm-adjusted over the comparisons with A" }),
  uplift: z.number().nullable().openapi({ description: "Relative lift over A, percent" }),
  significant: z.boolean().openapi({ description: "Counts toward the verdict; false while inconclusive" }),
});

export const AbTestSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    test_type: z.enum(AB_TEST_TYPES),
    metric: z.enum(AB_METRICS),
    metric_definition: z.string(),
    min_sample: z.number().int(),
    alpha: z.number(),
    status: z.enum(AB_TEST_STATUSES),
    winner: z.enum([...VARIANT_LABELS, "tie", "inconclusive"]).nullable(),
    p_value: z.number().nullable(),
    confidence_level: z.number().int().nullable().openapi({ description: "⌊100 × (1 - p_value)⌋" }),
    uplift: z.number().nullable().openapi({ description: "The headline comparison's lift over A, percent" }),
    reason: z.string().nullable(),
    variants: z.array(VariantSchema),
    comparisons: z.array(ComparisonSchema),
    created_by: z.string().nullable(),
    started_at: Timestamp,
    completed_at: Timestamp.nullable(),
    evaluated_at: Timestamp.nullable(),
  })
  .openapi("AbTest");

export const AbTestStatusFilter = z.enum(AB_TEST_STATUSES);
