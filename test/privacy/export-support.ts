// A tenant's export as a client drives it (docs/privacy.md): asked for, run on the
// TenantObject's alarm until ready (the timer driven at once: test/support/objects.ts),
// downloaded and unpacked (gzip, then ustar) into its files.
import { runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import type { TenantExportView } from "../../objects/tenant-object/contract";
import type { TenantObject } from "../../objects/tenant-object/tenant-object";
import { setExportPageRows } from "../../objects/tenant-object/test-hooks";
import type { Manifest } from "../../src/core/privacy/export-layout";
import { call, json } from "../support/http";
import { runTimersNow, tenantObjectOf } from "../support/objects";

export interface ExportBody {
  id: string;
  status: string;
  expires_at: string;
  download_url: string | null;
  progress: { files_done: number; files_total: number; rows: number; current_file: string | null };
  error: string | null;
}

export async function startExport(token: string): Promise<ExportBody> {
  const res = await call("/v1/tenant/exports", { token, method: "POST" });
  expect(res.status, await res.clone().text()).toBe(202);
  return json<ExportBody>(res);
}

/** The export as its object holds it (the contract's view). */
export function exportView(tenantId: string, exportId: string): Promise<TenantExportView | null> {
  return tenantObjectOf(tenantId).exportStatus(exportId);
}

/** Runs the export's timer until the export is no longer running; its view then. */
export async function runExport(tenantId: string, exportId: string, maxRuns = 400): Promise<TenantExportView> {
  for (let run = 0; run < maxRuns; run++) {
    const view = await exportView(tenantId, exportId);
    if (!view) throw new Error(`no export ${exportId}`);
    if (view.status !== "running") return view;
    await runTimersNow(tenantId, ["tenant-export"]);
  }
  throw new Error(`export ${exportId} still running after ${maxRuns} runs`);
}

/** Pages of at most `rows` rows from now on (many pages from few rows). */
export function usePageRows(tenantId: string, exportId: string, rows: number): Promise<void> {
  return runInDurableObject(tenantObjectOf(tenantId), (instance: TenantObject) =>
    setExportPageRows(instance, exportId, rows),
  );
}

export interface Archive {
  /** Every file by path, in archive order. */
  files: Map<string, Uint8Array>;
  manifest: Manifest;
  /** The whole tar, as text (for scans). */
  text: string;
}

const decoder = new TextDecoder();

/** The files of a ustar archive. */
export function untar(bytes: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let offset = 0;
  while (offset + 512 <= bytes.length) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const name = decoder.decode(header.subarray(0, 100)).replace(/\0.*$/s, "");
    const size = Number.parseInt(decoder.decode(header.subarray(124, 136)).replace(/\0.*$/s, "").trim(), 8);
    const start = offset + 512;
    files.set(name, bytes.slice(start, start + size));
    offset = start + Math.ceil(size / 512) * 512;
  }
  return files;
}

export async function gunzip(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
}

/** Downloads a ready export and unpacks it. */
export async function download(token: string, exportId: string): Promise<Archive> {
  const res = await call(`/v1/tenant/exports/${exportId}/download`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("application/gzip");
  const tar = await gunzip(res.body as ReadableStream<Uint8Array>);
  const files = untar(tar);
  const manifest = JSON.parse(decoder.decode(files.get("manifest.json"))) as Manifest;
  return { files, manifest, text: decoder.decode(tar) };
}

/** The NDJSON rows of one file of the archive. */
export function rowsOf(archive: Archive, path: string): Record<string, unknown>[] {
  const file = archive.files.get(path);
  if (!file) throw new Error(`${path} is not in the archive`);
  return decoder
    .decode(file)
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
