// GET /v1/health: are the global D1 and every shard reachable and migrated, does a
// TenantObject answer.
import { createRoute, z } from "@hono/zod-openapi";
import { readAppliedSchema } from "../db/schema-version";
import { createRouter } from "../http/app-env";
import { probeObject } from "../objects";
import { allShards } from "../placement/shards";

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

function databaseHealth(db: D1Database) {
  return readAppliedSchema(db).then(
    (schema) => ({ reachable: true, schema_version: schema.version, migrations_applied: schema.applied }),
    (err) => ({ reachable: false, schema_version: null, migrations_applied: 0, error: message(err) }),
  );
}

export const healthRoutes = createRouter().openapi(route, async (c) => {
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
      .then((stub) => stub.status())
      .then(
        (status) => ({ reachable: true, schema_version: status.schemaVersion }),
        (err) => ({ reachable: false, schema_version: null, error: message(err) }),
      ),
  ]);
  const migrated = (db: { reachable: boolean; schema_version: string | null }) =>
    db.reachable && db.schema_version !== null;
  const ok = migrated(d1) && shards.length > 0 && shards.every(migrated) && object.reachable;
  const body = {
    status: ok ? ("ok" as const) : ("degraded" as const),
    time: new Date().toISOString(),
    d1,
    shards,
    tenant_object: object,
  };
  return ok ? c.json(body, 200) : c.json(body, 503);
});
