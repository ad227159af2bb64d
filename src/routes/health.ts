// GET /v1/health: is D1 reachable and migrated, does a TenantObject answer.
import { createRoute, z } from "@hono/zod-openapi";
import { readAppliedSchema } from "../db/schema-version";
import { createRouter } from "../http/app-env";
import { HEALTH_PROBE_OBJECT, tenantObject } from "../objects";

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    time: z.string().openapi({ format: "date-time" }),
    d1: z.object({
      reachable: z.boolean(),
      schema_version: z.string().nullable().openapi({ example: "0006_composite_indexes.sql" }),
      migrations_applied: z.number().int(),
      error: z.string().optional(),
    }),
    tenant_object: z.object({
      reachable: z.boolean(),
      schema_version: z.number().int().nullable(),
      error: z.string().optional(),
    }),
  })
  .openapi("Health");

const route = createRoute({
  method: "get",
  path: "/v1/health",
  tags: ["System"],
  summary: "Health of the Worker, D1 and the Durable Objects",
  description:
    "200 when D1 answers with migrations applied and a TenantObject answers by RPC; 503 with the same body otherwise.",
  responses: {
    200: { description: "Everything answers", content: { "application/json": { schema: HealthSchema } } },
    503: { description: "Something does not answer", content: { "application/json": { schema: HealthSchema } } },
  },
});

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const healthRoutes = createRouter().openapi(route, async (c) => {
  const [d1, object] = await Promise.all([
    readAppliedSchema(c.env.DB).then(
      (schema) => ({ reachable: true, schema_version: schema.version, migrations_applied: schema.applied }),
      (err) => ({ reachable: false, schema_version: null, migrations_applied: 0, error: message(err) }),
    ),
    tenantObject(c.env, HEALTH_PROBE_OBJECT)
      .then((stub) => stub.status())
      .then(
        (status) => ({ reachable: true, schema_version: status.schemaVersion }),
        (err) => ({ reachable: false, schema_version: null, error: message(err) }),
      ),
  ]);
  const ok = d1.reachable && d1.schema_version !== null && object.reachable;
  const body = {
    status: ok ? ("ok" as const) : ("degraded" as const),
    time: new Date().toISOString(),
    d1,
    tenant_object: object,
  };
  return ok ? c.json(body, 200) : c.json(body, 503);
});
