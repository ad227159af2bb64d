// The operator's placement routes (ADMIN_TOKEN): the shards and how full they are,
// closing a shard to new tenants, where a tenant lives, and moving a tenant to another
// shard of its region (objects/placement/tenant-move.ts runs the move).

import { createRoute, z } from "@hono/zod-openapi";
import { isoNow } from "../../core/clock";
import { idPattern } from "../../core/db/ids";
import { findTenant, REGIONS } from "../../core/db/tenants";
import { shardFill } from "../../core/placement/choose-shard";
import { placementOfRow } from "../../core/placement/directory";
import { allShards, regionOfShard } from "../../core/placement/shards";
import { operatorGuard } from "../auth/guard";
import { createRouter } from "../http/app-env";
import { commitGlobalForTenant, commitOperatorAudited } from "../http/audit";
import { jsonBody, jsonResponse } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { problemResponseSpec } from "../http/schemas";
import { objectPlacement, retryOnReset, tenantObjectAt } from "../objects";

const security = [{ bearerAuth: [] }];
const errors = {
  400: problemResponseSpec("Invalid input"),
  401: problemResponseSpec("Not the operator"),
};

const ShardName = z
  .string()
  .max(64)
  .regex(/^SHARD_[A-Z]+(?:_[A-Z]+)*_\d+$/, "a shard binding name, SHARD_<REGION>_<N>")
  .openapi({ example: "SHARD_EU_WEST_2" });

const ShardSchema = z
  .object({
    name: z.string(),
    region: z.enum(REGIONS),
    bytes: z.number().int().openapi({ description: "The database's size as D1 reports it" }),
    tenants: z.number().int().openapi({ description: "Tenants the directory places here (deleted ones left out)" }),
    accepts_new_tenants: z.boolean(),
  })
  .openapi("Shard");

