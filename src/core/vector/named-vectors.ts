// A set of named vectors as one byte string (the plaintext of an encrypted column such
// as brand_profiles.tone_vectors): a little-endian uint32 header length, the header
// (JSON: names in order, dimensions), then every vector as float32.
import { fromUtf8, utf8 } from "../crypto/encoding";
import { bytesToVector, vectorToBytes } from "./codec";

export function encodeNamedVectors(vectors: Record<string, ArrayLike<number>>): Uint8Array<ArrayBuffer> {
  const names = Object.keys(vectors);
  const dimensions = names.length > 0 ? (vectors[names[0] as string] as ArrayLike<number>).length : 0;
  const header = utf8(JSON.stringify({ names, dimensions }));
  const out = new Uint8Array(4 + header.byteLength + names.length * dimensions * 4);
  new DataView(out.buffer).setUint32(0, header.byteLength, true);
  out.set(header, 4);
  names.forEach((name, i) => {
    const values = vectors[name] as ArrayLike<number>;
    if (values.length !== dimensions) throw new RangeError("named vectors share one dimension");
    out.set(vectorToBytes(values), 4 + header.byteLength + i * dimensions * 4);
  });
  return out;
}

export function decodeNamedVectors(bytes: Uint8Array): Record<string, number[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const { names, dimensions } = JSON.parse(fromUtf8(bytes.slice(4, 4 + headerLength))) as {
    names: string[];
    dimensions: number;
  };
  const out: Record<string, number[]> = {};
  names.forEach((name, i) => {
    const start = 4 + headerLength + i * dimensions * 4;
    out[name] = Array.from(bytesToVector(bytes.slice(start, start + dimensions * 4).buffer));
  });
  return out;
}
