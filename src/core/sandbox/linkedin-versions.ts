// Which LinkedIn-Version values the sandbox LinkedIn serves, written from LinkedIn's
// documentation alone ("LinkedIn Marketing API Versioning", learn.microsoft.com/
// linkedin/marketing/versioning), not from the adapter's check
// (src/core/platforms/linkedin-version.ts), so a mistake in one shows against the other:
// a version is a month, YYYYMM, or a revision of it, YYYYMM.RR; LinkedIn releases one a
// month and serves each for a year from its month, then sunsets it (426
// NONEXISTENT_VERSION). A version of a month still to come is not released yet.
//
// What a version offers: memberCreatorPostAnalytics' POST_SAVE query type is documented
// from the 2026-03 version's page on (learn.microsoft.com, "Member Post Statistics",
// view=li-lms-2026-03; the 2025-11 page lists five query types, without it).

const VERSION = /^(\d{4})(\d{2})(?:\.\d{2})?$/;
const SERVED_MONTHS = 12;
/** The first version whose member post statistics take POST_SAVE. */
const POST_SAVE_FROM = { year: 2026, month: 3 };

/** The version's month as [year, month 1-12], or null when the header is not a version. */
function monthOf(version: string): { year: number; month: number } | null {
  const match = VERSION.exec(version);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? { year, month } : null;
}

/** Whether LinkedIn serves `version` at `nowMs`: released, and less than a year old. */
export function servesVersion(version: string, nowMs: number): boolean {
  const month = monthOf(version);
  if (!month) return false;
  const released = Date.UTC(month.year, month.month - 1, 1);
  const sunset = Date.UTC(month.year, month.month - 1 + SERVED_MONTHS, 1);
  return released <= nowMs && nowMs < sunset;
}

/** Whether member post statistics take the POST_SAVE query type at `version`. */
export function offersPostSave(version: string): boolean {
  const month = monthOf(version);
  if (!month) return false;
  return (
    month.year > POST_SAVE_FROM.year || (month.year === POST_SAVE_FROM.year && month.month >= POST_SAVE_FROM.month)
  );
}
