// A tenant's export (docs/privacy.md, "A tenant's export"): its owner asks for it, follows
// it, and downloads one archive of every row the tenant owns. The job runs in the
// tenant's TenantObject (objects/privacy/tenant-export.ts); the archive is read from the
// region's R2 bucket here (src/core/privacy/export-archive.ts). Each request for, and
// each download of, an export is audited (who, when, which export); the object audits
// its completion.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isoNow } from "../../core/clock";
import { auditStatement } from "../../core/db/audit-logs";
import { newId } from "../../core/db/ids";
import { placementOf } from "../../core/placement/directory";
import { archiveStream, readManifest } from "../../core/privacy/export-archive";
import { EXPORT_FORMAT } from "../../core/privacy/export-layout";
import { archiveBucket, exportPrefix } from "../../core/retention/archive-bucket";
import { deleteExportObjects } from "../../core/retention/export-sweep";
import { guard } from "../auth/guard";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/app-env";
import { auditActor } from "../http/audit";
import { ExportParams, ExportSchema, toExport } from "../http/privacy-schemas";
import { ProblemError } from "../http/problem";
import { caller, callerObject } from "../http/request-context";
import { problemResponseSpec } from "../http/schemas";
import { retryOnReset } from "../objects";

const security = [{ bearerAuth: [] }];
const errors = {
  400: problemResponseSpec("Invalid input"),
  401: problemResponseSpec("No valid credential"),
  403: problemResponseSpec("Only an owner may export the tenant"),
  404: problemResponseSpec("No such export of this tenant"),
};
const exportResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ExportSchema } },
});

const startRoute = createRoute({
  method: "post",
  path: "/v1/tenant/exports",
  operationId: "create_tenant_export",
  tags: ["Privacy"],
  summary: "Export every row the tenant owns (owner): a job; follow it, then download",
  security,
  middleware: guard("tenant.export", { action: "tenant.export", resource: "tenant_export" }),
  responses: {
    202: exportResponse("Started"),
    409: problemResponseSpec("Another export of the tenant is running"),
    ...errors,
  },
});

const statusRoute = createRoute({
  method: "get",
  path: "/v1/tenant/exports/{id}",
  operationId: "get_tenant_export",
  tags: ["Privacy"],
  summary: "Where an export stands (owner)",
  security,
  middleware: guard("tenant.export", { action: "tenant.export_read", resource: "tenant_export", idParam: "id" }),
  request: { params: ExportParams },
  responses: { 200: exportResponse("The export"), ...errors },
});

const downloadRoute = createRoute({
  method: "get",
  path: "/v1/tenant/exports/{id}/download",
  operationId: "download_tenant_export",
  tags: ["Privacy"],
  summary: "The export's archive (owner): one tar, gzipped",
  security,
  middleware: guard("tenant.export", {
    action: "tenant.export_download",
    resource: "tenant_export",
    idParam: "id",
  }),
  request: { params: ExportParams },
  responses: {
    200: {
      description: "manifest.json, SHA256SUMS, then one NDJSON file per table (docs/privacy.md)",
      content: { "application/gzip": { schema: z.string().openapi({ format: "binary" }) } },
    },
    409: problemResponseSpec("The export is still running, or failed"),
    410: problemResponseSpec("The export expired: its archive is deleted"),
    ...errors,
  },
});

async function exportOf(c: Context<AppEnv>, exportId: string) {
  const view = await retryOnReset(await callerObject(c), "exportStatus", exportId);
  if (!view) throw new ProblemError("notFound", "No such export");
  return view;
}

/** An audit row of the caller's, alone in a batch on the tenant's shard. */
async function audit(c: Context<AppEnv>, action: string, exportId: string, metadata: Record<string, unknown>) {
  const { scope } = caller(c);
  await scope.db.batch([
    auditStatement(
      scope.db,
      auditActor(c),
      { action, resourceType: "tenant_export", resourceId: exportId, metadata },
      isoNow(c.var.clock),
    ),
  ]);
}

export const tenantExportsRoutes = createRouter()
  .openapi(startRoute, async (c) => {
    const { user } = caller(c);
    const exportId = newId("tenantExport", c.var.clock());
    const started = await retryOnReset(await callerObject(c), "startExport", exportId, user.userId);
    if (!started.started) {
      throw new ProblemError("conflict", `Export ${started.running.exportId} of this tenant is still running`, {
        export_id: started.running.exportId,
      });
    }
    await audit(c, "tenant.export", exportId, { format: EXPORT_FORMAT });
    return c.json(toExport(started.export), 202, { Location: `/v1/tenant/exports/${exportId}` });
  })
  .openapi(statusRoute, async (c) => c.json(toExport(await exportOf(c, c.req.valid("param").id)), 200))
  .openapi(downloadRoute, async (c) => {
    const { user } = caller(c);
    const { id } = c.req.valid("param");
    const view = await exportOf(c, id);
    const placement = await placementOf(c.env, user.tenantId);
    if (!placement) throw new ProblemError("notFound", "No such export");
    const bucket = archiveBucket(c.env, placement.region);
    // Expired by the router's clock or the object's: gone for good, and deleted now.
    if (view.status === "expired" || c.var.clock() >= view.expiresAtMs) {
      await deleteExportObjects(bucket, exportPrefix(user.tenantId, id));
      throw new ProblemError("gone", `Export ${id} expired at ${new Date(view.expiresAtMs).toISOString()}`);
    }
    if (view.status === "failed") {
      throw new ProblemError("conflict", `Export ${id} failed (${view.error}); ask for a new one`);
    }
    if (view.status === "running") {
      throw new ProblemError("conflict", `Export ${id} is still running`, {}, { "Retry-After": "5" });
    }
    const stored = await readManifest(bucket, user.tenantId, id);
    if (!stored) throw new ProblemError("gone", `Export ${id} is no longer stored`);
    await audit(c, "tenant.export_download", id, {
      files: stored.manifest.files.length,
      checksum: stored.manifest.checksum.value,
    });
    return c.body(archiveStream(bucket, stored), 200, {
      "Content-Type": "application/gzip",
      "Content-Disposition": `attachment; filename="${id}.tar.gz"`,
      "Cache-Control": "no-store",
    });
  });
