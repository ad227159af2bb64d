// Schemas of the privacy routes (docs/privacy.md): a tenant's export, and a person's
// data and erasure.
import { z } from "@hono/zod-openapi";
import type { TenantExportView } from "../../../objects/tenant-object/contract";
import { idPattern } from "../../core/db/ids";

export const ExportParams = z.object({
  id: z
    .string()
    .regex(idPattern("tenantExport"), "an export id (exp_...)")
    .openapi({ param: { name: "id", in: "path" } }),
});

export const ExportSchema = z
  .object({
    id: z.string(),
    status: z.enum(["running", "ready", "failed", "expired"]),
    requested_by: z.string(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
    expires_at: z.string().openapi({ description: "After this the archive is deleted and its download answers 410" }),
    progress: z.object({
      files_done: z.number().int(),
      files_total: z.number().int(),
      rows: z.number().int(),
      current_file: z.string().nullable(),
    }),
    error: z.string().nullable(),
    download_url: z.string().nullable().openapi({ description: "Set once the export is ready" }),
  })
  .openapi("TenantExport");

export type ExportBody = z.infer<typeof ExportSchema>;

export function toExport(view: TenantExportView): ExportBody {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: view.exportId,
    status: view.status,
    requested_by: view.requestedBy,
    created_at: new Date(view.createdAtMs).toISOString(),
    finished_at: iso(view.finishedAtMs),
    expires_at: new Date(view.expiresAtMs).toISOString(),
    progress: {
      files_done: view.progress.filesDone,
      files_total: view.progress.filesTotal,
      rows: view.progress.rows,
      current_file: view.progress.currentFile,
    },
    error: view.error,
    download_url: view.status === "ready" ? `/v1/tenant/exports/${view.exportId}/download` : null,
  };
}

export const PersonParams = z.object({
  id: z
    .string()
    .regex(idPattern("user"), "a user id (usr_...)")
    .openapi({ param: { name: "id", in: "path" } }),
});

export const PersonQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(100)
    .openapi({ description: "Rows per table on this page (1 to 500)" }),
  cursor: z.string().max(2048).optional().openapi({ description: "next_cursor of the previous page" }),
});

const Row = z.record(z.string(), z.unknown());

export const PersonDataSchema = z
  .object({
    user_id: z.string(),
    profile: Row.nullable().openapi({ description: "The user row without its secrets; on the first page only" }),
    memberships: z
      .array(z.object({ tenant_id: z.string(), role: z.string(), status: z.string(), since: z.string().nullable() }))
      .nullable(),
    sessions: z.array(z.object({ started_at: z.string(), expires_at: z.string() })).nullable(),
    records: z
      .record(z.string(), z.array(Row))
      .openapi({ description: "Per table, this page of the rows that name the person (actor, author, owner)" }),
    withheld: z.array(z.object({ table: z.string(), column: z.string(), reason: z.string() })),
    next_cursor: z.string().nullable(),
  })
  .openapi("PersonData");

export const ErasureSchema = z
  .object({
    user_id: z.string(),
    pseudonym: z.string().openapi({ description: "What the person's audit rows and authorship now name" }),
    erased_at: z.string(),
    sessions_ended: z.number().int(),
  })
  .openapi("PersonErasure");
