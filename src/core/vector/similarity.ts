// Exact scoring and top-K selection, the way Vectorize reports scores: cosine
// similarity and dot product (higher is closer) or euclidean distance (lower is
// closer). Values are float32, as stored; sums are float64.

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

export function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}

function euclidean(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** The score of `candidate` (with its precomputed norm) against the query. */
export function scorer(
  metric: VectorizeDistanceMetric,
  query: Float32Array,
): (candidate: Float32Array, candidateNorm: number) => number {
  const queryNorm = norm(query);
  switch (metric) {
    case "cosine":
      return (candidate, candidateNorm) => dot(query, candidate) / (queryNorm * candidateNorm);
    case "dot-product":
      return (candidate) => dot(query, candidate);
    case "euclidean":
      return (candidate) => euclidean(query, candidate);
  }
}

/** True when a score of `a` ranks before `b` for this metric. */
export function ranksBefore(metric: VectorizeDistanceMetric): (a: number, b: number) => boolean {
  return metric === "euclidean" ? (a, b) => a < b : (a, b) => a > b;
}

/**
 * The best `k` items seen, best first; equal scores are ordered by id so that the
 * answer never depends on storage order. O(n log k) comparisons, O(k) memory.
 */
export class TopK<T extends { id: string; score: number }> {
  private readonly items: T[] = [];

  constructor(
    private readonly k: number,
    private readonly better: (a: number, b: number) => boolean,
  ) {}

  private before(a: T, b: T): boolean {
    if (a.score !== b.score) return this.better(a.score, b.score);
    return a.id < b.id;
  }

  /** Would `score` (with `id`) enter the list? Lets the caller skip building the item. */
  admits(score: number, id: string): boolean {
    const last = this.items[this.k - 1];
    if (this.items.length < this.k || !last) return true;
    return last.score === score ? id < last.id : this.better(score, last.score);
  }

  push(item: T): void {
    if (!this.admits(item.score, item.id)) return;
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.before(this.items[mid] as T, item)) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, item);
    if (this.items.length > this.k) this.items.pop();
  }

  result(): T[] {
    return this.items;
  }
}
