// Seeded random vectors, so a failing comparison can be replayed.

/** mulberry32: a small, well-distributed 32-bit generator. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomVector(random: () => number, dimensions: number): number[] {
  return Array.from({ length: dimensions }, () => random() * 2 - 1);
}

/** Cosine similarity computed directly from the float32 values the index stores. */
export function bruteCosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = Float32Array.from(a);
  const y = Float32Array.from(b);
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < x.length; i++) {
    xy += (x[i] as number) * (y[i] as number);
    xx += (x[i] as number) * (x[i] as number);
    yy += (y[i] as number) * (y[i] as number);
  }
  return xy / Math.sqrt(xx * yy);
}
