// GET /v1/skills/{id}/metrics: how a skill performs. The caller's own figures are
// computed from its own candidates and always shown; cross-tenant figures come from
// the daily roll-up and each row is shown only where at least 5 distinct tenants
// contributed (k-anonymity); a day with rows below that says "withheld", and no more.

import { createRoute, z } from "@hono/zod-openapi";
import { metricsOfSkill } from "../../core/db/skill-metrics";
import { addDays, dayOf, daysBetween, isDay, startOf } from "../../core/skills/calendar";
import { publish, summarise } from "../../core/skills/k-anonymity";
import { MetricsAccumulator } from "../../core/skills/metric-aggregate";
import { readFacts } from "../../core/skills/metric-facts";
import { K_ANONYMITY } from "../../core/skills/promotion-policy";
import { guard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { idParam } from "../http/content-schemas";
import { bearer, jsonResponse, problems } from "../http/openapi-parts";
import { caller } from "../http/request-context";
import { SKILL_NOT_FOUND, visibleSkill } from "../http/skill-access";

const MAX_DAYS = 366;
const Day = z.string().refine(isDay, "a date, YYYY-MM-DD");

const Query = z
  .object({
    from: Day.optional().openapi({ description: "First day (default: 29 days before to)" }),
    to: Day.optional().openapi({ description: "Last day, inclusive (default: today, UTC)" }),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from must not be after to", path: ["from"] })
  .refine((q) => !q.from || !q.to || daysBetween(q.from, q.to) < MAX_DAYS, {
    message: `at most ${MAX_DAYS} days`,
    path: ["from"],
  });

const Figures = z.object({
  uses: z.number().int(),
  pass_rate: z.number(),
  defect_rate: z.number(),
  selection_rate: z.number(),
  approval_rate: z.number(),
  cost_avg: z.number(),
});

const MetricsSchema = z
  .object({
    skill_id: z.string(),
    from: z.string(),
    to: z.string(),
    minimum_tenants: z.number().int(),
    own: Figures.extend({ latency_p50: z.number().int(), latency_p95: z.number().int() }),
    cross_tenant: z.object({
      status: z.enum(["shown", "withheld"]),
      summary: Figures.nullable(),
      days: z.array(
        z.union([
          Figures.extend({
            status: z.literal("shown"),
            date: z.string(),
            context_hash: z.string(),
            skill_version_id: z.string(),
            latency_p50: z.number().int(),
            latency_p95: z.number().int(),
            unique_tenants: z.number().int(),
          }),
          z.object({ status: z.literal("withheld"), date: z.string() }),
        ]),
      ),
    }),
  })
  .openapi("SkillMetrics");

const route = createRoute({
  method: "get",
  path: "/v1/skills/{id}/metrics",
  operationId: "get_skill_metrics",
  tags: ["Skills"],
  summary: "A skill's metrics: your own always, cross-tenant only where at least 5 tenants contributed",
  security: bearer,
  middleware: guard("skills.read", { action: "skill.metrics", resource: "skill", idParam: "id" }),
  request: { params: z.object({ id: idParam("skill") }), query: Query },
  responses: { 200: jsonResponse("The metrics", MetricsSchema), ...problems(SKILL_NOT_FOUND) },
});

export const skillMetricsRoutes = createRouter().openapi(route, async (c) => {
  const { scope } = caller(c);
  const { id } = c.req.valid("param");
  const query = c.req.valid("query");
  await visibleSkill(c, id);
  const to = query.to ?? dayOf(new Date(c.var.clock()));
  const from = query.from ?? addDays(to, -29);

  const own = new MetricsAccumulator();
  const facts = readFacts(scope.db, {
    from: startOf(from),
    to: startOf(addDays(to, 1)),
    tenantId: scope.tenantId,
    skillId: id,
  });
  for await (const fact of facts) own.add(fact);
  const { unique_tenants: _self, ...ownFigures } = own.result();

  const days = publish(await metricsOfSkill(c.env.DB, id, from, to));
  return c.json(
    {
      skill_id: id,
      from,
      to,
      minimum_tenants: K_ANONYMITY,
      own: ownFigures,
      cross_tenant: {
        status: days.some((d) => d.status === "shown") ? ("shown" as const) : ("withheld" as const),
        summary: summarise(days),
        days,
      },
    },
    200,
  );
});
