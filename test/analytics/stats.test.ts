import { describe, expect, it } from "vitest";
import { mean, median, percentile, stddev, zScore } from "../../src/core/analytics/stats";

describe("statistics", () => {
  it("mean, sample standard deviation and z-scores", () => {
    const values = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(values)).toBe(5);
    expect(stddev(values)).toBeCloseTo(2.13809, 5);
    expect(zScore(9, 5, 2)).toBe(2);
    expect(zScore(1, 5, 0)).toBeNull();
    expect(mean([])).toBeNull();
    expect(stddev([1])).toBeNull();
  });

  it("percentiles interpolate between closest ranks (percentile_cont)", () => {
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBeCloseTo(9.1, 10);
    expect(percentile([5], 90)).toBe(5);
    expect(percentile([], 50)).toBeNull();
  });
});
