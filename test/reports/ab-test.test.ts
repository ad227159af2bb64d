// The A/B statistics against values computed independently in Python 3.12, two ways
// that agree to ~1e-14 (so the reference does not share this code's method):
//   z  = (x2/n2 - x1/n1) / sqrt(p(1-p)(1/n1 + 1/n2)),  p = (x1+x2)/(n1+n2)
//   p  = math.erfc(abs(z) / math.sqrt(2))
//   p' = math.erfc(math.sqrt(chi2 / 2)), chi2 = N(ad-bc)^2 / ((a+b)(c+d)(a+c)(b+d)),
//        Pearson's chi-square of the 2x2 table without continuity correction (= z^2).
// Holm by hand: for p1 <= p2, adj1 = 2*p1 and adj2 = max(adj1, p2).
import { describe, expect, it } from "vitest";
import { evaluateAbTest, holmAdjust } from "../../src/core/analytics/ab-test";
import { twoProportionZTest } from "../../src/core/analytics/two-proportion-test";

const close = (actual: number | null | undefined, expected: number, relative = 1e-12) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected) / Math.abs(expected)).toBeLessThan(relative);
};
const v = (successes: number, trials: number) => ({ successes, trials });

/** [A, B, z, p]: zt and chi2 in the header's Python. */
const Z_TESTS: [[number, number], [number, number], number, number][] = [
  [[200, 1000], [250, 1000], 2.677397763008329, 0.007419649261025693],
  [[1000, 100000], [1300, 100000], 6.291714391758776, 3.139787840041932e-10],
  [[200, 1000], [240, 1000], 2.1591675854376513, 0.030837167828904333],
  [[300, 1000], [200, 1000], -5.1639777949432215, 2.417563881119042e-7],
  [[200, 1000], [205, 1000], 0.27821282546451775, 0.7808489900754432],
  [[120, 4000], [150, 4000], 1.857353716663985, 0.06326084669568624],
];

describe("the two-proportion z-test", () => {
  it.each(Z_TESTS)("%j against %j: z and p as computed in Python", (a, b, z, p) => {
    const test = twoProportionZTest(v(...a), v(...b));
    close(test?.z, z);
    close(test?.pValue, p);
    expect(test?.approximationHolds).toBe(true);
  });

  it("sees no difference between equal rates, and none when every trial failed", () => {
    expect(twoProportionZTest(v(50, 1000), v(50, 1000))).toEqual({ z: 0, pValue: 1, approximationHolds: true });
    expect(twoProportionZTest(v(0, 1000), v(0, 500))).toEqual({ z: 0, pValue: 1, approximationHolds: false });
  });

  it("flags too few expected events for the normal approximation", () => {
    expect(twoProportionZTest(v(1, 1000), v(3, 1000))?.approximationHolds).toBe(false);
    // 5 + 5 of 2000: pooled 0.005, 1000 * 0.005 = 5 expected in each group: enough.
    expect(twoProportionZTest(v(5, 1000), v(5, 1000))?.approximationHolds).toBe(true);
  });

  it("has no answer without trials, and refuses figures that are not a proportion", () => {
    expect(twoProportionZTest(v(0, 0), v(1, 10))).toBeNull();
    expect(() => twoProportionZTest(v(11, 10), v(1, 10))).toThrow(RangeError);
    expect(() => twoProportionZTest(v(1.5, 10), v(1, 10))).toThrow(RangeError);
  });
});

describe("Holm–Bonferroni", () => {
  it("doubles the smaller p-value and keeps the larger no smaller than it", () => {
    expect(holmAdjust([0.01, 0.04])).toEqual([0.02, 0.04]);
    expect(holmAdjust([0.03, 0.02])).toEqual([0.04, 0.04]);
    expect(holmAdjust([0.6, 0.01])).toEqual([0.6, 0.02]);
    expect(holmAdjust([0.7, 0.6])).toEqual([1, 1]);
    expect(holmAdjust([null, 0.02])).toEqual([null, 0.04]);
    expect(holmAdjust([0.2])).toEqual([0.2]);
  });
});

