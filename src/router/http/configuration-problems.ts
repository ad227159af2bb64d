// A post its configuration refused (objects/publishing/post-configuration.ts), as its
// problem: one type per rule (src/core/problem.ts), and `rule` naming the
// configuration's field, with the facts it was refused on. Nothing was sent.
import type { ConfigurationRefusal } from "../../../objects/tenant-object/contract";
import { ProblemError } from "./problem";

/** The problem kinds of a configuration's refusals (422, audited by the route). */
export const CONFIGURATION_PROBLEMS = ["platformNotAllowed", "guardNotPassed", "brandVoiceTooLow"] as const;
export type ConfigurationProblemKind = (typeof CONFIGURATION_PROBLEMS)[number];

export function configurationProblem(refusal: ConfigurationRefusal): {
  kind: ConfigurationProblemKind;
  error: ProblemError;
} {
  const common = { rule: refusal.rule, configuration_id: refusal.configurationId };
  switch (refusal.rule) {
    case "platforms":
      return {
        kind: "platformNotAllowed",
        error: new ProblemError("platformNotAllowed", refusal.detail, {
          ...common,
          platform: refusal.platform,
          allowed_platforms: refusal.allowed,
        }),
      };
    case "require_guard_pass":
      return {
        kind: "guardNotPassed",
        error: new ProblemError("guardNotPassed", refusal.detail, {
          ...common,
          content_id: refusal.contentId,
          failing_guards: refusal.failingGuards,
        }),
      };
    case "min_brand_voice_score":
      return {
        kind: "brandVoiceTooLow",
        error: new ProblemError("brandVoiceTooLow", refusal.detail, {
          ...common,
          content_id: refusal.contentId,
          brand_voice_score: refusal.score,
          min_brand_voice_score: refusal.minimum,
        }),
      };
  }
}
