// Vectorize metadata filters: validated against the index's metadata indexes, then
// evaluated against each candidate's metadata.
//
// A filter is an implicit AND of its keys. A key is a property path ("a.b" names
// { a: { b } }); its value is a scalar or null (implicit $eq) or one operator object:
// $eq / $ne (scalar or null), $in / $nin (array of scalars or null), $lt / $lte /
// $gt / $gte (string or number). A missing property is treated as null: it matches
// $eq null, $ne x (x not null) and $nin without null, never a range.
import { VectorIndexError } from "./errors";
import type { VectorIndexSpec } from "./indexes";
import { byteLength, isValidMetadataKey, LIMITS } from "./limits";

type Scalar = string | number | boolean | null;
type Condition =
  | { op: "$eq" | "$ne"; value: Scalar }
  | { op: "$in" | "$nin"; values: Scalar[] }
  | { op: "$lt" | "$lte" | "$gt" | "$gte"; value: string | number };

/** A filter after validation: one condition per property path. */
export type CompiledFilter = ReadonlyArray<{ path: string[]; key: string; condition: Condition }>;

const isScalar = (value: unknown): value is Scalar =>
  value === null || typeof value === "string" || typeof value === "boolean" || Number.isFinite(value);

function invalid(message: string): never {
  throw new VectorIndexError("invalid_filter", message);
}

function compileCondition(key: string, value: unknown): Condition {
  if (isScalar(value)) return { op: "$eq", value };
  if (typeof value !== "object" || Array.isArray(value)) invalid(`${key}: a scalar, null or one operator object`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) invalid(`${key}: exactly one operator per property`);
  const [op, operand] = entries[0] as [string, unknown];
  switch (op) {
    case "$eq":
    case "$ne":
      if (!isScalar(operand)) invalid(`${key}.${op}: a string, number, boolean or null`);
      return { op, value: operand };
    case "$in":
    case "$nin":
      if (!Array.isArray(operand) || operand.length === 0 || !operand.every(isScalar)) {
        invalid(`${key}.${op}: a non-empty array of strings, numbers, booleans or null`);
      }
      return { op, values: operand };
    case "$lt":
    case "$lte":
    case "$gt":
    case "$gte":
      if (typeof operand !== "string" && !Number.isFinite(operand)) invalid(`${key}.${op}: a string or number`);
      return { op, value: operand as string | number };
    default:
      return invalid(`${key}: unknown operator ${op}`);
  }
}

/** Validates `filter` for `spec`; undefined means no filter. */
export function compileFilter(
  spec: VectorIndexSpec,
  filter: VectorizeVectorMetadataFilter | undefined,
): CompiledFilter {
  if (filter === undefined) return [];
  if (filter === null || typeof filter !== "object" || Array.isArray(filter)) invalid("a filter is an object");
  const keys = Object.keys(filter);
  if (keys.length === 0) invalid("a filter may not be empty");
  if (byteLength(JSON.stringify(filter)) >= LIMITS.filterBytes)
    invalid(`a filter is under ${LIMITS.filterBytes} bytes`);
  return keys.map((key) => {
    const path = key.split(".");
    if (!path.every(isValidMetadataKey)) invalid(`invalid property ${JSON.stringify(key)}`);
    if (!(key in spec.metadataIndexes)) {
      throw new VectorIndexError(
        "unindexed_filter_property",
        `${spec.name} has no metadata index on "${key}"; Vectorize would match nothing`,
      );
    }
    return { path, key, condition: compileCondition(key, filter[key]) };
  });
}

function valueAt(metadata: Record<string, unknown> | null, path: readonly string[]): unknown {
  let current: unknown = metadata;
  for (const part of path) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return null;
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined ? null : current;
}

/** Strict equality of scalars: "1" never equals 1 (Vectorize indexes a property with one type). */
const same = (a: unknown, b: Scalar) => a === b;

function compare(actual: unknown, op: "$lt" | "$lte" | "$gt" | "$gte", bound: string | number): boolean {
  if (typeof actual !== typeof bound) return false;
  const a = actual as string | number;
  switch (op) {
    case "$lt":
      return a < bound;
    case "$lte":
      return a <= bound;
    case "$gt":
      return a > bound;
    case "$gte":
      return a >= bound;
  }
}

function holds(actual: unknown, condition: Condition): boolean {
  switch (condition.op) {
    case "$eq":
      return same(actual, condition.value);
    case "$ne":
      return !same(actual, condition.value);
    case "$in":
      return condition.values.some((v) => same(actual, v));
    case "$nin":
      return !condition.values.some((v) => same(actual, v));
    default:
      return compare(actual, condition.op, condition.value);
  }
}

export function matchesFilter(metadata: Record<string, unknown> | null, filter: CompiledFilter): boolean {
  return filter.every(({ path, condition }) => holds(valueAt(metadata, path), condition));
}

/** The indexed properties of `metadata` (returnMetadata: "indexed"). */
export function indexedMetadata(spec: VectorIndexSpec, metadata: Record<string, unknown> | null) {
  const out: Record<string, VectorizeVectorMetadata> = {};
  if (!metadata) return out;
  for (const key of Object.keys(spec.metadataIndexes)) {
    const value = valueAt(metadata, key.split("."));
    if (value !== null && typeof value !== "object") out[key] = value as VectorizeVectorMetadata;
  }
  return out;
}
