// Vectorize's documented limits, checked before anything is written or queried, so
// the embedded index accepts exactly what production accepts.
import { VectorIndexError } from "./errors";
import { float32Faults } from "./float32";
import type { VectorIndexSpec } from "./indexes";

export const LIMITS = {
  /** Vectors per insert or upsert from a Worker. */
  vectorsPerWrite: 1000,
  /** Ids per getByIds or deleteByIds. */
  idsPerCall: 1000,
  idBytes: 64,
  namespaceBytes: 64,
  metadataBytes: 10 * 1024,
  metadataKeyLength: 512,
  filterBytes: 2048,
  topKDefault: 5,
  topKMax: 100,
  /** topK when values or all metadata are returned. */
  topKMaxWithPayload: 20,
} as const;

const encoder = new TextEncoder();
export const byteLength = (text: string) => encoder.encode(text).byteLength;

/** A vector's values as float32, the precision Vectorize stores; refuses anything it would refuse. */
export function checkValues(spec: VectorIndexSpec, values: ArrayLike<number>, what: string): Float32Array {
  if (values.length !== spec.dimensions) {
    throw new VectorIndexError(
      "dimension_mismatch",
      `${what} has ${values.length} dimensions; ${spec.name} has ${spec.dimensions}`,
    );
  }
  const [fault] = float32Faults(values, spec.metric);
  if (fault) {
    throw new VectorIndexError(
      "invalid_vector",
      fault.index === null ? `${what}: ${fault.message}` : `${what} at ${fault.index}: ${fault.message}`,
    );
  }
  return Float32Array.from(values);
}

export function checkId(id: unknown): string {
  if (typeof id !== "string" || id.length === 0 || byteLength(id) > LIMITS.idBytes) {
    throw new VectorIndexError("invalid_id", `a vector id is a non-empty string of at most ${LIMITS.idBytes} bytes`);
  }
  return id;
}

export function checkNamespace(namespace: unknown): string | null {
  if (namespace === undefined || namespace === null) return null;
  if (typeof namespace !== "string" || namespace.length === 0 || byteLength(namespace) > LIMITS.namespaceBytes) {
    throw new VectorIndexError(
      "invalid_namespace",
      `a namespace is a non-empty string of at most ${LIMITS.namespaceBytes} bytes`,
    );
  }
  return namespace;
}

/** Keys may not be empty, contain '.' (nesting) or '"', start with '$', or exceed 512 characters. */
export function isValidMetadataKey(key: string): boolean {
  return key.length > 0 && key.length <= LIMITS.metadataKeyLength && !/[."]/.test(key) && !key.startsWith("$");
}

function checkMetadataValue(value: unknown, path: string, depth: number): void {
  if (typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new VectorIndexError("invalid_metadata", `${path} is not a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    if (!value.every((item) => typeof item === "string")) {
      throw new VectorIndexError("invalid_metadata", `${path}: arrays may hold strings only`);
    }
    return;
  }
  if (value !== null && typeof value === "object" && depth < 4) {
    for (const [key, inner] of Object.entries(value)) {
      if (!isValidMetadataKey(key)) throw new VectorIndexError("invalid_metadata", `invalid key ${path}.${key}`);
      checkMetadataValue(inner, `${path}.${key}`, depth + 1);
    }
    return;
  }
  throw new VectorIndexError("invalid_metadata", `${path} is not a string, number, boolean, string array or object`);
}

/** Metadata as compact JSON (or null), at most 10 KiB. */
export function checkMetadata(metadata: unknown): string | null {
  if (metadata === undefined || metadata === null) return null;
  if (typeof metadata !== "object" || Array.isArray(metadata)) {
    throw new VectorIndexError("invalid_metadata", "metadata is an object");
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (!isValidMetadataKey(key)) throw new VectorIndexError("invalid_metadata", `invalid key ${key}`);
    checkMetadataValue(value, key, 1);
  }
  const json = JSON.stringify(metadata);
  if (byteLength(json) > LIMITS.metadataBytes) {
    throw new VectorIndexError("invalid_metadata", `metadata is over ${LIMITS.metadataBytes} bytes`);
  }
  return json;
}

export function checkBatchSize(count: number, max: number, what: string): void {
  if (count > max) throw new VectorIndexError("too_many_vectors", `at most ${max} ${what} per call, got ${count}`);
}

export interface ResolvedQueryOptions {
  topK: number;
  namespace: string | null;
  returnValues: boolean;
  returnMetadata: "all" | "indexed" | "none";
}

/** Vectorize's defaults (topK 5, no values, no metadata) and its topK ceilings. */
export function resolveQueryOptions(options: VectorizeQueryOptions = {}): ResolvedQueryOptions {
  const topK = options.topK ?? LIMITS.topKDefault;
  const returnValues = options.returnValues === true;
  const returnMetadata =
    options.returnMetadata === true
      ? "all"
      : options.returnMetadata === false
        ? "none"
        : (options.returnMetadata ?? "none");
  if (!["all", "indexed", "none"].includes(returnMetadata)) {
    throw new VectorIndexError("invalid_query", `returnMetadata must be all, indexed or none`);
  }
  const max = returnValues || returnMetadata === "all" ? LIMITS.topKMaxWithPayload : LIMITS.topKMax;
  if (!Number.isInteger(topK) || topK < 1 || topK > max) {
    throw new VectorIndexError("invalid_query", `topK must be an integer from 1 to ${max} for this query`);
  }
  return { topK, namespace: checkNamespace(options.namespace), returnValues, returnMetadata };
}

/** A vector checked for writing: float32 values, namespace or null, metadata as JSON or null. */
export interface CheckedVector {
  id: string;
  namespace: string | null;
  values: Float32Array;
  metadata: string | null;
}

/** Checks a whole insert or upsert before any of it is written. */
export function checkVectors(spec: VectorIndexSpec, vectors: readonly VectorizeVector[]): CheckedVector[] {
  if (!Array.isArray(vectors)) throw new VectorIndexError("invalid_vector", "vectors is an array");
  checkBatchSize(vectors.length, LIMITS.vectorsPerWrite, "vectors");
  return vectors.map((vector, index) => {
    const id = checkId(vector?.id);
    return {
      id,
      namespace: checkNamespace(vector.namespace),
      values: checkValues(spec, vector.values ?? [], `vector ${index} (${id})`),
      metadata: checkMetadata(vector.metadata),
    };
  });
}

export function checkIds(ids: readonly string[], max: number): string[] {
  if (!Array.isArray(ids)) throw new VectorIndexError("invalid_id", "ids is an array");
  checkBatchSize(ids.length, max, "ids");
  return [...new Set(ids.map(checkId))];
}
