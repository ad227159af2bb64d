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

/**
 * Rows the job's steps may read (their budgets; the job runs once a day for the whole
 * deployment, so a run is every tenant): the roll-up of a day, 6 a candidate of the day
 * that used a skill (its row, its guard results and revisions, each skill and version
 * looked up once); the evidence over a window, 3 a metrics row of the window and 3 a
 * candidate of it (the tenants who used each skill: its index entry, its row, its tenant's
 * residency); the review, its two windows'
 * evidence and 4 a skill it reads; the re-sync, 8 a skill changed in its days (the
 * skill, its active version and that version's embeddings, each an index entry and a row). Each with 100 to 200 more for the statements
 * themselves. Held without the planner's statistics too (test/db/bounded-reads.test.ts).
 */
export const SKILL_JOB_READS = {
  rollUp: (candidates: number) => 6 * candidates + 100,
  evidence: (metricsRows: number, candidates: number) => 3 * metricsRows + 3 * candidates + 100,
  review: (metricsRows: number, candidates: number, skills: number) =>
    3 * metricsRows + 3 * candidates + 4 * skills + 200,
  resync: (skills: number) => 8 * skills + 100,
};

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
