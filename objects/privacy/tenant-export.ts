// A tenant's export (docs/privacy.md, "A tenant's export"), run by the tenant's own object
// on its alarm in bounded, resumable steps whose checkpoint is kept in the object's
// SQLite (migration 21), as a move between shards is (objects/placement/tenant-move.ts):
//
//   write   file by file (./export-sources.ts), a page of at most page_rows rows at a
//           time: the page goes to R2 as the file's next part, then the checkpoint moves
//           past it in one transaction. A reset between the two reads and writes the
//           same page again, as the same part: nothing is lost or doubled.
//   seal    each file's SHA-256 is taken over its parts (WebCrypto's DigestStream), then
//           the manifest (src/core/privacy/export-layout.ts) is written and the export
//           is ready. The download joins them (src/core/privacy/export-archive.ts).
//
// At most STEPS_PER_RUN pages or files per alarm run, then the next run is scheduled at
// once, so one run stays short. One export runs at a time per tenant. A stopped tenant's
// export fails at its next step (ARCHITECTURE.md, Stopped tenants); a tenant moved to
// another shard while its export ran has its export started over (row keys are the
// shard's own). Rows are read as they stand when their page is read: the export is not
// a snapshot of one instant.
import type { Clock } from "../../src/core/clock";
import { utf8 } from "../../src/core/crypto/encoding";
import { scopeOn } from "../../src/core/db/tenant-scope";
import type { Region } from "../../src/core/db/tenants";
import { placementOf } from "../../src/core/placement/directory";
import { fileDigest } from "../../src/core/privacy/export-archive";
import {
  EXPORT_FORMAT,
  EXPORT_TTL_MS,
  type ExportSourceKind,
  expiryMetadata,
  type Manifest,
  manifestKey,
  partKey,
  sha256Sums,
} from "../../src/core/privacy/export-layout";
import { ndjson } from "../../src/core/privacy/row-encoding";
import { WITHHELD_COLUMNS } from "../../src/core/privacy/withheld-columns";
import { archiveBucket } from "../../src/core/retention/archive-bucket";
import type { AuditOutbox } from "../identity/audit-outbox";
import type { TenantRecordCache } from "../publishing/tenant-record";
import type { Timers } from "../storage/timers";
import type { ExportStart, TenantExportView } from "../tenant-object/contract";
import { faultPoint } from "../tenant-object/fault-points";
import {
  exportSources,
  plannedFileCount,
  type SourceCursor,
  withheldObjectColumns,
  withheldObjectTables,
} from "./export-sources";

/** Rows per page (and so per part in R2). */
export const EXPORT_PAGE_ROWS = 500;
/** Pages written, or files sealed, per alarm run. */
const STEPS_PER_RUN = 20;
/** An export's record is kept this long after it expired (its status then reads expired), then dropped. */
const RECORD_KEPT_MS = 30 * 86_400_000;

type ExportRow = {
  export_id: string;
  requested_by: string;
  status: "running" | "ready" | "failed";
  region: Region;
  shard: string;
  source_index: number;
  source_path: string | null;
  cursor: string | null;
  part_seq: number;
  file_rows: number;
  file_bytes: number;
  rows_total: number;
  page_rows: number;
  created_at_ms: number;
  finished_at_ms: number | null;
  expires_at_ms: number;
  error: string | null;
};

type FileRow = {
  file_index: number;
  path: string;
  source: ExportSourceKind;
  table_name: string;
  rows: number;
  bytes: number;
  parts: number;
  sha256: string | null;
};

