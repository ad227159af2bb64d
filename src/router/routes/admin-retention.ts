// POST /v1/admin/jobs/retention: the operator runs the retention job now (the daily
// cron runs it too): a catch-up after a run stopped at its budget, a backfill as of
// a given day, or development, where no cron fires.

import { createRoute, z } from "@hono/zod-openapi";
import { invalidField } from "../../core/field-error";
import { runRetentionJob } from "../../core/retention/job";
import { dayOf, isDay } from "../../core/skills/calendar";
import { operatorGuard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { commitOperatorAudited } from "../http/audit";
import { jsonBody, jsonResponse } from "../http/openapi-parts";
import { problemResponseSpec } from "../http/schemas";

const Body = z
  .object({
    as_of: z
      .string()
      .refine(isDay, "a date, YYYY-MM-DD")
      .optional()
      .openapi({ description: "Run as the cron would on this UTC day, today or before (default: today)" }),
  })
  .strict();

const count = z.number().int();

const Report = z
  .object({
    as_of: z.string(),
    complete: z.boolean().openapi({ description: "False: the run stopped at its budget; run it again to go on" }),
    tenants: z.object({ checked: count, due: count, done: count }),
    archived: z.object({ days: count, rows: count }),
    deleted: z.object({
      audit_logs: count,
      rate_limits: count,
      analytics_sync_errors: count,
      generated_content: count,
      guard_results: count,
      revision_events: count,
    }),
    failed: count,
    failures: z
      .array(
        z.object({
          tenant_id: z.string().nullable(),
          shard: z.string(),
          step: z.enum(["scan", "audit_logs", "prune"]),
          reason: z.string(),
        }),
      )
      .openapi({ description: "The first 100 failures; each failed tenant is left for the next run" }),
    calls: z.object({ d1: count, r2: count }),
  })
  .openapi("RetentionJobReport");

const route = createRoute({
  method: "post",
  path: "/v1/admin/jobs/retention",
  operationId: "run_retention_job",
  tags: ["Operator"],
  summary: "Run the retention job now: archive and delete what is past each tenant's retention (operator)",
  security: [{ bearerAuth: [] }],
  middleware: operatorGuard({ action: "job.retention", resource: "job" }),
  request: jsonBody(Body),
  responses: {
    200: jsonResponse("What the job did", Report),
    400: problemResponseSpec("Invalid input"),
    401: problemResponseSpec("Not the operator"),
  },
});

export const adminRetentionRoutes = createRouter().openapi(route, async (c) => {
  const { as_of } = c.req.valid("json");
  const today = dayOf(new Date(c.var.clock()));
  // A later day would delete rows before their period is over.
  if (as_of !== undefined && as_of > today) throw invalidField("as_of", "not after today (UTC)");
  const report = await runRetentionJob(c.env, as_of ?? today);
  await commitOperatorAudited(c, [], {
    action: "job.retention",
    resourceType: "job",
    // Counts and the failed tenants' ids: the trail is not the report.
    metadata: {
      as_of: report.as_of,
      complete: report.complete,
      tenants: report.tenants,
      archived: report.archived,
      deleted: report.deleted,
      failed: report.failures.map((f) => f.tenant_id ?? f.shard),
    },
  });
  return c.json(report, 200);
});