const MoveSchema = z
  .object({
    from_shard: z.string(),
    to_shard: z.string(),
    phase: z.enum(["copying", "verifying", "switching", "draining", "cleaning", "done", "failed"]),
    table: z.string().nullable(),
    rows_copied: z.number().int(),
    started_at: z.string(),
    switched_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi("TenantMove");

const PlacementSchema = z
  .object({
    tenant_id: z.string(),
    region: z.enum(REGIONS),
    shard: z.string(),
    object: z.object({ jurisdiction: z.string().nullable(), location_hint: z.string() }),
    move: MoveSchema.nullable(),
  })
  .openapi("TenantPlacement");

const TenantParams = z.object({
  id: z
    .string()
    .regex(idPattern("tenant"), "a tenant id (ten_...)")
    .openapi({ param: { name: "id", in: "path" } }),
});
const ShardParams = z.object({ shard: ShardName.openapi({ param: { name: "shard", in: "path" } }) });

const listShardsRoute = createRoute({
  method: "get",
  path: "/v1/admin/shards",
  operationId: "list_shards",
  tags: ["Operator"],
  summary: "Every shard bound to this deployment, how full it is and whether it takes new tenants",
  security,
  middleware: operatorGuard({ action: "shard.list", resource: "shard" }),
  responses: {
    200: jsonResponse("The shards", z.object({ data: z.array(ShardSchema) }).openapi("ShardList")),
    ...errors,
  },
});

const patchShardRoute = createRoute({
  method: "patch",
  path: "/v1/admin/shards/{shard}",
  operationId: "update_shard",
  tags: ["Operator"],
  summary: "Open or close a shard to new tenants (tenants already there stay)",
  security,
  middleware: operatorGuard({ action: "shard.update", resource: "shard", idParam: "shard" }),
  request: {
    params: ShardParams,
    ...jsonBody(z.object({ accepts_new_tenants: z.boolean() }).strict().openapi("ShardUpdate")),
  },
  responses: {
    200: jsonResponse("The shard", ShardSchema),
    404: problemResponseSpec("No such shard is bound"),
    ...errors,
  },
});

const placementRoute = createRoute({
  method: "get",
  path: "/v1/admin/tenants/{id}/placement",
  operationId: "get_tenant_placement",
  tags: ["Operator"],
  summary: "Where a tenant's rows and object live, and its current or last move",
  security,
  middleware: operatorGuard({ action: "tenant.placement_read", resource: "tenant", idParam: "id" }),
  request: { params: TenantParams },
  responses: {
    200: jsonResponse("The placement", PlacementSchema),
    404: problemResponseSpec("No such tenant"),
    ...errors,
  },
});

const moveRoute = createRoute({
  method: "post",
  path: "/v1/admin/tenants/{id}/move",
  operationId: "move_tenant",
  tags: ["Operator"],
  summary: "Move a tenant's rows to another shard of its region (runs in the background)",
  description:
    "The tenant's writes are fenced while its rows are copied and verified (writes answer 503 with Retry-After, reads go on); then the directory names the new shard and the old rows are removed after a grace period. Follow it at GET /v1/admin/tenants/{id}/placement.",
  security,
  middleware: operatorGuard({ action: "tenant.move", resource: "tenant", idParam: "id" }),
  request: {
    params: TenantParams,
    ...jsonBody(z.object({ to_shard: ShardName }).strict().openapi("TenantMoveRequest")),
  },
  responses: {
    202: jsonResponse("The move has started", PlacementSchema),
    404: problemResponseSpec("No such tenant"),
    409: problemResponseSpec("Already there, deleted, or a move or token refresh is under way"),
    ...errors,
  },
});

async function placedTenant(env: Env, id: string) {
  const tenant = await findTenant(env.DB, id);
  const placement = tenant ? placementOfRow(tenant) : null;
  if (!tenant || !placement) throw new ProblemError("notFound", "No such tenant");
  return { tenant, placement };
}

async function placementView(env: Env, id: string) {
  const { placement } = await placedTenant(env, id);
  const object = await tenantObjectAt(env, placement);
  const where = objectPlacement(env, placement.region);
  return {
    tenant_id: id,
    region: placement.region,
    shard: placement.shard,
    object: { jurisdiction: where.jurisdiction ?? null, location_hint: where.locationHint },
    move: await retryOnReset(object, "moveStatus"),
  };
}

export const adminPlacementRoutes = createRouter()
  .openapi(listShardsRoute, async (c) => {
    const fills = (await Promise.all(REGIONS.map((region) => shardFill(c.env, region)))).flat();
    return c.json(
      {
        data: fills.map((fill) => ({
          name: fill.shard,
          region: regionOfShard(fill.shard) ?? REGIONS[0],
          bytes: fill.bytes,
          tenants: fill.tenants,
          accepts_new_tenants: fill.acceptsNewTenants,
        })),
      },
      200,
    );
  })
  .openapi(patchShardRoute, async (c) => {
    const { shard } = c.req.valid("param");
    const { accepts_new_tenants } = c.req.valid("json");
    const region = regionOfShard(shard);
    if (!region || !allShards(c.env).some((bound) => bound.name === shard)) {
      throw new ProblemError("notFound", `No shard ${shard} is bound to this deployment`);
    }
    await commitOperatorAudited(
      c,
      [
        c.env.DB.prepare(
          `INSERT INTO shard_settings (shard, accepts_new_tenants, updated_at) VALUES (?, ?, ?)
           ON CONFLICT(shard) DO UPDATE SET accepts_new_tenants = excluded.accepts_new_tenants, updated_at = excluded.updated_at`,
        ).bind(shard, accepts_new_tenants ? 1 : 0, isoNow(c.var.clock)),
      ],
      { action: "shard.update", resourceType: "shard", resourceId: shard, metadata: { accepts_new_tenants } },
    );
    const fill = (await shardFill(c.env, region)).find((f) => f.shard === shard);
    return c.json(
      {
        name: shard,
        region,
        bytes: fill?.bytes ?? 0,
        tenants: fill?.tenants ?? 0,
        accepts_new_tenants: fill?.acceptsNewTenants ?? accepts_new_tenants,
      },
      200,
    );
  })
  .openapi(placementRoute, async (c) => c.json(await placementView(c.env, c.req.valid("param").id), 200))
  .openapi(moveRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { to_shard } = c.req.valid("json");
    const { tenant, placement } = await placedTenant(c.env, id);
    const badTarget = (message: string) =>
      new ProblemError("validation", `body field "to_shard": ${message}`, {
        errors: [{ in: "body", field: "to_shard", message }],
      });
    if (!allShards(c.env).some((shard) => shard.name === to_shard)) throw badTarget("no such shard is bound");
    if (regionOfShard(to_shard) !== placement.region) {
      throw badTarget(`not a shard of the tenant's region (${placement.region}): data stays in its region`);
    }
    if (tenant.status === "deleted") throw new ProblemError("conflict", "A deleted tenant is not moved");
    if (to_shard === placement.shard) throw new ProblemError("conflict", `The tenant already lives in ${to_shard}`);
    const object = await tenantObjectAt(c.env, placement);
    const started = await retryOnReset(object, "startMove", placement.shard, to_shard);
    if (!started.started) throw new ProblemError("conflict", started.reason);
    // The tenant's trail records the move (through its object: the source is fenced now).
    await commitGlobalForTenant(c, id, [], {
      action: "tenant.move",
      resourceType: "tenant",
      resourceId: id,
      metadata: { from_shard: placement.shard, to_shard },
    });
    return c.json(await placementView(c.env, id), 202);
  });
