// Embeddings for the content tests: seeded, so every run sends the same vectors.
import { randomVector, seeded } from "../vector/random-vectors";

let seed = 1000;

/** A fresh random embedding of `dimensions` (1536 unless said). */
export function embedding(dimensions = 1536): number[] {
  seed += 1;
  return randomVector(seeded(seed), dimensions);
}

/** A vector close to `base`: the same direction, slightly perturbed. */
export function near(base: number[], amount = 0.05): number[] {
  seed += 1;
  const random = seeded(seed);
  return base.map((v) => v + (random() * 2 - 1) * amount);
}

export function float32(values: number[]): number[] {
  return Array.from(Float32Array.from(values));
}
