// A row as an export's NDJSON line holds it: every column by name, its value as the
// database returned it, except bytes (a BLOB), which JSON cannot hold: they become
// {"$base64": "..."} (docs/privacy.md, "The archive"). D1 returns a BLOB as an array of
// byte values, a Durable Object's SQLite as an ArrayBuffer.
import { toBase64 } from "../crypto/encoding";

export type ExportValue = string | number | boolean | null | { $base64: string } | ExportValue[] | ExportObject;
export interface ExportObject {
  [key: string]: ExportValue;
}

/** One column's value, ready for JSON. `blob`: the column is declared BLOB (D1's arrays are bytes only there). */
export function exportValue(value: unknown, blob: boolean): ExportValue {
  if (value === null || value === undefined) return null;
  if (value instanceof ArrayBuffer) return { $base64: toBase64(new Uint8Array(value)) };
  if (ArrayBuffer.isView(value)) {
    return { $base64: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  }
  if (blob && Array.isArray(value)) return { $base64: toBase64(Uint8Array.from(value as number[])) };
  if (typeof value === "bigint") return value.toString();
  return value as ExportValue;
}

/** The NDJSON lines of `rows`, each ending with a newline. */
export function ndjson(rows: readonly ExportObject[]): string {
  let out = "";
  for (const row of rows) out += `${JSON.stringify(row)}\n`;
  return out;
}
