// Descriptive statistics used across analytics: exact, on plain arrays.

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Sample standard deviation (n - 1); null below two values. */
export function stddev(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values) as number;
  let squares = 0;
  for (const value of values) squares += (value - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/**
 * The p-th percentile (0..100) by linear interpolation between closest ranks, as
 * PostgreSQL's percentile_cont: the median of [1, 2, 3, 4] is 2.5.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (p < 0 || p > 100) throw new RangeError("percentile must be within 0..100");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (rank - low);
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

/** How many standard deviations `value` is from `m`; null when the spread is zero or unknown. */
export function zScore(value: number, m: number | null, sd: number | null): number | null {
  if (m === null || sd === null || sd === 0) return null;
  return (value - m) / sd;
}
