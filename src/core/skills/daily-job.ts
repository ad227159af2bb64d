// The daily skill job (cron, wrangler.toml): roll up the last three days into
// skill_metrics_daily (three, so that feedback arriving after midnight still counts
// where it belongs), review skills against the promotion policy, and re-project the
// skills changed in those days into the skills index. Safe to run again for the same
// day: the roll-up writes absolute values, the review's changes are compare-and-set
// and the re-projection rewrites the same vectors, so a second run changes nothing.
import { addDays, dayOf, startOf } from "./calendar";
import { type ResyncReport, resyncSkillIndex } from "./index-resync";
import { rollUpDay } from "./metrics-rollup";
import { type ReviewReport, reviewSkills } from "./review";

export const ROLLUP_DAYS = 3;

export interface DailyJobReport extends ReviewReport, ResyncReport {
  days: string[];
  rows: number;
}

/** Runs the job as of `today` (YYYY-MM-DD, default: the current UTC day). */
export async function runDailySkillJob(env: Env, today = dayOf(new Date())): Promise<DailyJobReport> {
  const days = Array.from({ length: ROLLUP_DAYS }, (_, i) => addDays(today, -(i + 1)));
  let rows = 0;
  for (const day of days) rows += (await rollUpDay(env, day)).length;
  const review = await reviewSkills(env, today);
  const resync = await resyncSkillIndex(env, startOf(addDays(today, -ROLLUP_DAYS)));
  return { days, rows, ...review, ...resync };
}
