// What a tenant's export is made of (docs/privacy.md, "The archive"). While the job runs,
// each file is written to R2 as numbered parts, one per page of rows, under the export's
// prefix (src/core/retention/archive-bucket.ts); once every file is written the manifest
// follows, and the download joins manifest and parts into one tar, gzipped
// (export-archive.ts). Every object carries its expiry, which the daily sweep reads
// (src/core/retention/export-sweep.ts).
import { exportPrefix } from "../retention/archive-bucket";

/** How long an export can be downloaded, counted from the request (docs/privacy.md). */
export const EXPORT_TTL_MS = 7 * 86_400_000;

/** The archive's format, named in its manifest. */
export const EXPORT_FORMAT = "dify-agent-tenant-export/1";

/** Where a file's rows come from. */
export type ExportSourceKind = "shard" | "global" | "object" | "vectors";

export interface ManifestFile {
  path: string;
  source: ExportSourceKind;
  table: string;
  rows: number;
  bytes: number;
  /** How many parts the file was written in (the download's reads). */
  parts: number;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
}

export interface Manifest {
  format: typeof EXPORT_FORMAT;
  tenant_id: string;
  export_id: string;
  requested_by: string;
  requested_at: string;
  finished_at: string;
  expires_at: string;
  files: ManifestFile[];
  withheld: {
    /** Columns left out of every row of their table, and why. */
    columns: { source: ExportSourceKind; table: string; column: string; reason: string }[];
    /** The TenantObject's tables left out whole, and why (objects/privacy/object-tables.ts). */
    tables: { source: ExportSourceKind; table: string; reason: string }[];
  };
  /** SHA-256 of SHA256SUMS, the archive's second file, which lists every file's SHA-256. */
  checksum: { algorithm: "SHA-256"; of: "SHA256SUMS"; value: string };
}

/** The file of a table: tables/, global/, object/ or vectors/ and its name. */
export function filePath(kind: ExportSourceKind, table: string): string {
  const folder = { shard: "tables", global: "global", object: "object", vectors: "vectors" }[kind];
  return `${folder}/${table}.ndjson`;
}

export function manifestKey(tenantId: string, exportId: string): string {
  return `${exportPrefix(tenantId, exportId)}manifest.json`;
}

/** The `seq`-th part of a file (0-based), zero-padded so the keys list in order. */
export function partKey(tenantId: string, exportId: string, path: string, seq: number): string {
  return `${exportPrefix(tenantId, exportId)}parts/${path}/${String(seq).padStart(6, "0")}`;
}

/** SHA256SUMS: one "<sha256>  <path>" line per file, as sha256sum -c reads it. */
export function sha256Sums(files: readonly Pick<ManifestFile, "path" | "sha256">[]): string {
  return files.map((file) => `${file.sha256}  ${file.path}\n`).join("");
}

/** R2 metadata of every object of an export: when it may be deleted (ISO 8601). */
export function expiryMetadata(expiresAtMs: number): Record<string, string> {
  return { expires_at: new Date(expiresAtMs).toISOString() };
}
