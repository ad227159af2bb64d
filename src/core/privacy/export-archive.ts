// The download of a tenant's export (docs/privacy.md, "The archive"): one tar, gzipped,
// joined on the fly from what the job left in R2: manifest.json first, then SHA256SUMS
// (every file's SHA-256, as sha256sum -c reads it), then each file in the manifest's
// order, its parts read one at a time, so the Worker holds one part at most. The
// checksums were taken when the export was sealed (fileDigest below), with WebCrypto's
// DigestStream over the same parts.
import { utf8 } from "../crypto/encoding";
import { type Manifest, manifestKey, partKey, sha256Sums } from "./export-layout";
import { tarEnd, tarHeader, tarPadding } from "./tar";

/** The export's manifest as stored (its exact text, which the archive carries), or null when it is gone. */
export async function readManifest(
  bucket: R2Bucket,
  tenantId: string,
  exportId: string,
): Promise<{ text: string; manifest: Manifest } | null> {
  const object = await bucket.get(manifestKey(tenantId, exportId));
  if (!object) return null;
  const text = await object.text();
  return { text, manifest: JSON.parse(text) as Manifest };
}

async function* archivePieces(
  bucket: R2Bucket,
  stored: { text: string; manifest: Manifest },
): AsyncGenerator<Uint8Array> {
  const { manifest } = stored;
  const mtimeMs = Date.parse(manifest.finished_at);
  const fixed: [string, Uint8Array][] = [
    ["manifest.json", utf8(stored.text)],
    ["SHA256SUMS", utf8(sha256Sums(manifest.files))],
  ];
  for (const [path, bytes] of fixed) {
    yield tarHeader(path, bytes.length, mtimeMs);
    yield bytes;
    yield tarPadding(bytes.length);
  }
  for (const file of manifest.files) {
    yield tarHeader(file.path, file.bytes, mtimeMs);
    let written = 0;
    for (let seq = 0; seq < file.parts; seq++) {
      const part = await bucket.get(partKey(manifest.tenant_id, manifest.export_id, file.path, seq));
      if (!part) throw new Error(`part ${seq} of ${file.path} is missing`);
      for await (const chunk of part.body as unknown as AsyncIterable<Uint8Array>) {
        written += chunk.byteLength;
        yield chunk;
      }
    }
    // A part rewritten since the seal would break the header's size: the download stops.
    if (written !== file.bytes) throw new Error(`${file.path}: ${written} bytes, the manifest says ${file.bytes}`);
    yield tarPadding(file.bytes);
  }
  yield tarEnd();
}

/** The archive as a gzip stream (CompressionStream), read from R2 as the client reads it. */
export function archiveStream(bucket: R2Bucket, stored: { text: string; manifest: Manifest }): ReadableStream {
  const pieces = archivePieces(bucket, stored);
  const tar = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await pieces.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await pieces.return(undefined);
    },
  });
  return tar.pipeThrough(new CompressionStream("gzip"));
}

/** SHA-256 (hex) of a file written in `parts` parts, streamed through WebCrypto's DigestStream. */
export async function fileDigest(
  bucket: R2Bucket,
  tenantId: string,
  exportId: string,
  path: string,
  parts: number,
): Promise<{ sha256: string; bytes: number }> {
  const digest = new crypto.DigestStream("SHA-256");
  const writer = digest.getWriter();
  let bytes = 0;
  for (let seq = 0; seq < parts; seq++) {
    const part = await bucket.get(partKey(tenantId, exportId, path, seq));
    if (!part) throw new Error(`part ${seq} of ${path} is missing`);
    const data = new Uint8Array(await part.arrayBuffer());
    bytes += data.byteLength;
    await writer.write(data);
  }
  await writer.close();
  const hash = new Uint8Array(await digest.digest);
  return { sha256: [...hash].map((b) => b.toString(16).padStart(2, "0")).join(""), bytes };
}
