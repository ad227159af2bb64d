// Errors of the vector seam. Both backends throw them for input Vectorize would
// refuse; the embedded index checks first so that a bad call fails in tests, not
// only in production.

export type VectorIndexErrorCode =
  | "invalid_vector"
  | "dimension_mismatch"
  | "invalid_id"
  | "invalid_namespace"
  | "invalid_metadata"
  | "invalid_filter"
  | "unindexed_filter_property"
  | "invalid_query"
  | "too_many_vectors"
  | "index_misconfigured";

export class VectorIndexError extends Error {
  override name = "VectorIndexError";

  constructor(
    readonly code: VectorIndexErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
