// Attribution weights: by hand for small sessions (time decay with a 7-day half-life:
// touches 14, 7 and 0 days before the last weigh 1/4, 1/2 and 1 before normalising,
// i.e. 1/7, 2/7 and 4/7), and the sum-to-one rule over many random sessions.
import { describe, expect, it } from "vitest";
import {
  ATTRIBUTION_MODELS,
  creditByPost,
  TIME_DECAY_HALF_LIFE_MS,
  touchWeights,
} from "../../src/core/analytics/attribution";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

describe("touch weights", () => {
  it("give a single touch all the credit under every model", () => {
    for (const model of ATTRIBUTION_MODELS) expect(touchWeights([T0], model)).toEqual([1]);
  });

  it("first and last touch credit one end, linear shares equally", () => {
    const times = [T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY];
    expect(touchWeights(times, "first_touch")).toEqual([1, 0, 0, 0]);
    expect(touchWeights(times, "last_touch")).toEqual([0, 0, 0, 1]);
    expect(touchWeights(times, "linear")).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it("time decay halves a touch's share every seven days before the last touch", () => {
    expect(TIME_DECAY_HALF_LIFE_MS).toBe(7 * DAY);
    const weights = touchWeights([T0, T0 + 7 * DAY, T0 + 14 * DAY], "time_decay");
    [1 / 7, 2 / 7, 4 / 7].forEach((expected, i) => {
      expect(weights[i]).toBeCloseTo(expected, 15);
    });
    expect(touchWeights([T0, T0], "time_decay")).toEqual([0.5, 0.5]);
  });

  it("sum to 1 within rounding, and are never negative, over random sessions", () => {
    let seed = 42;
    const random = () => {
      // A fixed LCG, so a failure can be replayed.
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let session = 0; session < 500; session += 1) {
      const n = 1 + Math.floor(random() * 100);
      const times = Array.from({ length: n }, () => T0 + Math.floor(random() * 30 * DAY)).sort((a, b) => a - b);
      for (const model of ATTRIBUTION_MODELS) {
        const weights = touchWeights(times, model);
        expect(weights).toHaveLength(n);
        const outside = weights.flatMap((weight, touch) => (weight >= 0 && weight <= 1 ? [] : [{ touch, weight }]));
        expect(outside, `session ${session}, ${model}: weights outside [0, 1]`).toEqual([]);
        expect(Math.abs(weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      }
    }
  });

  it("refuses no touches, touches out of order and a half-life that is not positive", () => {
    expect(() => touchWeights([], "linear")).toThrow(RangeError);
    expect(() => touchWeights([T0 + 1, T0], "linear")).toThrow(RangeError);
    expect(() => touchWeights([T0], "time_decay", 0)).toThrow(RangeError);
  });
});

describe("credit by post", () => {
  const credit = (postIds: string[], times: number[], model: (typeof ATTRIBUTION_MODELS)[number]) => {
    const weights = touchWeights(times, model);
    return creditByPost(postIds.map((post_id, i) => ({ post_id, weight: weights[i] as number })));
  };

  it("adds up the touches of one post and lists only credited posts", () => {
    const posts = ["post_x", "post_y", "post_x"];
    const times = [T0, T0 + 7 * DAY, T0 + 14 * DAY];
    expect(credit(posts, times, "first_touch")).toEqual([{ post_id: "post_x", weight: 1 }]);
    expect(credit(posts, times, "last_touch")).toEqual([{ post_id: "post_x", weight: 1 }]);
    const linear = credit(posts, times, "linear");
    expect(linear.map((c) => c.post_id)).toEqual(["post_x", "post_y"]);
    expect(linear[0]?.weight).toBeCloseTo(2 / 3, 15);
    expect(linear[1]?.weight).toBeCloseTo(1 / 3, 15);
    const decay = credit(posts, times, "time_decay");
    expect(decay[0]?.weight).toBeCloseTo(5 / 7, 15);
    expect(decay[1]?.weight).toBeCloseTo(2 / 7, 15);
  });

  it("never credits a post more than 1, even when its shares round above it", () => {
    // 0.33 + 0.56 + 0.11 is 1.0000000000000002 in binary floating point.
    expect(0.33 + 0.56 + 0.11).toBeGreaterThan(1);
    const shares = [0.33, 0.56, 0.11].map((weight) => ({ post_id: "post_x", weight }));
    expect(creditByPost(shares)).toEqual([{ post_id: "post_x", weight: 1 }]);
  });
});
