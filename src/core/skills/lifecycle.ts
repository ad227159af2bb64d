// A skill's lifecycle: which status may follow which, and the tier each status
// implies. New skills start in testing (experimental); active is the standard tier;
// champion is the best of its kind; failing is flagged for attention; retired is the
// end and is never left.

export const SKILL_STATUSES = ["testing", "active", "champion", "failing", "retired"] as const;
export type SkillStatus = (typeof SKILL_STATUSES)[number];
export const SKILL_TIERS = ["standard", "champion", "experimental"] as const;
export type SkillTier = (typeof SKILL_TIERS)[number];

const NEXT: Record<SkillStatus, readonly SkillStatus[]> = {
  testing: ["active", "failing", "retired"],
  // Back to testing when a new version needs proving again.
  active: ["testing", "champion", "failing", "retired"],
  champion: ["active", "failing", "retired"],
  // A failing skill is fixed and tested again, or retired; never straight back to active.
  failing: ["testing", "retired"],
  retired: [],
};

export function canMove(from: SkillStatus, to: SkillStatus): boolean {
  return NEXT[from].includes(to);
}

export function allowedNext(from: SkillStatus): readonly SkillStatus[] {
  return NEXT[from];
}

/** The tier a status implies; failing and retired skills keep theirs. */
export function tierFor(status: SkillStatus, current: SkillTier): SkillTier {
  switch (status) {
    case "testing":
      return "experimental";
    case "active":
      return "standard";
    case "champion":
      return "champion";
    default:
      return current;
  }
}

export const GLOBAL = "global";

/** The visibility of a tenant's private skill. */
export function privateTo(tenantId: string): string {
  return `tenant:${tenantId}`;
}
