// What a vector index can store: float32 values, and for a cosine index a direction.
// One predicate for both ends: the request schemas (src/router/http/vector-field.ts) refuse
// such a vector as a 400 naming the field, and the index seam (limits.ts) refuses it
// before writing or querying, so a legacy row stored before the edge checked it is
// recognised as unindexable instead of failing a whole batch.
//
// Why float32 and not "finite": JSON numbers are float64, so 1e39 is finite and
// passes zod, but float32 tops out near 3.4e38 and stores it as Infinity; 1e-46 is
// non-zero but rounds to 0, and a vector of such values is all zeros once stored, with
// no direction and no cosine similarity.

export interface VectorFault {
  /** The offending element, or null when the vector as a whole is refused. */
  index: number | null;
  message: string;
}

/** At most this many element faults are reported for one vector (a 400 stays readable). */
const MAX_ELEMENT_FAULTS = 5;

/**
 * Why `values` cannot go into an index of `metric`, or an empty list. Every element must
 * round to a finite float32; for cosine, the norm of the rounded values must itself be
 * a finite, non-zero float32 (neither all zeros nor overflowing).
 */
export function float32Faults(values: ArrayLike<number>, metric: VectorizeDistanceMetric): VectorFault[] {
  const faults: VectorFault[] = [];
  let sumOfSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    const rounded = Math.fround(value);
    if (typeof value !== "number" || !Number.isFinite(rounded)) {
      faults.push({ index: i, message: "not a finite float32 (magnitude at most 3.4e38)" });
      if (faults.length >= MAX_ELEMENT_FAULTS) return faults;
      continue;
    }
    sumOfSquares += rounded * rounded;
  }
  if (faults.length > 0 || metric !== "cosine") return faults;
  const norm = Math.fround(Math.sqrt(sumOfSquares));
  if (norm === 0) faults.push({ index: null, message: "all zeros as float32: a vector needs a direction" });
  else if (!Number.isFinite(norm)) faults.push({ index: null, message: "its length overflows float32" });
  return faults;
}
