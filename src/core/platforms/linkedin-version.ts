// The LinkedIn-Version header (YYYYMM, or YYYYMM.RR for a revision). LinkedIn's
// versioned APIs keep each monthly version for at least a year, then sunset it
// (learn.microsoft.com, LinkedIn Marketing "Versioning"; every page carries a
// "Marketing Version … has been sunset" notice), so the version is configuration:
// the LINKEDIN_VERSION variable in wrangler.toml, moved forward as docs/publishing.md says ("Platforms: before going live").

/**
 * The default: 202605, a version LinkedIn documents (learn.microsoft.com pages with
 * view=li-lms-2026-05) and active until about May 2027.
 */
export const DEFAULT_LINKEDIN_VERSION = "202605";
/**
 * The version a development deployment asks for when none is configured: the month
 * before `nowMs`'s (a version LinkedIn has released by then and keeps for a year), so
 * the sandbox, which refuses a sunset version as LinkedIn does, works on any date. A
 * live deployment pins its version (LINKEDIN_VERSION) and moves it forward itself.
 */
export function linkedInVersionFor(nowMs: number): string {
  const now = new Date(nowMs);
  const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${previous.getUTCFullYear()}${String(previous.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** How long LinkedIn keeps a version after its release. */
export const LINKEDIN_VERSION_LIFETIME_MONTHS = 12;

const FORMAT = /^(\d{4})(\d{2})(?:\.\d{2})?$/;

/** Months since year 0 of a version string; null when it is not one. */
function monthOf(version: string): number | null {
  const match = FORMAT.exec(version);
  if (!match) return null;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? Number(match[1]) * 12 + month - 1 : null;
}

/**
 * When LinkedIn stops serving `version`: the first day of the month
 * LINKEDIN_VERSION_LIFETIME_MONTHS after its own (202605: 2027-05-01), as
 * isActiveLinkedInVersion counts it; null when it is not a version. The pre-flight check
 * of a scheduled post compares it with the post's time (objects/publishing/preflight.ts).
 */
export function linkedInVersionSunsetMs(version: string): number | null {
  const month = monthOf(version);
  if (month === null) return null;
  const end = month + LINKEDIN_VERSION_LIFETIME_MONTHS;
  return Date.UTC(Math.floor(end / 12), end % 12, 1);
}

/** Whether LinkedIn still serves `version` at `nowMs`: released, and not past its year. */
export function isActiveLinkedInVersion(version: string, nowMs: number): boolean {
  const month = monthOf(version);
  if (month === null) return false;
  const now = new Date(nowMs);
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
  return month <= current && current - month < LINKEDIN_VERSION_LIFETIME_MONTHS;
}

/**
 * Whether memberCreatorPostAnalytics takes the POST_SAVE query type at `version`: its
 * page documents POST_SAVE from the 2026-03 version on (learn.microsoft.com, "Member
 * Post Statistics", view=li-lms-2026-03; the 2025-11 page has five query types).
 */
export const POST_SAVE_SINCE = "202603";

export function offersPostSave(version: string): boolean {
  const month = monthOf(version);
  const since = monthOf(POST_SAVE_SINCE) as number;
  return month !== null && month >= since;
}
