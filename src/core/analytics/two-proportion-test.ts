// The two-proportion z-test with a pooled standard error: is the rate of B different
// from the rate of A? Under H0 (equal rates) both samples estimate one pooled rate p̂,
// so SE = √(p̂(1-p̂)(1/nA + 1/nB)) and z = (p̂B - p̂A) / SE is approximately standard
// normal when every group expects at least MIN_EXPECTED successes and failures.
import { twoSidedPValue } from "./normal";

/** successes out of trials (e.g. clicks out of impressions). */
export interface Proportion {
  successes: number;
  trials: number;
}

/**
 * The textbook condition for the normal approximation: n·p̂ ≥ 5 and n·(1-p̂) ≥ 5 in
 * each group, with p̂ the pooled rate (the rate H0 says both groups share).
 */
export const MIN_EXPECTED = 5;

export interface TwoProportionTest {
  /** Positive when B's rate is the higher. */
  z: number;
  /** Two-sided: P(|Z| ≥ |z|) under H0. */
  pValue: number;
  /** Whether MIN_EXPECTED holds in both groups; without it the p-value is unreliable. */
  approximationHolds: boolean;
}

export function rate(p: Proportion): number | null {
  return p.trials > 0 ? p.successes / p.trials : null;
}

function assertProportion(p: Proportion, name: string): void {
  const { successes, trials } = p;
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
    throw new RangeError(`${name} must have integer 0 <= successes <= trials`);
  }
}

/** The test of B against A; null when either has no trials (no rate to compare). */
export function twoProportionZTest(a: Proportion, b: Proportion): TwoProportionTest | null {
  assertProportion(a, "a");
  assertProportion(b, "b");
  if (a.trials === 0 || b.trials === 0) return null;
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const approximationHolds = [a.trials, b.trials].every(
    (n) => n * pooled >= MIN_EXPECTED && n * (1 - pooled) >= MIN_EXPECTED,
  );
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  // A pooled rate of exactly 0 or 1 means both groups have the same rate: no evidence
  // of a difference at all (and no spread to divide by).
  if (se === 0) return { z: 0, pValue: 1, approximationHolds };
  const z = (b.successes / b.trials - a.successes / a.trials) / se;
  return { z, pValue: twoSidedPValue(z), approximationHolds };
}