export class TenantExport {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: Env,
    private readonly tenantId: string,
    private readonly timers: Timers<"tenant-export">,
    private readonly tenant: TenantRecordCache,
    private readonly audit: AuditOutbox,
    private readonly clock: Clock,
  ) {}

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  private row(exportId: string): ExportRow | null {
    return this.sql.exec<ExportRow>("SELECT * FROM tenant_exports WHERE export_id = ?", exportId).toArray()[0] ?? null;
  }

  private running(): ExportRow | null {
    return (
      this.sql
        .exec<ExportRow>("SELECT * FROM tenant_exports WHERE status = 'running' ORDER BY created_at_ms LIMIT 1")
        .toArray()[0] ?? null
    );
  }

  /**
   * Starts export `exportId` for `requestedBy` (the router made the id, so a repeat of
   * this call finds it and starts nothing more), unless another export is running.
   */
  async start(exportId: string, requestedBy: string): Promise<ExportStart> {
    const existing = this.row(exportId);
    if (existing) return { started: true, export: this.view(existing) };
    const running = this.running();
    if (running) return { started: false, running: this.view(running) };
    const placement = await placementOf(this.env, this.tenantId);
    if (!placement) throw new Error(`tenant ${this.tenantId} has no placement`);
    // Checked again after the await: one export at a time.
    const raced = this.running();
    if (raced) return { started: false, running: this.view(raced) };
    const nowMs = this.clock();
    this.sql.exec("DELETE FROM tenant_exports WHERE expires_at_ms < ?", nowMs - RECORD_KEPT_MS);
    this.sql.exec("DELETE FROM export_files WHERE export_id NOT IN (SELECT export_id FROM tenant_exports)");
    this.sql.exec(
      `INSERT INTO tenant_exports (export_id, requested_by, status, region, shard, page_rows, created_at_ms, expires_at_ms)
       VALUES (?, ?, 'running', ?, ?, ?, ?, ?)`,
      exportId,
      requestedBy,
      placement.region,
      placement.shard,
      EXPORT_PAGE_ROWS,
      nowMs,
      nowMs + EXPORT_TTL_MS,
    );
    await this.timers.scheduleAt("tenant-export", nowMs);
    return { started: true, export: this.view(this.row(exportId) as ExportRow) };
  }

  /** Where an export stands; null when this tenant has no such export. */
  status(exportId: string): TenantExportView | null {
    const row = this.row(exportId);
    return row ? this.view(row) : null;
  }

  private view(row: ExportRow): TenantExportView {
    const done = this.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM export_files WHERE export_id = ?", row.export_id)
      .one().n;
    const expired = row.status === "ready" && this.clock() >= row.expires_at_ms;
    return {
      exportId: row.export_id,
      status: expired ? "expired" : row.status,
      requestedBy: row.requested_by,
      createdAtMs: row.created_at_ms,
      finishedAtMs: row.finished_at_ms,
      expiresAtMs: row.expires_at_ms,
      progress: {
        filesDone: done,
        filesTotal: row.status === "ready" ? done : Math.max(done, this.plannedFiles()),
        rows: row.rows_total,
        currentFile: row.status === "running" ? row.source_path : null,
      },
      error: row.error,
    };
  }

  private plannedFiles(): number {
    return plannedFileCount(this.sql);
  }

  /** One run on the alarm: a bounded number of pages or files, then the next run is scheduled. */
  async step(): Promise<void> {
    const first = this.running();
    if (!first) return;
    const id = first.export_id;
    if ((await this.tenant.currentStatus()) !== "active") {
      return this.fail(first, "the tenant was suspended or deleted; export again once it is active");
    }
    const placement = await placementOf(this.env, this.tenantId);
    if (!placement) return this.fail(first, "the tenant has no placement");
    if (placement.shard !== first.shard) this.restart(id, placement.shard);
    const bucket = archiveBucket(this.env, first.region);
    const sources = exportSources(this.env, scopeOn(this.env, placement), this.sql);
    for (let steps = 0; steps < STEPS_PER_RUN; steps++) {
      const row = this.row(id) as ExportRow;
      const source = sources[row.source_index];
      if (!source) {
        if (await this.seal(row, bucket)) return;
        continue;
      }
      // The list of files changed under a checkpoint (a deploy added an object table): start over.
      if (row.source_path !== null && row.source_path !== source.path) {
        this.restart(id, row.shard);
        continue;
      }
      const after = row.cursor === null ? null : (JSON.parse(row.cursor) as SourceCursor);
      const page = await source.read(after, row.page_rows);
      let bytes = 0;
      if (page.rows.length > 0) {
        const data = utf8(ndjson(page.rows));
        bytes = data.byteLength;
        await bucket.put(partKey(this.tenantId, id, source.path, row.part_seq), data, {
          customMetadata: expiryMetadata(row.expires_at_ms),
        });
      }
      await faultPoint("export.page");
      const parts = row.part_seq + (page.rows.length > 0 ? 1 : 0);
      this.storage.transactionSync(() => {
        if (page.next === null) {
          this.sql.exec(
            `INSERT OR REPLACE INTO export_files (export_id, file_index, path, source, table_name, rows, bytes, parts, sha256)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
            id,
            row.source_index,
            source.path,
            source.kind,
            source.table,
            row.file_rows + page.rows.length,
            row.file_bytes + bytes,
            parts,
          );
          this.sql.exec(
            `UPDATE tenant_exports SET source_index = source_index + 1, source_path = ?, cursor = NULL, part_seq = 0,
               file_rows = 0, file_bytes = 0, rows_total = rows_total + ? WHERE export_id = ?`,
            sources[row.source_index + 1]?.path ?? null,
            page.rows.length,
            id,
          );
        } else {
          this.sql.exec(
            `UPDATE tenant_exports SET source_path = ?, cursor = ?, part_seq = ?, file_rows = file_rows + ?,
               file_bytes = file_bytes + ?, rows_total = rows_total + ? WHERE export_id = ?`,
            source.path,
            JSON.stringify(page.next),
            parts,
            page.rows.length,
            bytes,
            page.rows.length,
            id,
          );
        }
      });
    }
    await this.timers.scheduleAt("tenant-export", this.clock());
  }

  /**
   * Seals the export: each file's SHA-256 (a few files per call, each kept as it is
   * taken), then the manifest; true once the export is ready.
   */
  private async seal(row: ExportRow, bucket: R2Bucket): Promise<boolean> {
    const unsealed = this.sql
      .exec<FileRow>(
        "SELECT * FROM export_files WHERE export_id = ? AND sha256 IS NULL ORDER BY file_index LIMIT 1",
        row.export_id,
      )
      .toArray()[0];
    if (unsealed) {
      const { sha256, bytes } = await fileDigest(bucket, this.tenantId, row.export_id, unsealed.path, unsealed.parts);
      if (bytes !== unsealed.bytes) {
        this.fail(row, `${unsealed.path}: its parts hold ${bytes} bytes, ${unsealed.bytes} were written`);
        return true;
      }
      this.sql.exec(
        "UPDATE export_files SET sha256 = ? WHERE export_id = ? AND file_index = ?",
        sha256,
        row.export_id,
        unsealed.file_index,
      );
      return false;
    }
    const files = this.sql
      .exec<FileRow>("SELECT * FROM export_files WHERE export_id = ? ORDER BY file_index", row.export_id)
      .toArray();
    const nowMs = this.clock();
    const listed = files.map((file) => ({
      path: file.path,
      source: file.source,
      table: file.table_name,
      rows: file.rows,
      bytes: file.bytes,
      parts: file.parts,
      sha256: file.sha256 as string,
    }));
    const sums = utf8(sha256Sums(listed));
    const checksum = new Uint8Array(await crypto.subtle.digest("SHA-256", sums));
    const manifest: Manifest = {
      format: EXPORT_FORMAT,
      tenant_id: this.tenantId,
      export_id: row.export_id,
      requested_by: row.requested_by,
      requested_at: new Date(row.created_at_ms).toISOString(),
      finished_at: new Date(nowMs).toISOString(),
      expires_at: new Date(row.expires_at_ms).toISOString(),
      files: listed,
      withheld: {
        columns: [
          ...WITHHELD_COLUMNS.map((c) => ({ source: "shard" as const, ...c })),
          ...withheldObjectColumns().map((c) => ({ source: "object" as const, ...c })),
        ],
        tables: withheldObjectTables(this.sql).map((t) => ({ source: "object" as const, ...t })),
      },
      checksum: {
        algorithm: "SHA-256",
        of: "SHA256SUMS",
        value: [...checksum].map((b) => b.toString(16).padStart(2, "0")).join(""),
      },
    };
    await bucket.put(manifestKey(this.tenantId, row.export_id), JSON.stringify(manifest, null, 2), {
      httpMetadata: { contentType: "application/json" },
      customMetadata: expiryMetadata(row.expires_at_ms),
    });
    await faultPoint("export.sealed");
    this.sql.exec(
      "UPDATE tenant_exports SET status = 'ready', finished_at_ms = ?, source_path = NULL WHERE export_id = ? AND status = 'running'",
      nowMs,
      row.export_id,
    );
    await this.audit.record(this.actor(row), {
      action: "tenant.export_ready",
      resourceType: "tenant_export",
      resourceId: row.export_id,
      metadata: { files: files.length, rows: row.rows_total, expires_at: manifest.expires_at },
    });
    return true;
  }

  private actor(row: ExportRow) {
    return { tenantId: this.tenantId, userId: row.requested_by, ip: null, userAgent: null, requestId: null };
  }

  /** Every file written so far is dropped from the checkpoint; the export starts over on `shard`. */
  private restart(exportId: string, shard: string): void {
    this.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM export_files WHERE export_id = ?", exportId);
      this.sql.exec(
        `UPDATE tenant_exports SET shard = ?, source_index = 0, source_path = NULL, cursor = NULL, part_seq = 0,
           file_rows = 0, file_bytes = 0, rows_total = 0 WHERE export_id = ?`,
        shard,
        exportId,
      );
    });
  }

  private fail(row: ExportRow, reason: string): Promise<void> {
    this.sql.exec(
      "UPDATE tenant_exports SET status = 'failed', error = ?, finished_at_ms = ? WHERE export_id = ? AND status = 'running'",
      reason,
      this.clock(),
      row.export_id,
    );
    return this.audit.record(this.actor(row), {
      action: "tenant.export_failed",
      resourceType: "tenant_export",
      resourceId: row.export_id,
      success: false,
      errorMessage: reason,
    });
  }

  /** Tests only (objects/tenant-object/test-hooks.ts): rows per page of an export still running. */
  setPageRows(exportId: string, rows: number): void {
    this.sql.exec("UPDATE tenant_exports SET page_rows = ? WHERE export_id = ?", rows, exportId);
  }
}