describe("deciding a test", () => {
  const decide = (variants: [number, number][], minSample = 1000, alpha = 0.05) =>
    evaluateAbTest({ variants: variants.map(([s, n]) => v(s, n)), minSample, alpha });

  it("names B when it beats A significantly, with p, confidence and uplift", () => {
    const result = decide([
      [200, 1000],
      [250, 1000],
    ]);
    expect(result.winner).toBe("B");
    close(result.p_value, 0.007419649261025693);
    expect(result.confidence_level).toBe(99);
    close(result.uplift, 25);
    expect(result.variants.map((x) => x.rate)).toEqual([0.2, 0.25]);
  });

  it("is inconclusive below the minimum sample, whatever the p-value", () => {
    const result = decide([
      [200, 999],
      [250, 1000],
    ]);
    expect(result.winner).toBe("inconclusive");
    expect(result.reason).toContain("A has 999");
    expect(result.p_value).toBeLessThan(0.01);
    expect(result.comparisons[0]?.significant).toBe(false);
  });

  it("is inconclusive when events outnumber trials, and tests nothing", () => {
    const result = decide([
      [1200, 1000],
      [250, 1000],
    ]);
    expect(result).toMatchObject({ winner: "inconclusive", p_value: null, comparisons: [] });
    expect(result.reason).toContain("not a proportion");
  });

  it("is inconclusive when too few events are expected for the normal approximation", () => {
    const result = decide([
      [1, 5000],
      [4, 5000],
    ]);
    expect(result.winner).toBe("inconclusive");
    expect(result.reason).toContain("normal approximation");
  });

  it("is a tie with enough data and no significant difference", () => {
    const result = decide([
      [200, 1000],
      [205, 1000],
    ]);
    expect(result.winner).toBe("tie");
    close(result.p_value, 0.7808489900754432);
    expect(result.confidence_level).toBe(21);
    close(result.uplift, 2.5);
  });

  it("with three variants, corrects both comparisons with Holm and names the larger uplift", () => {
    // p(B) = 0.030837167828904333, p(C) = 0.001432290465813645: Holm gives C 2 * p(C)
    // and B max(2 * p(C), p(B)) = p(B); both ≤ 0.05 (Bonferroni would have lost B).
    const result = decide([
      [200, 1000],
      [240, 1000],
      [260, 1000],
    ]);
    expect(result.winner).toBe("C");
    close(result.p_value, 2 * 0.001432290465813645);
    close(result.comparisons[0]?.adjusted_p_value, 0.030837167828904333);
    expect(result.comparisons.map((c) => c.significant)).toEqual([true, true]);
    close(result.uplift, 30);
    expect(result.reason).toContain("not tested against each other");
  });

  it("with three variants, names the one challenger that beats A after correction", () => {
    // p(B) = 0.06326084669568624 is above 0.05 even before correction; Holm doubles
    // p(C) = 0.0011025916212835866.
    const result = decide([
      [120, 4000],
      [150, 4000],
      [175, 4000],
    ]);
    expect(result.winner).toBe("C");
    close(result.p_value, 2 * 0.0011025916212835866);
    expect(result.comparisons.map((c) => c.significant)).toEqual([false, true]);
  });

  it("names A only when it beats every challenger; its headline is the weakest win", () => {
    // p(B) = 2.417563881119042e-7, p(C) = 3.889404629948281e-6 → adjusted 4.835e-7 and 3.889e-6.
    const result = decide([
      [300, 1000],
      [200, 1000],
      [210, 1000],
    ]);
    expect(result.winner).toBe("A");
    close(result.p_value, 3.889404629948281e-6);
    close(result.uplift, -30);
    expect(result.confidence_level).toBe(99);
  });

  it("calls a tie when A beats one challenger but not the other", () => {
    const result = decide([
      [300, 1000],
      [200, 1000],
      [295, 1000],
    ]);
    expect(result.winner).toBe("tie");
    expect(result.comparisons.map((c) => c.significant)).toEqual([true, false]);
  });

  it("has no uplift over a control whose rate is zero", () => {
    const result = decide(
      [
        [0, 1000],
        [30, 1000],
      ],
      100,
    );
    expect(result.winner).toBe("B");
    expect(result.uplift).toBeNull();
  });

  it("refuses one variant or four", () => {
    expect(() => decide([[1, 10]])).toThrow(RangeError);
    expect(() =>
      decide([
        [1, 10],
        [1, 10],
        [1, 10],
        [1, 10],
      ]),
    ).toThrow(RangeError);
  });
});
