// The operator's erasure routes (ADMIN_TOKEN; docs/privacy.md, "A tenant's erasure"):
// erase a tenant at once, whatever its grace, and follow an erasure (its checkpoint while
// it runs, its record once done). An erasure runs in bounded steps (src/core/erasure):
// this route runs as many as one run may, and answers where it stands; the daily job,
// or this route called again, goes on from there. Its object is erased two minutes
// after the directory forgot the tenant at the earliest (src/core/erasure/object.ts),
// so an erasure started here finishes on a later call or run.
//
// The operator's trail names the erasure, not the tenant (a trail row naming the tenant
// would be renamed by the erasure anyway).

import { createRoute, z } from "@hono/zod-openapi";
import { isoNow } from "../../core/clock";
import { idPattern } from "../../core/db/ids";
import { findErasure, startErasureNow, toErasure } from "../../core/db/tenant-erasures";
import { findTenant } from "../../core/db/tenants";
import { CallAllowance, DEFAULT_CALLS } from "../../core/erasure/context";
import { continueErasure } from "../../core/erasure/steps";
import { operatorGuard } from "../auth/guard";
import { erasureDeps } from "../erasure-object";
import { createRouter } from "../http/app-env";
import { commitGlobalForTenant, commitOperatorAudited } from "../http/audit";
import { ErasureSchema } from "../http/erasure-schemas";
import { jsonResponse } from "../http/openapi-parts";
import { ProblemError } from "../http/problem";
import { problemResponseSpec } from "../http/schemas";
import { markDeleted, stopEverywhere } from "../http/tenant-deletion";

const security = [{ bearerAuth: [] }];

const TenantParams = z.object({
  id: z
    .string()
    .regex(idPattern("tenant"), "a tenant id (ten_...)")
    .openapi({ param: { name: "id", in: "path" } }),
});

const eraseRoute = createRoute({
  method: "post",
  path: "/v1/admin/tenants/{id}/erase",
  operationId: "erase_tenant",
  tags: ["Operator"],
  summary: "Erase a tenant now, skipping any grace: every trace of it goes (runs in steps; call again to go on)",
  description:
    "Deletes the tenant if it is not yet (every credential stops), then erases it step by step: its shard rows, its rows in the global tables, its vectors, its R2 objects, its platform grants (revoked where the platform offers it) and its TenantObject's storage. The directory keeps a tombstone. state says where it stands: erasing (call again, or the daily job goes on) or erased.",
  security,
  middleware: operatorGuard({ action: "tenant.erase", resource: "tenant_erasure" }),
  request: { params: TenantParams },
  responses: {
    202: jsonResponse("The erasure, as far as it got", ErasureSchema),
    400: problemResponseSpec("Invalid id"),
    401: problemResponseSpec("Not the operator"),
    404: problemResponseSpec("No such tenant"),
    409: problemResponseSpec("The tenant was erased already"),
  },
});

const erasureRoute = createRoute({
  method: "get",
  path: "/v1/admin/tenants/{id}/erasure",
  operationId: "get_tenant_erasure",
  tags: ["Operator"],
  summary: "A tenant's erasure: its grace, its progress, or its record (who, when, what was erased, counts)",
  security,
  middleware: operatorGuard({ action: "tenant.erasure_read", resource: "tenant_erasure" }),
  request: { params: TenantParams },
  responses: {
    200: jsonResponse("The erasure", ErasureSchema),
    400: problemResponseSpec("Invalid id"),
    401: problemResponseSpec("Not the operator"),
    404: problemResponseSpec("No erasure of this tenant was asked for"),
  },
});

export const adminErasureRoutes = createRouter()
  .openapi(eraseRoute, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.env.DB;
    const earlier = await findErasure(db, id);
    if (earlier?.state === "erased") throw new ProblemError("conflict", "The tenant was erased already");
    if (earlier?.state !== "erasing") {
      const tenant = await findTenant(db, id);
      if (!tenant) throw new ProblemError("notFound", "No such tenant");
      if (tenant.status !== "deleted") {
        // Stopped everywhere first, as a deletion stops it; the tenant's trail records it
        // (until the trail itself is erased).
        await commitGlobalForTenant(c, id, [markDeleted(db, id, isoNow(c.var.clock))], {
          action: "tenant.delete",
          resourceType: "tenant",
          resourceId: id,
          metadata: { erase_now: true },
        });
        await stopEverywhere(c.env, id);
      }
      await db.batch([startErasureNow(db, id, c.var.clock())]);
    }
    const row = await findErasure(db, id);
    if (!row) throw new ProblemError("notFound", "No such tenant");
    await commitOperatorAudited(c, [], {
      action: "tenant.erase",
      resourceType: "tenant_erasure",
      resourceId: row.erasure_id,
      metadata: { step: row.step },
    });
    if (row.state === "erasing") {
      const calls = new CallAllowance(DEFAULT_CALLS);
      await continueErasure({ env: c.env, nowMs: c.var.clock(), deps: erasureDeps(c.env), calls }, row);
    }
    return c.json(toErasure((await findErasure(db, id)) ?? row), 202);
  })
  .openapi(erasureRoute, async (c) => {
    const row = await findErasure(c.env.DB, c.req.valid("param").id);
    if (!row) throw new ProblemError("notFound", "No erasure of this tenant was asked for");
    return c.json(toErasure(row), 200);
  });
