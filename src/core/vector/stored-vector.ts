// A vector read back from D1 to be written to its index. Rows stored before the edge
// checked float32 (or by any path that skipped it) may hold a vector the index refuses:
// such a row is left out of the index, not searchable, instead of failing every later
// change of the row or the batch job it is part of. Writing a good vector fixes it.
import { bytesToVector } from "./codec";
import { float32Faults } from "./float32";
import type { VectorIndexSpec } from "./indexes";

export type StoredVector = { values: Float32Array; fault?: undefined } | { values?: undefined; fault: string };

export function storedVector(spec: VectorIndexSpec, bytes: ArrayBuffer | ArrayLike<number>): StoredVector {
  const length = bytes instanceof ArrayBuffer ? bytes.byteLength : bytes.length;
  if (length !== spec.dimensions * 4) {
    return { fault: `${length} bytes; ${spec.name} holds ${spec.dimensions} float32 values` };
  }
  const values = bytesToVector(bytes);
  const [fault] = float32Faults(values, spec.metric);
  if (!fault) return { values };
  return { fault: fault.index === null ? fault.message : `value ${fault.index}: ${fault.message}` };
}
