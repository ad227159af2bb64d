// Vectors as bytes: float32, little-endian. Used for D1 BLOB columns (knowledge and
// skill embeddings) and the embedded index's storage. Every machine Workers run on
// is little-endian, where a Float32Array view of the bytes is the fast path; the
// DataView path keeps a stored blob meaning one thing anywhere else.

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function vectorToBytes(values: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  if (LITTLE_ENDIAN) return new Uint8Array(Float32Array.from(values).buffer);
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
  return bytes;
}

/** A float32 vector from a stored blob (an ArrayBuffer from SQLite, or D1's array of bytes). */
export function bytesToVector(bytes: ArrayBuffer | ArrayLike<number>): Float32Array {
  const buffer = bytes instanceof ArrayBuffer ? bytes : new Uint8Array(bytes).buffer;
  if (buffer.byteLength % 4 !== 0) throw new RangeError("a float32 vector has a multiple of 4 bytes");
  if (LITTLE_ENDIAN) return new Float32Array(buffer);
  const view = new DataView(buffer);
  const out = new Float32Array(buffer.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
