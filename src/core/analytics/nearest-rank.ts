// Percentiles by the nearest-rank method: the smallest value with at least p% of the
// values at or below it. Always one of the observed values (an integer latency stays
// an integer), and exact: no interpolation to disagree about.

/** The p-th percentile (0 < p <= 100) of values sorted ascending; 0 for no values. */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError("percentile must be in (0, 100]");
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}
