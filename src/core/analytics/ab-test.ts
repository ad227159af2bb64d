// Deciding an A/B(/C) test on a proportion metric.
//
// A is the control. Each challenger (B, and C when there is one) is compared with A
// by the pooled two-proportion z-test, two-sided. With three variants there are two
// comparisons, and the chance that at least one of them looks significant by luck
// is nearly twice alpha; the Holm–Bonferroni step-down corrects for that: the
// smaller p-value is doubled, the larger is kept but never below the first's
// adjusted value. It controls the family-wise error at alpha exactly as Bonferroni
// does, and never rejects less. A comparison is significant when its adjusted
// p-value is at most alpha.
//
// The verdict:
// * "inconclusive" while any variant has fewer than `minSample` trials, when a
//   variant has more events than trials (the metric is then not a proportion), or
//   when the normal approximation does not hold (see two-proportion-test.ts);
// * otherwise a challenger significantly better than A wins (if both are, the one
//   with the larger uplift: they are not tested against each other);
// * A wins when it is significantly better than every challenger;
// * anything else is a "tie": enough data, and no variant proven better than the rest.
// The headline p-value, confidence and uplift are those of one comparison: the
// winning challenger's; for A, the weakest of its wins (the largest p); otherwise the
// comparison closest to significance (the smallest p).
import { type Proportion, rate, twoProportionZTest } from "./two-proportion-test";

export const VARIANT_LABELS = ["A", "B", "C"] as const;
export type VariantLabel = (typeof VARIANT_LABELS)[number];
export type Challenger = Exclude<VariantLabel, "A">;
export type Winner = VariantLabel | "tie" | "inconclusive";

export interface AbTestInput {
  /** A (the control) first; two or three variants. */
  variants: readonly Proportion[];
  /** Trials each variant needs before a verdict. */
  minSample: number;
  /** Family-wise significance level, e.g. 0.05. */
  alpha: number;
}

export interface VariantFigures {
  label: VariantLabel;
  successes: number;
  trials: number;
  rate: number | null;
}

export interface Comparison {
  variant: Challenger;
  /** Positive when the challenger's rate is above A's. */
  z: number | null;
  p_value: number | null;
  /** Holm-adjusted for the number of comparisons (equal to p_value with two variants). */
  adjusted_p_value: number | null;
  /** The challenger's relative lift over A, in percent; null when A's rate is 0 or unknown. */
  uplift: number | null;
  significant: boolean;
}

export interface AbTestResult {
  winner: Winner;
  p_value: number | null;
  /** ⌊100·(1 - p)⌋ of the headline p-value: never overstated. */
  confidence_level: number | null;
  uplift: number | null;
  reason: string;
  variants: VariantFigures[];
  comparisons: Comparison[];
}

/** Holm–Bonferroni adjusted p-values, in the order given; null (no test) counts as 1. */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p: p ?? 1, i })).sort((x, y) => x.p - y.p);
  const adjusted: (number | null)[] = new Array(m).fill(null);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = pValues[i] === null ? null : running;
  });
  return adjusted;
}

function upliftOf(control: number | null, challenger: number | null): number | null {
  if (control === null || challenger === null || control === 0) return null;
  return ((challenger - control) / control) * 100;
}

function confidenceOf(p: number | null): number | null {
  if (p === null) return null;
  // The small epsilon keeps 1 - 0.05 = 0.95 from flooring to 94 through rounding.
  return Math.min(100, Math.max(0, Math.floor((1 - p) * 100 + 1e-9)));
}

function compare(variants: VariantFigures[], alpha: number): Comparison[] {
  const [control, ...challengers] = variants as [VariantFigures, ...VariantFigures[]];
  const tests = challengers.map((x) => twoProportionZTest(control, x));
  const adjusted = holmAdjust(tests.map((t) => t?.pValue ?? null));
  return challengers.map((x, i) => {
    const test = tests[i] ?? null;
    const adjustedP = adjusted[i] ?? null;
    return {
      variant: x.label as Challenger,
      z: test?.z ?? null,
      p_value: test?.pValue ?? null,
      adjusted_p_value: adjustedP,
      uplift: upliftOf(control.rate, x.rate),
      significant: adjustedP !== null && adjustedP <= alpha,
    };
  });
}

/** Why no verdict can be given yet, or null when one can. */
function notYet(input: AbTestInput, variants: VariantFigures[]): string | null {
  const overfull = variants.find((v) => v.successes > v.trials);
  if (overfull) {
    return `variant ${overfull.label} has more events (${overfull.successes}) than trials (${overfull.trials}): the metric is not a proportion`;
  }
  const short = variants.filter((v) => v.trials < input.minSample);
  if (short.length > 0) {
    const list = short.map((v) => `${v.label} has ${v.trials}`).join(", ");
    return `minimum sample not reached: ${input.minSample} trials per variant needed; ${list}`;
  }
  const [control, ...challengers] = variants as [VariantFigures, ...VariantFigures[]];
  const weak = challengers.find((x) => !twoProportionZTest(control, x)?.approximationHolds);
  if (weak) return `too few events for the normal approximation (A against ${weak.label}): fewer than 5 expected`;
  return null;
}

function pick(comparisons: Comparison[], by: "min" | "max"): Comparison | undefined {
  const p = (c: Comparison) => c.adjusted_p_value ?? 1;
  return [...comparisons].sort((x, y) => (by === "min" ? p(x) - p(y) : p(y) - p(x)))[0];
}

function verdict(comparisons: Comparison[]): { winner: Winner; headline?: Comparison; reason: string } {
  const better = comparisons.filter((c) => c.significant && (c.z ?? 0) > 0);
  if (better.length > 0) {
    const best = [...better].sort((x, y) => (y.uplift ?? 0) - (x.uplift ?? 0))[0] as Comparison;
    const reason =
      better.length > 1
        ? `B and C both beat A significantly; ${best.variant} has the larger uplift (B and C were not tested against each other)`
        : `${best.variant} beats A significantly`;
    return { winner: best.variant, headline: best, reason };
  }
  if (comparisons.every((c) => c.significant && (c.z ?? 0) < 0)) {
    return { winner: "A", headline: pick(comparisons, "max"), reason: "A beats every challenger significantly" };
  }
  return {
    winner: "tie",
    headline: pick(comparisons, "min"),
    reason: "the minimum sample is reached and no variant is significantly better than the others",
  };
}

export function evaluateAbTest(input: AbTestInput): AbTestResult {
  if (input.variants.length < 2 || input.variants.length > 3) throw new RangeError("two or three variants");
  const variants: VariantFigures[] = input.variants.map((v, i) => ({
    label: VARIANT_LABELS[i] as VariantLabel,
    successes: v.successes,
    trials: v.trials,
    rate: rate(v),
  }));
  // Figures that are not a proportion are reported, never tested.
  const valid = variants.every((v) => v.successes <= v.trials);
  const comparisons = valid ? compare(variants, input.alpha) : [];
  const pending = notYet(input, variants);
  const { winner, headline, reason } = pending
    ? { winner: "inconclusive" as const, headline: pick(comparisons, "min"), reason: pending }
    : verdict(comparisons);
  const p = headline?.adjusted_p_value ?? null;
  return {
    winner,
    p_value: p,
    confidence_level: confidenceOf(p),
    uplift: headline?.uplift ?? null,
    reason,
    variants,
    comparisons: pending ? comparisons.map((c) => ({ ...c, significant: false })) : comparisons,
  };
}
