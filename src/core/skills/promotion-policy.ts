// When a skill is promoted to the global catalogue, marked failing, or retired. The
// thresholds are deliberate choices (docs/content-and-skills.md, "Promotion policy"); every judgement
// needs evidence from at least K_ANONYMITY tenants, which also keeps any one tenant
// from promoting or sinking a shared skill on its own.

/** The fewest distinct tenants behind any cross-tenant figure that is shown or acted on. */
export const K_ANONYMITY = 5;

export const PROMOTION = {
  windowDays: 30,
  minTenants: K_ANONYMITY,
  minUses: 50,
  minPassRate: 0.9,
  minApprovalRate: 0.5,
  maxDefectRate: 0.1,
} as const;

export const FAILURE = {
  windowDays: 7,
  minTenants: K_ANONYMITY,
  minUses: 20,
  /** Failing below this pass rate ... */
  minPassRate: 0.6,
  /** ... or above this defect rate. */
  maxDefectRate: 0.3,
} as const;

/** A global skill failing this long (and not taken back to testing) is retired. */
export const RETIREMENT = { failingDays: 7 } as const;

/** What a window of days says about a skill, across every tenant that used it. */
export interface Evidence {
  tenants: number;
  uses: number;
  pass_rate: number;
  defect_rate: number;
  selection_rate: number;
  approval_rate: number;
}

/** The promotion thresholds the evidence misses (empty: promote). */
export function unmetForPromotion(e: Evidence | undefined): string[] {
  if (!e) return ["no uses in the window"];
  const unmet: string[] = [];
  if (e.tenants < PROMOTION.minTenants) unmet.push(`used by ${e.tenants} tenants, needs ${PROMOTION.minTenants}`);
  if (e.uses < PROMOTION.minUses) unmet.push(`${e.uses} uses, needs ${PROMOTION.minUses}`);
  if (e.pass_rate < PROMOTION.minPassRate) unmet.push(`pass rate ${round(e.pass_rate)} < ${PROMOTION.minPassRate}`);
  if (e.approval_rate < PROMOTION.minApprovalRate) {
    unmet.push(`approval rate ${round(e.approval_rate)} < ${PROMOTION.minApprovalRate}`);
  }
  if (e.defect_rate > PROMOTION.maxDefectRate)
    unmet.push(`defect rate ${round(e.defect_rate)} > ${PROMOTION.maxDefectRate}`);
  return unmet;
}

/** Why the evidence says the skill is failing (empty: it is not, or there is too little evidence). */
export function failureReasons(e: Evidence | undefined): string[] {
  if (!e || e.tenants < FAILURE.minTenants || e.uses < FAILURE.minUses) return [];
  const reasons: string[] = [];
  if (e.pass_rate < FAILURE.minPassRate) reasons.push(`pass rate ${round(e.pass_rate)} < ${FAILURE.minPassRate}`);
  if (e.defect_rate > FAILURE.maxDefectRate)
    reasons.push(`defect rate ${round(e.defect_rate)} > ${FAILURE.maxDefectRate}`);
  return reasons;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
