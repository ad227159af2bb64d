// GET /v1/health: are the global D1 and every shard reachable and migrated, does a
// TenantObject answer.
//
// Anyone may ask, and hears only `{status}`: the shards' names, the migrations applied
// and the errors D1 or the object raised describe the deployment, and a raw D1 error
// can carry SQL and internals. The operator (ADMIN_TOKEN, Bearer) hears the details; any
// other credential is refused (README, "Set up, run, test").
import { createRoute, z } from "@hono/zod-openapi";
import { isoNow } from "../../core/clock";
import { readAppliedSchema } from "../../core/db/schema-version";
import { allShards } from "../../core/placement/shards";
import { authenticateOperator } from "../auth/authenticate";
import { createRouter } from "../http/app-env";
import { problemResponseSpec } from "../http/schemas";
import { probeObject } from "../objects";

const DatabaseHealth = z.object({
  reachable: z.boolean(),
  schema_version: z.string().nullable().openapi({ example: "0012_placement.sql" }),
  migrations_applied: z.number().int(),
  error: z.string().optional(),
});

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    time: z.string().openapi({ format: "date-time" }),
    d1: DatabaseHealth.openapi({ description: "The global database: directory and skill registry" }),
    shards: z
      .array(DatabaseHealth.extend({ name: z.string(), region: z.string() }))
      .openapi({ description: "Every regional shard bound to this Worker" }),
    tenant_object: z.object({
      reachable: z.boolean(),
      schema_version: z.number().int().nullable(),
      error: z.string().optional(),
    }),
  })
  .openapi("Health");

const HealthStatusSchema = z
  .object({ status: z.enum(["ok", "degraded"]) })
  .strict()
  .openapi("HealthStatus", { description: "What anyone is told: the status alone" });

const HealthAnswer = z.union([HealthStatusSchema, HealthSchema]);

const route = createRoute({
  method: "get",
  path: "/v1/health",
  operationId: "get_health",
  tags: ["System"],
  summary: "Health of the Worker, D1 and the Durable Objects",
  description:
    "200 when D1 answers with migrations applied and a TenantObject answers by RPC; 503 with the same body otherwise. Without a credential the body is `{status}` alone; with the operator's token (ADMIN_TOKEN, Bearer) it carries every database's and the object's details; any other credential is a 401.",
  security: [{}, { bearerAuth: [] }],
  responses: {
    200: { description: "Everything answers", content: { "application/json": { schema: HealthAnswer } } },
    401: problemResponseSpec("A credential that is not the operator's token"),
    503: { description: "Something does not answer", content: { "application/json": { schema: HealthAnswer } } },
  },
});

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function databaseHealth(db: D1Database) {
  return readAppliedSchema(db).then(
    (schema) => ({ reachable: true, schema_version: schema.version, migrations_applied: schema.applied }),
    (err) => ({ reachable: false, schema_version: null, migrations_applied: 0, error: message(err) }),
  );
}

export const healthRoutes = createRouter().openapi(route, async (c) => {
  // A credential is checked before anything is read: only the operator's shows details.
  const operator = c.req.header("Authorization") !== undefined;
  if (operator) await authenticateOperator()(c, async () => {});
  const [d1, shards, object] = await Promise.all([
    databaseHealth(c.env.DB),
    Promise.all(
      allShards(c.env).map(async (shard) => ({
        name: shard.name,
        region: shard.region,
        ...(await databaseHealth(shard.db)),
      })),
    ),
    probeObject(c.env)
      .status()
      .then(
        (status) => ({ reachable: true, schema_version: status.schemaVersion }),
        (err) => ({ reachable: false, schema_version: null, error: message(err) }),
      ),
  ]);
  const migrated = (db: { reachable: boolean; schema_version: string | null }) =>
    db.reachable && db.schema_version !== null;
  const ok = migrated(d1) && shards.length > 0 && shards.every(migrated) && object.reachable;
  const status = ok ? ("ok" as const) : ("degraded" as const);
  const body = operator ? { status, time: isoNow(c.var.clock), d1, shards, tenant_object: object } : { status };
  return ok ? c.json(body, 200) : c.json(body, 503);
});
