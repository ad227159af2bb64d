// Multi-touch attribution: how one conversion's credit is shared among the touches
// (visits brought by posts) that led to it. Every model's weights are ≥ 0 and sum to
// 1 (within floating-point rounding); a single touch gets all the credit.
// * first_touch: all of it to the earliest touch;
// * last_touch: all of it to the latest (the conversion itself, in this API);
// * linear: 1/n to each of n touches;
// * time_decay: each touch's share halves for every TIME_DECAY_HALF_LIFE_MS it came
//   before the latest touch, w ∝ 2^(-(t_last - t)/h), then normalised. Seven days is
//   the half-life Google Analytics' time-decay model uses, and the one marketers expect.

export const ATTRIBUTION_MODELS = ["first_touch", "last_touch", "linear", "time_decay"] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

export const TIME_DECAY_HALF_LIFE_MS = 7 * 24 * 3_600_000;

/** The weight of each touch, in the order given; `times` (ms) are oldest first. */
export function touchWeights(
  times: readonly number[],
  model: AttributionModel,
  halfLifeMs = TIME_DECAY_HALF_LIFE_MS,
): number[] {
  const n = times.length;
  if (n === 0) throw new RangeError("a conversion has at least one touch");
  for (let i = 1; i < n; i += 1) {
    if ((times[i] as number) < (times[i - 1] as number)) throw new RangeError("touches must be oldest first");
  }
  switch (model) {
    case "first_touch":
      return times.map((_, i) => (i === 0 ? 1 : 0));
    case "last_touch":
      return times.map((_, i) => (i === n - 1 ? 1 : 0));
    case "linear":
      return times.map(() => 1 / n);
    case "time_decay": {
      if (!(halfLifeMs > 0)) throw new RangeError("the half-life must be positive");
      // Relative to the latest touch, whose raw weight is then 1: the sum is at least 1,
      // so no underflow can leave nothing to normalise by.
      const latest = times[n - 1] as number;
      const raw = times.map((t) => 2 ** (-(latest - t) / halfLifeMs));
      const sum = raw.reduce((a, b) => a + b, 0);
      return raw.map((w) => w / sum);
    }
  }
}

export interface PostCredit {
  post_id: string;
  weight: number;
}

/**
 * A model's credit per post from its touches' shares: a post touched more than once
 * gets the sum of its touches' weights. Only credited posts are listed, in the order
 * of their first touch. A sum of shares can exceed 1 by a rounding error; it is
 * capped at 1.
 */
export function creditByPost(shares: readonly PostCredit[]): PostCredit[] {
  const byPost = new Map<string, number>();
  for (const { post_id, weight } of shares) byPost.set(post_id, (byPost.get(post_id) ?? 0) + weight);
  return [...byPost]
    .filter(([, weight]) => weight > 0)
    .map(([post_id, weight]) => ({ post_id, weight: Math.min(1, weight) }));
}
