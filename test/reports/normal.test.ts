// erfc and the normal tail against CPython's math.erfc (the C library's erfc), as
// printed by `python3 -c "import math; print(repr(math.erfc(x)))"` (Python 3.12).
import { describe, expect, it } from "vitest";
import { erfc, normalCdf, twoSidedPValue } from "../../src/core/analytics/normal";

/** [x, repr(math.erfc(x))] */
const REFERENCE: [number, number][] = [
  [0, 1.0],
  [0.1, 0.8875370839817152],
  [0.5, 0.4795001221869535],
  [1, 0.15729920705028513],
  [1.4999, 0.03390674833770473],
  [1.5, 0.033894853524689274],
  [2, 0.004677734981047265],
  [3, 2.2090496998585438e-5],
  [5, 1.5374597944280351e-12],
  [10, 2.088487583762545e-45],
  [20, 5.3958656116079005e-176],
  [26, 5.663192408856143e-296],
  [-1, 1.842700792949715],
  [-3, 1.9999779095030015],
];

function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

describe("erfc", () => {
  it.each(REFERENCE)("erfc(%d) matches math.erfc to a relative 1e-13", (x, expected) => {
    expect(relativeError(erfc(x), expected)).toBeLessThan(1e-13);
  });

  it("is continuous where the series hands over to the continued fraction", () => {
    const below = erfc(1.5 - 1e-12);
    const at = erfc(1.5);
    expect(relativeError(below, at)).toBeLessThan(1e-10);
  });

  it("reaches 0 and 2 at the infinities and passes NaN through", () => {
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erfc(40)).toBe(0);
    expect(erfc(Number.NaN)).toBeNaN();
  });

  it("is decreasing", () => {
    let previous = erfc(-6);
    for (let x = -6; x <= 27; x += 0.01) {
      const value = erfc(x);
      expect(value).toBeLessThanOrEqual(previous);
      previous = value;
    }
  });
});

describe("the normal distribution", () => {
  it("puts 97.5% below the 0.975 quantile", () => {
    // 0.5 * math.erfc(-1.959963984540054 / math.sqrt(2)) == 0.975 in CPython.
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(normalCdf(0)).toBe(0.5);
  });

  it("gives the two-sided p-value of a z statistic, either sign", () => {
    // math.erfc(1.96 / math.sqrt(2)) == 0.04999579029644087
    expect(relativeError(twoSidedPValue(1.96), 0.04999579029644087)).toBeLessThan(1e-13);
    expect(twoSidedPValue(-1.96)).toBe(twoSidedPValue(1.96));
    expect(twoSidedPValue(0)).toBe(1);
  });
});
